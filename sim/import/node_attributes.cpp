#include "node_attributes.hpp"

#include <fmt/format.h>

namespace qtsim::import {

std::string node_pointer(const OnnxNode& n) { return fmt::format("{} ({})", n.where(), n.op_type); }

const OnnxAttribute* NodeAttributes::find(const std::string& name, OnnxAttribute::Kind kind, const char* kind_name) const {
  auto it = node_.attributes.find(name);
  if (it == node_.attributes.end()) return nullptr;
  if (it->second.kind != kind) {
    diags_.add(node_pointer(node_), fmt::format("attribute '{}' to be {}", name, kind_name), "an attribute of another type");
    return nullptr;
  }
  return &it->second;
}

std::int64_t NodeAttributes::integer(const std::string& name, std::int64_t fallback) const {
  const OnnxAttribute* a = find(name, OnnxAttribute::Kind::integer, "an integer");
  return a ? a->integer : fallback;
}

double NodeAttributes::real(const std::string& name, double fallback) const {
  const OnnxAttribute* a = find(name, OnnxAttribute::Kind::real, "a float");
  return a ? a->real : fallback;
}

std::string NodeAttributes::text(const std::string& name, const std::string& fallback) const {
  const OnnxAttribute* a = find(name, OnnxAttribute::Kind::text, "a string");
  return a ? a->text : fallback;
}

std::vector<std::int64_t> NodeAttributes::integers(const std::string& name, const std::vector<std::int64_t>& fallback) const {
  const OnnxAttribute* a = find(name, OnnxAttribute::Kind::integers, "a list of integers");
  return a ? a->integers : fallback;
}

}  // namespace qtsim::import
