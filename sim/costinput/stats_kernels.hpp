#pragma once
// The kernels of a run as the cost model reads them: the "ops" rows of a
// stats.json (written by sim/hwsim RunStats), checked like any input file.
// Declared in namespace cost, next to the structures they fill.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/cost/cost_model.hpp"

namespace qtsim::cost {

// The "ops" rows of a parsed stats.json; `file` names it in errors. Throws
// input::InputError (JSON pointer, expected, found) for a missing or
// malformed row or an action name models/hw/core/actions.hpp does not declare.
std::vector<KernelRecord> kernels_from_stats(const nlohmann::json& stats, const std::string& file);

// estimate() of the kernels of a stats.json.
CostReport estimate(const nlohmann::json& stats, const hw::HwConfig& config, const TechTable& table,
                    const std::string& stats_file = "stats.json");

}  // namespace qtsim::cost
