#include "layer_names.hpp"

#include "layer_graph.hpp"

namespace qtsim::import {

namespace {

constexpr std::size_t kMaxName = 64;  // the workload schema's limit

bool allowed(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}

std::string sanitized(const std::string& raw) {
  std::string out;
  for (char c : raw) {
    const char k = allowed(c) ? c : '.';
    if (k == '.' && (out.empty() || out.back() == '.')) continue;
    out += k;
  }
  while (!out.empty() && out.back() == '.') out.pop_back();
  return out;
}

// The last kMaxName characters, without a leading dot.
std::string shortened(std::string name) {
  if (name.size() <= kMaxName) return name;
  name = name.substr(name.size() - kMaxName);
  while (!name.empty() && name.front() == '.') name.erase(0, 1);
  return name;
}

}  // namespace

LayerNames::LayerNames() { taken_.insert(kNetworkInput); }

std::string LayerNames::from_onnx(const std::string& onnx_name, const std::string& fallback) {
  const std::string s = sanitized(onnx_name);
  return unique(s.empty() ? sanitized(fallback) : s);
}

std::string LayerNames::derived(const std::string& base, const std::string& suffix) { return unique(base + suffix); }

std::string LayerNames::unique(std::string name) {
  std::string candidate = shortened(name);
  for (int k = 2; taken_.count(candidate); ++k) candidate = shortened(name + "_" + std::to_string(k));
  taken_.insert(candidate);
  return candidate;
}

}  // namespace qtsim::import
