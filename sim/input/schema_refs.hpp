#pragma once
// Local "$ref" resolution: "#" (the root) and "#/json/pointer", in practice
// "#/$defs/NAME". References to other documents are not supported.
#include <string>

#include <nlohmann/json.hpp>

namespace qtsim::input {

// The subschema `ref` points to in `root`; throws SchemaError when it is not
// local or points nowhere.
const nlohmann::json& resolve_ref(const nlohmann::json& root, const std::string& ref);

// `schema`, or what its "$ref" chain ends at (siblings of "$ref" are ignored).
// Throws SchemaError on a chain that loops.
const nlohmann::json& follow_refs(const nlohmann::json& root, const nlohmann::json& schema);

}  // namespace qtsim::input
