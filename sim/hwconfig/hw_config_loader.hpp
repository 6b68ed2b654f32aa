#pragma once
// Hardware configuration files (workloads/hw/*.json, schema
// workloads/schema/hw.schema.json): read, checked against the schema with
// defaults filled in, checked for what the schema cannot say (a datapath and
// a normalization unit that fit together, SRAM banks of whole words), and
// converted to the hw::HwConfig the SystemC units read. Every problem is
// reported at once, each naming the file, the JSON pointer, what was expected
// and what was found (input::InputError; the command line exits with code 2).
//
// "extends": "base.json" (a path relative to the extending file) starts from
// another complete configuration: the base is loaded and checked on its own
// (its problems name the base file), then this file's fields replace the
// base's, objects merged field by field. Chains are allowed, cycles are not.
//
// Defaults that depend on the datapath are chosen here, not by the schema:
// accumulator_bits 32, accumulator_saturates true, and flag_operands true for
// an int8 array and false for an fp32 one.
#include <string>

#include <nlohmann/json.hpp>

#include "models/hw/core/hw_config.hpp"
#include "sim/input/diagnostic.hpp"

namespace qtsim::hwconfig {

// Reads and checks a hardware configuration file; throws input::InputError
// listing every problem.
hw::HwConfig load_hw_config(const std::string& path);

// The document of `path` with "extends" resolved and every default filled in
// (what load_hw_config converts; for echoing the configuration into reports).
nlohmann::json load_hw_config_json(const std::string& path);

// Checks and converts an already parsed document, named `file` in messages.
// "extends" is not followed here (the field is accepted and ignored).
hw::HwConfig parse_hw_config(nlohmann::json document, const std::string& file);

}  // namespace qtsim::hwconfig
