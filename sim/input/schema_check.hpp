#pragma once
// Checks that a schema uses only the keywords schema_validator.hpp supports,
// each with a value of the right shape, that every $ref resolves, every
// pattern compiles, and every default satisfies the schema it sits in. Catches
// schema typos ("requried") that would otherwise silently accept anything.
#include <nlohmann/json.hpp>

#include "schema_error.hpp"

namespace qtsim::input {

// Throws SchemaError naming the schema location of the first problem.
void check_schema(const nlohmann::json& schema);

}  // namespace qtsim::input
