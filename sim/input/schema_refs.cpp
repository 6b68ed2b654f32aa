#include "schema_refs.hpp"

#include "schema_error.hpp"

namespace qtsim::input {

namespace {
constexpr int kMaxRefChain = 64;
}  // namespace

const nlohmann::json& resolve_ref(const nlohmann::json& root, const std::string& ref) {
  if (ref.empty() || ref[0] != '#') {
    throw SchemaError("$ref \"" + ref + "\": only local references (\"#/$defs/NAME\") are supported");
  }
  try {
    const nlohmann::json::json_pointer pointer(ref.substr(1));
    if (!root.contains(pointer)) throw SchemaError("$ref \"" + ref + "\" points to nothing in the schema");
    return root.at(pointer);
  } catch (const nlohmann::json::exception& error) {
    throw SchemaError("$ref \"" + ref + "\" is not a valid JSON pointer: " + error.what());
  }
}

const nlohmann::json& follow_refs(const nlohmann::json& root, const nlohmann::json& schema) {
  const nlohmann::json* current = &schema;
  for (int step = 0; step < kMaxRefChain; ++step) {
    if (!current->is_object()) return *current;
    const auto ref = current->find("$ref");
    if (ref == current->end() || !ref->is_string()) return *current;
    current = &resolve_ref(root, ref->get<std::string>());
  }
  throw SchemaError("$ref chain longer than " + std::to_string(kMaxRefChain) + " steps: is there a cycle?");
}

}  // namespace qtsim::input
