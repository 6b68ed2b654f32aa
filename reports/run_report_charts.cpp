#include "run_report_charts.hpp"

#include <algorithm>

#include "cost_views.hpp"
#include "text_format.hpp"
#include "unit_colors.hpp"

namespace qtsim::reports {

BarChart energy_by_unit_chart(const RunReportInput& in) {
  const cost::CostReport& c = in.cost;
  double mx = 0;
  for (const auto& [u, e] : c.energy_by_unit_pj) mx = std::max(mx, e);
  const AxisScale sc = energy_scale(mx);
  BarChart ch;
  ch.id = "energy-unit";
  ch.title = "Energy by unit";
  ch.description = "Horizontal bars: the run's energy per unit of the accelerator, leakage of all units last, in " + sc.unit + ".";
  ch.axis_label = "energy (" + sc.unit + ")";
  for (const auto& [u, e] : c.energy_by_unit_pj)
    ch.rows.push_back({u, {e / sc.factor}, sig(e / sc.factor, 3) + " " + sc.unit + " (" + percent(c.energy_pj > 0 ? e / c.energy_pj : 0) + ")",
                       unit_color(u)});
  return ch;
}

BarChart energy_by_phase_chart(const RunReportInput& in) {
  const cost::CostReport& c = in.cost;
  double mx = 0;
  for (const cost::GroupCost& g : c.by_phase) mx = std::max(mx, g.energy_pj);
  const AxisScale sc = energy_scale(mx);
  BarChart ch;
  ch.id = "energy-phase";
  ch.title = "Energy by phase, stacked by unit";
  ch.description = "One bar per training phase, split into the energy of each unit, in " + sc.unit + ".";
  ch.axis_label = "energy (" + sc.unit + ")";
  for (const auto& [u, e] : c.energy_by_unit_pj) ch.series.push_back(u);
  for (const cost::GroupCost& g : c.by_phase) {
    BarRow r{g.key, {}, ""};
    for (const auto& [u, e] : g.by_unit_pj) r.values.push_back(e / sc.factor);
    r.note = sig(g.energy_pj / sc.factor, 3) + " " + sc.unit;
    ch.rows.push_back(r);
  }
  return ch;
}

BarChart layer_latency_chart(const RunReportInput& in) {
  const RunPerformance& p = in.performance;
  double mx = 0;
  for (const PerfRow& r : p.layers) mx = std::max(mx, p.seconds(r));
  const AxisScale sc = time_scale(mx);
  BarChart ch;
  ch.id = "layer-latency";
  ch.title = "Latency per layer: busy and stalled";
  ch.description = "One bar per layer in execution order: cycles its units computed and cycles they waited for data, in " +
                   sc.unit + "; the printed figure is the layer's latency and its stall share.";
  ch.axis_label = "latency (" + sc.unit + ")";
  ch.series = {"busy", "stall"};
  const double hz = p.clock_mhz * 1e6;
  for (const PerfRow& r : p.layers) {
    const double busy = hz > 0 ? static_cast<double>(r.busy_cycles) / hz : 0.0, stall = hz > 0 ? static_cast<double>(r.stall_cycles()) / hz : 0.0;
    ch.rows.push_back({r.key, {busy / sc.factor, stall / sc.factor},
                       sig((busy + stall) / sc.factor, 3) + " " + sc.unit + ", stall " + percent(r.stall_share())});
  }
  return ch;
}

BarChart area_chart(const RunReportInput& in) {
  const cost::AreaBreakdown& a = in.cost.area;
  BarChart ch;
  ch.id = "area";
  ch.title = "Area breakdown";
  ch.description = "Horizontal bars: area of each instantiated component in mm2, overhead last.";
  ch.axis_label = "area (mm2)";
  for (const cost::AreaItem& it : a.items)
    if (it.instances > 0)
      ch.rows.push_back({it.component, {it.um2 * 1e-6},
                         sig(it.um2 * 1e-6, 3) + " mm2 (" + percent(a.total_um2 > 0 ? it.um2 / a.total_um2 : 0) + ")",
                         unit_color(it.category)});
  return ch;
}

BarChart utilization_chart(const RunReportInput& in) {
  const RunPerformance& p = in.performance;
  BarChart ch;
  ch.id = "utilization";
  ch.title = "Utilization";
  ch.description = "Busy share of the run for each unit, and the MAC array's useful MACs per PE-cycle, in percent.";
  ch.axis_label = "percent of the run's cycles";
  ch.axis_max = 100;
  ch.value_suffix = "%";
  for (const PerfRow& u : p.units)
    ch.rows.push_back({u.key + " busy", {100.0 * p.unit_busy_share(u.key)}, percent(p.unit_busy_share(u.key)), unit_color(u.key)});
  const std::string array = unit_color("mac_array");
  ch.rows.push_back({"MAC array useful MACs", {100.0 * p.array_utilization(p.total)}, percent(p.array_utilization(p.total)), array});
  ch.rows.push_back({"within array folds", {100.0 * p.array_compute_utilization(p.total)},
                     percent(p.array_compute_utilization(p.total)), array});
  return ch;
}

}  // namespace qtsim::reports
