#pragma once
// Sensitivity from the command line: one number of a technology table changed
// (`--vary PATH=LOW:HIGH`; the paths are those of models/cost/tech_table.hpp,
// e.g. fp32.div.energy_pj, sram.leakage_factor, dram.LPDDR4.energy_pj_per_bit).
// Checked like any input: an unknown path gets a did-you-mean hint, a value
// outside the path's range (models/cost/figure_limits.hpp) is refused when the
// option is read, and the table is checked again after the change.
//
// Declared in namespace cost, next to the structures they change.
#include <string>
#include <string_view>

#include "models/cost/tech_table.hpp"

namespace qtsim::cost {

// "PATH=VALUE"; throws input::InputError (file "command line") if malformed.
Variation parse_variation(std::string_view text);
// "PATH=LOW:HIGH"; throws input::InputError if malformed or LOW > HIGH.
VariationRange parse_variation_range(std::string_view text);

// The current value at `path`; throws input::InputError for an unknown path.
double variable_value(const TechTable& table, const std::string& path);
// Sets the number at `path` (cost::set_number) and checks the table's ranges
// again; returns "PATH: OLD -> NEW". Throws input::InputError for an unknown
// path (with a did-you-mean hint) or a value out of range.
std::string apply_variation(TechTable& table, const Variation& variation);
// "PATH=VALUE" at once.
std::string apply_variation(TechTable& table, std::string_view text);

}  // namespace qtsim::cost
