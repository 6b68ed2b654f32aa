// report-layers.csv and report-units.csv: full-precision numbers (shortest
// round-trip form), one row per layer / per unit category.
#include <algorithm>

#include <fmt/format.h>

#include "cost_views.hpp"
#include "run_report.hpp"
#include "text_format.hpp"

namespace qtsim::reports {

namespace {

std::string num(double v) { return fmt::format("{}", v); }

}  // namespace

std::string run_report_layers_csv(const RunReportInput& in) {
  const cost::CostReport& c = in.cost;
  const RunPerformance& p = in.performance;
  const std::vector<std::string>& cats = cost::unit_categories();
  std::string s = "layer,kernels,cycles,busy_cycles,stall_cycles,stall_share,seconds,array_utilization,energy_pj,"
                  "dynamic_energy_pj,leakage_energy_pj";
  for (const std::string& u : cats) s += "," + u + "_pj";
  s += "\n";
  for (const PerfRow& r : p.layers) {
    const cost::GroupCost* g = find_group(c.by_layer, r.key);
    s += fmt::format("{},{},{},{},{},{},{},{},{},{},{}", csv_cell(r.key), r.kernels, r.cycles, r.busy_cycles, r.stall_cycles(),
                     num(r.stall_share()), num(p.seconds(r)), num(p.array_utilization(r)), num(g ? g->energy_pj : 0.0),
                     num(g ? g->dynamic_pj : 0.0), num(g ? g->leakage_pj : 0.0));
    for (const std::string& u : cats) s += "," + num(g ? value_of(g->by_unit_pj, u) : 0.0);
    s += "\n";
  }
  return s;
}

std::string run_report_units_csv(const RunReportInput& in) {
  const cost::CostReport& c = in.cost;
  const RunPerformance& p = in.performance;
  const auto areas = area_by_unit(c.area);
  std::string s = "unit,energy_pj,energy_share,busy_cycles,busy_share,area_um2,area_share,leakage_mw\n";
  std::vector<std::string> keys = cost::unit_categories();
  for (const auto& [k, v] : areas)  // units with area but no energy row (overhead)
    if (std::find(keys.begin(), keys.end(), k) == keys.end()) keys.push_back(k);
  for (const std::string& u : keys) {
    std::uint64_t busy = 0;
    for (const PerfRow& r : p.units)
      if (r.key == u) busy = r.busy_cycles;
    const double e = value_of(c.energy_by_unit_pj, u), a = value_of(areas, u);
    s += fmt::format("{},{},{},{},{},{},{},{}\n", csv_cell(u), num(e), num(c.energy_pj > 0 ? e / c.energy_pj : 0.0), busy,
                     num(p.total.cycles ? static_cast<double>(busy) / static_cast<double>(p.total.cycles) : 0.0), num(a),
                     num(c.area.total_um2 > 0 ? a / c.area.total_um2 : 0.0),
                     num(u == "leakage" ? c.leakage_mw : value_of(c.leakage_by_part_mw, u)));
  }
  return s;
}

}  // namespace qtsim::reports
