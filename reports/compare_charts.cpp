#include "compare_charts.hpp"

#include <algorithm>

#include "cost_views.hpp"
#include "text_format.hpp"

namespace qtsim::reports {

namespace {

std::string label_of(const Comparison& c, const std::string& key) {
  for (const CompareDesign& d : c.input.designs)
    if (d.key == key) return d.label;
  return key;
}

}  // namespace

BarChart compare_energy_chart(const Comparison& c) {
  double mx = 0;
  for (const DesignCost& d : c.base.designs) mx = std::max(mx, d.cost.energy_pj);
  const AxisScale sc = energy_scale(mx);
  BarChart ch;
  ch.id = "cmp-energy";
  ch.title = "Energy of one training step, by unit";
  ch.description = "One bar per design, split by unit, in " + sc.unit + "; the printed figure is the total.";
  ch.axis_label = "energy (" + sc.unit + ")";
  ch.series = cost::unit_categories();
  for (const DesignCost& d : c.base.designs) {
    BarRow r{label_of(c, d.key), {}, sig(d.cost.energy_pj / sc.factor, 3) + " " + sc.unit};
    for (const std::string& u : ch.series) r.values.push_back(value_of(d.cost.energy_by_unit_pj, u) / sc.factor);
    ch.rows.push_back(r);
  }
  return ch;
}

BarChart compare_power_chart(const Comparison& c) {
  double mx = 0;
  for (const DesignCost& d : c.base.designs) mx = std::max(mx, d.cost.average_power_mw);
  const AxisScale sc = power_scale(mx);
  BarChart ch;
  ch.id = "cmp-power";
  ch.title = "Average power over the step, by unit";
  ch.description = "One bar per design: each unit's energy divided by the step's latency, in " + sc.unit + ".";
  ch.axis_label = "power (" + sc.unit + ")";
  ch.series = cost::unit_categories();
  for (const DesignCost& d : c.base.designs) {
    BarRow r{label_of(c, d.key), {}, sig(d.cost.average_power_mw / sc.factor, 3) + " " + sc.unit};
    for (const std::string& u : ch.series)
      r.values.push_back(d.cost.seconds > 0 ? value_of(d.cost.energy_by_unit_pj, u) / d.cost.seconds * 1e-9 / sc.factor : 0.0);
    ch.rows.push_back(r);
  }
  return ch;
}

BarChart compare_area_chart(const Comparison& c) {
  BarChart ch;
  ch.id = "cmp-area";
  ch.title = "Area, by unit";
  ch.description = "One bar per design, split into SRAM buffers, MAC array, vector, normalization and random units and "
                   "overhead, in mm2.";
  ch.axis_label = "area (mm2)";
  for (const DesignCost& d : c.base.designs)
    for (const auto& [u, a] : area_by_unit(d.cost.area))
      if (std::find(ch.series.begin(), ch.series.end(), u) == ch.series.end()) ch.series.push_back(u);
  for (const DesignCost& d : c.base.designs) {
    const auto by = area_by_unit(d.cost.area);
    BarRow r{label_of(c, d.key), {}, sig(d.cost.area.total_um2 * 1e-6, 3) + " mm2"};
    for (const std::string& u : ch.series) r.values.push_back(value_of(by, u) * 1e-6);
    ch.rows.push_back(r);
  }
  return ch;
}

BarChart compare_latency_chart(const Comparison& c) {
  double mx = 0;
  for (const DesignCost& d : c.base.designs) mx = std::max(mx, d.cost.seconds);
  const AxisScale sc = time_scale(mx);
  BarChart ch;
  ch.id = "cmp-latency";
  ch.title = "Latency of one training step, by phase";
  ch.description = "One bar per design, split by training phase, in " + sc.unit + ".";
  ch.axis_label = "latency (" + sc.unit + ")";
  for (const DesignCost& d : c.base.designs)
    for (const cost::GroupCost& g : d.cost.by_phase)
      if (std::find(ch.series.begin(), ch.series.end(), g.key) == ch.series.end()) ch.series.push_back(g.key);
  for (const DesignCost& d : c.base.designs) {
    BarRow r{label_of(c, d.key), {}, sig(d.cost.seconds / sc.factor, 3) + " " + sc.unit};
    for (const std::string& p : ch.series) {
      const cost::GroupCost* g = find_group(d.cost.by_phase, p);
      r.values.push_back(g ? g->seconds / sc.factor : 0.0);
    }
    ch.rows.push_back(r);
  }
  return ch;
}

BarChart norm_power_chart(const Comparison& c) {
  double mx = 0;
  for (const DesignCost& d : c.base.designs)
    for (NormScope s : norm_scopes()) mx = std::max(mx, d.stages.at(s).power_mw);
  const AxisScale sc = power_scale(mx);
  BarChart ch;
  ch.id = "norm-power";
  ch.title = "Normalization stage: power while it runs";
  ch.description = "One bar per design and scope: the normalization unit's arithmetic, the rest of the stage's dynamic "
                   "power (its SRAM, DRAM and DMA traffic) and the chip's leakage, in " + sc.unit + ".";
  ch.axis_label = "power (" + sc.unit + ")";
  ch.series = {"norm-unit arithmetic", "memory traffic", "chip leakage"};
  for (NormScope s : norm_scopes())
    for (const DesignCost& d : c.base.designs) {
      if (d.key == "iso-area") continue;
      const StageCost& st = d.stages.at(s);
      const double leak = st.power_mw - st.dynamic_power_mw, traffic = st.dynamic_power_mw - st.unit_power_mw;
      ch.rows.push_back({label_of(c, d.key) + ", " + scope_key(s),
                         {st.unit_power_mw / sc.factor, traffic / sc.factor, leak / sc.factor},
                         sig(st.power_mw / sc.factor, 3) + " " + sc.unit + " (dynamic " + sig(st.dynamic_power_mw / sc.factor, 3) + ")"});
    }
  return ch;
}

BarChart norm_latency_chart(const Comparison& c) {
  double mx = 0;
  for (const DesignCost& d : c.base.designs)
    for (NormScope s : norm_scopes()) mx = std::max(mx, d.stages.at(s).seconds);
  const AxisScale sc = time_scale(mx);
  BarChart ch;
  ch.id = "norm-latency";
  ch.title = "Normalization stage: latency";
  ch.description = "One bar per design and scope: the elapsed time of the stage's kernels, in " + sc.unit + ".";
  ch.axis_label = "latency (" + sc.unit + ")";
  for (NormScope s : norm_scopes())
    for (const DesignCost& d : c.base.designs) {
      if (d.key == "iso-area") continue;
      const StageCost& st = d.stages.at(s);
      ch.rows.push_back({label_of(c, d.key) + ", " + scope_key(s), {st.seconds / sc.factor},
                         sig(st.seconds / sc.factor, 3) + " " + sc.unit});
    }
  return ch;
}

}  // namespace qtsim::reports
