#include "cost_views.hpp"

namespace qtsim::reports {

double value_of(const std::vector<std::pair<std::string, double>>& pairs, const std::string& key) {
  for (const auto& [k, v] : pairs)
    if (k == key) return v;
  return 0.0;
}

std::vector<std::pair<std::string, double>> area_by_unit(const cost::AreaBreakdown& area) {
  std::vector<std::pair<std::string, double>> out;
  for (const cost::AreaItem& it : area.items) {
    bool found = false;
    for (auto& [k, v] : out)
      if (k == it.category) {
        v += it.um2;
        found = true;
      }
    if (!found) out.push_back({it.category, it.um2});
  }
  return out;
}

const cost::GroupCost* find_group(const std::vector<cost::GroupCost>& groups, const std::string& key) {
  for (const cost::GroupCost& g : groups)
    if (g.key == key) return &g;
  return nullptr;
}

double leakage_share(const cost::CostReport& r) { return r.energy_pj > 0 ? r.leakage_pj / r.energy_pj : 0.0; }

double sram_leakage_mw(const cost::CostReport& r) {
  double s = 0;
  for (const auto& [part, mw] : r.leakage_by_part_mw)
    if (part.rfind("sram.", 0) == 0) s += mw;
  return s;
}

double figure_energy(const cost::CostReport& r, const std::string& prefix) {
  double s = 0;
  for (const auto& [fig, e] : r.energy_by_figure_pj)
    if (fig.rfind(prefix, 0) == 0) s += e;
  return s;
}

}  // namespace qtsim::reports
