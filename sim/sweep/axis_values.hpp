#pragma once
// An axis's values: a list as written, or a range expanded to a list
// ({"from", "to", "step"} arithmetic, {"from", "to", "times"} geometric, "to"
// inclusive). Whole numbers are stored as integers so that 64 and 64.0 are one
// value (and one point id); range values are rounded to 12 significant digits
// so that 0.1 steps give 0.3, not 0.30000000000000004.
#include <cstddef>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/input/diagnostic.hpp"

namespace qtsim::sweep {

constexpr std::size_t kMaxAxisValues = 10000;

// A number as an integer when it is whole and exactly representable; other values unchanged.
nlohmann::json normalized_value(const nlohmann::json& value);

// The values of a "range" object at `pointer` (already checked by the schema);
// problems (no or both of step and times, from > to, too many values) go to `diags`.
std::vector<nlohmann::json> range_values(const nlohmann::json& range, const std::string& pointer,
                                         input::DiagnosticList& diags);

}  // namespace qtsim::sweep
