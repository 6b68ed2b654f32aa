#pragma once
// Small views of a cost::CostReport the renderers share.
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "models/cost/cost_model.hpp"

namespace qtsim::reports {

// Value of `key` in an ordered list of pairs, 0 if absent.
double value_of(const std::vector<std::pair<std::string, double>>& pairs, const std::string& key);

// Area summed by unit category (mac_array, sram.ifmap, ..., overhead), in the items' order.
std::vector<std::pair<std::string, double>> area_by_unit(const cost::AreaBreakdown& area);

// The cost group (layer, phase, path) with `key`, or null.
const cost::GroupCost* find_group(const std::vector<cost::GroupCost>& groups, const std::string& key);

// Leakage energy as a share of the total; SRAM leakage power.
double leakage_share(const cost::CostReport& r);
double sram_leakage_mw(const cost::CostReport& r);

// Energy behind plain figures whose name starts with `prefix` (e.g. "reg.bit", "leakage.sram").
double figure_energy(const cost::CostReport& r, const std::string& prefix);

}  // namespace qtsim::reports
