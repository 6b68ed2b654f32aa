#pragma once
// The "expected ..." text of a diagnostic, derived from the schema the value
// failed: "an integer >= 1", "a number in [0, 1]", "one of \"os\", \"ws\",
// \"is\"", "an array of at most 4 items", "a string matching ^[a-z]",
// "an integer or null".
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace qtsim::input {

// What `schema` accepts, in words; `root` resolves "$ref".
std::string describe_schema(const nlohmann::json& schema, const nlohmann::json& root);

// What a oneOf/anyOf list accepts: "an integer >= 1 or \"auto\"", or for a
// union told apart by "type": "an object with \"type\" one of conv, linear".
std::string describe_alternatives(const nlohmann::json& alternatives, const nlohmann::json& root);

// `field "name"`, followed by " (description)" when the schema of the field
// (or what its $ref points to) has a description.
std::string describe_field(const std::string& name, const nlohmann::json* field_schema, const nlohmann::json& root);

// "a", "a or b", "a, b or c"
std::string join_with_or(const std::vector<std::string>& items);

}  // namespace qtsim::input
