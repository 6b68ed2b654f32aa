#pragma once
// The usual way a loader reads its input: parse the file, check it against
// its schema, fill defaults, and report every problem at once.
#include <string>

#include <nlohmann/json.hpp>

namespace qtsim::input {

// read_json_file + validate; throws InputError listing every problem found
// (SchemaError if the schema itself is broken).
nlohmann::json read_validated_json_file(const std::string& path, const nlohmann::json& schema);

}  // namespace qtsim::input
