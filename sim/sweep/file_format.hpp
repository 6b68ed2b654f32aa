#pragma once
// The files `qtsim sweep` writes for itself (plan.json, points/ID.json) start
// with {"format": NAME, "version": N}; reading one checks both, and anything
// else wrong in it is a damaged file, named with the JSON pointer.
#include <string>

#include <nlohmann/json.hpp>

#include "sim/input/diagnostic.hpp"

namespace qtsim::sweep {

nlohmann::ordered_json format_header(const std::string& format, int version);

// Throws damaged_file() unless `doc` is an object of this format and version.
void check_format(const nlohmann::json& doc, const std::string& file, const std::string& format, int version);

input::InputError damaged_file(const std::string& file, const std::string& pointer, const std::string& expected);

}  // namespace qtsim::sweep
