#include "workload_source.hpp"

#include <algorithm>
#include <filesystem>
#include <numeric>

#include <fmt/format.h>

#include "sim/input/diagnostic.hpp"
#include "sim/input/json_file.hpp"
#include "sim/input/value_text.hpp"

namespace qtsim::workload {

using nlohmann::json;
namespace fs = std::filesystem;

namespace {

constexpr const char* kExtends = "extends";

[[noreturn]] void fail_at_extends(const std::string& file, std::string expected, std::string found, std::string hint = {}) {
  throw input::InputError(input::Diagnostic{file, std::string("/") + kExtends, std::move(expected), std::move(found), std::move(hint)});
}

// The base a file extends, joined to the file's folder, or "" when it extends none.
std::string base_path_of(const WorkloadSource::File& f) {
  if (!f.patch.is_object() || !f.patch.contains(kExtends)) return "";
  const json& target = f.patch.at(kExtends);
  if (!target.is_string() || target.get<std::string>().empty())
    fail_at_extends(f.path, "a workload file (path relative to this file, a non-empty string)", input::describe_value(target));
  const fs::path given = target.get<std::string>();
  return (given.is_absolute() ? given : fs::path(f.path).parent_path() / given).lexically_normal().string();
}

// Reads a base; a base that is not there is an error of the file extending it.
json read_base(const std::string& extending, const std::string& given, const std::string& path) {
  std::error_code error;
  if (!fs::is_regular_file(path, error)) {
    try {
      input::read_json_file(path);
    } catch (const input::InputError& e) {
      const input::Diagnostic& d = e.diagnostics().front();
      fail_at_extends(extending, "a workload file (path relative to this file)",
                      fmt::format("\"{}\" ({}: {})", given, path, d.found), d.hint);
    }
  }
  json document = input::read_json_file(path);
  if (!document.is_object())
    throw input::InputError(input::Diagnostic{
        path, "", fmt::format("a JSON object (extended by {}: a workload, or the part of one it derives from)", extending),
        input::describe_value(document), ""});
  return document;
}

std::string describe_chain(const std::vector<WorkloadSource::File>& chain, const std::string& last) {
  std::string s;
  for (const auto& f : chain) s += f.path + " -> ";
  return s + last;
}

}  // namespace

WorkloadSource read_workload_source(const std::string& path) {
  WorkloadSource source;
  source.chain.push_back({path, input::read_json_file(path)});
  std::vector<fs::path> seen{fs::weakly_canonical(path)};
  for (std::string base = base_path_of(source.chain.back()); !base.empty(); base = base_path_of(source.chain.back())) {
    const std::string extending = source.chain.back().path;
    const std::string given = source.chain.back().patch.at(kExtends);
    const fs::path canonical = fs::weakly_canonical(base);
    if (std::find(seen.begin(), seen.end(), canonical) != seen.end())
      fail_at_extends(extending, "a workload that does not extend itself",
                      fmt::format("\"{}\", a cycle: {}", given, describe_chain(source.chain, base)));
    if (source.chain.size() == kMaxBaseChain)
      fail_at_extends(extending, fmt::format("at most {} files extending one another", kMaxBaseChain),
                      fmt::format("\"{}\" at depth {}", given, source.chain.size()));
    seen.push_back(canonical);
    source.chain.push_back({base, read_base(extending, given, base)});
  }
  for (auto& f : source.chain)
    if (f.patch.is_object()) f.patch.erase(kExtends);
  source.expanded = source.chain.back().patch;
  for (auto f = source.chain.rbegin() + 1; f != source.chain.rend(); ++f) source.expanded.merge_patch(f->patch);
  return source;
}

const std::string& WorkloadSource::file_of(const std::string& pointer) const {
  json::json_pointer full;
  try {
    full = json::json_pointer(pointer);
  } catch (const json::exception&) {
    return chain.front().path;
  }
  std::vector<json::json_pointer> prefixes;  // from the root's child down to the pointer
  for (json::json_pointer p = full; !p.empty(); p = p.parent_pointer()) prefixes.insert(prefixes.begin(), p);

  // The files whose values can show at the current depth, most derived first.
  std::vector<std::size_t> candidates(chain.size());
  std::iota(candidates.begin(), candidates.end(), std::size_t{0});
  std::size_t owner = 0;
  for (const json::json_pointer& p : prefixes) {
    // Replay the merge at p, least derived first: an object merges into an
    // object; anything else (or an object over a non-object) starts afresh.
    std::vector<std::size_t> contributors;
    for (auto i = candidates.rbegin(); i != candidates.rend(); ++i) {
      const json& patch = chain[*i].patch;
      if (!patch.contains(p)) continue;
      const bool merges = patch.at(p).is_object() && !contributors.empty() &&
                          chain[contributors.back()].patch.at(p).is_object();
      if (!merges) contributors.clear();
      contributors.push_back(*i);
    }
    if (contributors.empty()) break;
    owner = contributors.back();
    candidates.assign(contributors.rbegin(), contributors.rend());
  }
  return chain[owner].path;
}

}  // namespace qtsim::workload
