#pragma once
// The JSON schemas of workloads/schema/, built into the program.
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace qtsim::input {

// The parsed schema from workloads/schema/<name>.schema.json. Parsed and
// checked (check_schema) on first use; throws std::out_of_range for an
// unknown name.
const nlohmann::json& embedded_schema(std::string_view name);

// Names of all embedded schemas, sorted.
std::vector<std::string> embedded_schema_names();

}  // namespace qtsim::input
