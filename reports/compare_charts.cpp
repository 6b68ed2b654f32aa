#include "compare_charts.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "cost_views.hpp"
#include "ratio_drivers.hpp"
#include "unit_colors.hpp"
#include "text_format.hpp"

namespace qtsim::reports {

namespace {

std::string label_of(const Comparison& c, const std::string& key) { return find_design(c.input, key).label; }

}  // namespace

const std::vector<DesignMetric>& design_metrics() {
  static const std::vector<DesignMetric> m{DesignMetric::energy, DesignMetric::power, DesignMetric::latency, DesignMetric::area};
  return m;
}

std::string metric_name(DesignMetric m) {
  switch (m) {
    case DesignMetric::energy: return "energy";
    case DesignMetric::power: return "average power";
    case DesignMetric::latency: return "latency";
    case DesignMetric::area: return "area";
  }
  return "?";
}

namespace {

double total_of(const DesignCost& d, DesignMetric m) {
  switch (m) {
    case DesignMetric::energy: return d.cost.energy_pj;
    case DesignMetric::power: return d.cost.average_power_mw;
    case DesignMetric::latency: return d.cost.seconds;
    case DesignMetric::area: return d.cost.area.total_um2;
  }
  return 0;
}

double ratio_of(const RatioSet& r, DesignMetric m) {
  switch (m) {
    case DesignMetric::energy: return r.energy;
    case DesignMetric::power: return r.power;
    case DesignMetric::latency: return r.latency;
    case DesignMetric::area: return r.area;
  }
  return 0;
}

// The parts a bar is stacked from, by name, over every design (so a selection's series are the same).
std::vector<std::pair<std::string, double>> parts_of(const DesignCost& d, DesignMetric m) {
  switch (m) {
    case DesignMetric::energy: return d.cost.energy_by_unit_pj;
    case DesignMetric::power:
      return d.cost.seconds > 0 ? scaled(d.cost.energy_by_unit_pj, 1e-9 / d.cost.seconds) : std::vector<std::pair<std::string, double>>{};
    case DesignMetric::latency: {
      std::vector<std::pair<std::string, double>> v;
      for (const cost::GroupCost& g : d.cost.by_phase) v.push_back({g.key, g.seconds});
      return v;
    }
    case DesignMetric::area: return area_by_unit(d.cost.area);
  }
  return {};
}

AxisScale scale_of(DesignMetric m, double max) {
  switch (m) {
    case DesignMetric::energy: return energy_scale(max);
    case DesignMetric::power: return power_scale(max);
    case DesignMetric::latency: return time_scale(max);
    case DesignMetric::area: return {1e6, "mm2"};
  }
  return {};
}

const char* split_by(DesignMetric m) { return m == DesignMetric::latency ? "phase" : "unit"; }

}  // namespace

BarChart design_chart(const Comparison& c, DesignMetric m, const std::vector<std::string>& keys, const std::string& id,
                      const std::string& group) {
  std::vector<const DesignCost*> chosen;
  for (const DesignCost& d : c.base.designs)
    if (std::find(keys.begin(), keys.end(), d.key) != keys.end()) chosen.push_back(&d);
  double mx = 0;
  for (const DesignCost* d : chosen) mx = std::max(mx, total_of(*d, m));
  const AxisScale sc = scale_of(m, mx);
  BarChart ch;
  const std::string name = metric_name(m);
  ch.id = "cmp-" + name.substr(name.find(' ') == std::string::npos ? 0 : name.find(' ') + 1) + "-" + id;
  ch.title = fmt::format("{}{}, by {}: {}", static_cast<char>(std::toupper(static_cast<unsigned char>(name[0]))), name.substr(1),
                         split_by(m), group);
  ch.description = fmt::format("One bar per design ({}), split by {}, in {}; the printed figure is the total and its ratio "
                               "baseline / design.", group, split_by(m), sc.unit);
  ch.axis_label = name + " (" + sc.unit + ")";
  for (const DesignCost& d : c.base.designs)
    for (const auto& [part, v] : parts_of(d, m))
      if (std::find(ch.series.begin(), ch.series.end(), part) == ch.series.end()) ch.series.push_back(part);
  // The palette's order, so every chart's legend lists the units alike.
  const auto& palette = unit_palette();
  auto rank = [&](const std::string& part) {
    const auto at = std::find_if(palette.begin(), palette.end(), [&](const auto& p) { return p.first == part; });
    return static_cast<std::size_t>(at - palette.begin());
  };
  std::stable_sort(ch.series.begin(), ch.series.end(), [&](const std::string& a, const std::string& b) { return rank(a) < rank(b); });
  const std::string& baseline = c.base.designs.front().key;
  for (const DesignCost* d : chosen) {
    std::string note = sig(total_of(*d, m) / sc.factor, 3) + " " + sc.unit;
    if (d->key != baseline) note += ", ratio " + times(ratio_of(c.base.ratios(d->key), m));
    BarRow r{label_of(c, d->key), {}, note};
    const auto parts = parts_of(*d, m);
    for (const std::string& p : ch.series) r.values.push_back(value_of(parts, p) / sc.factor);
    ch.rows.push_back(r);
  }
  return ch;
}

std::vector<std::string> outlier_designs(const Comparison& c, DesignMetric m) {
  std::vector<double> totals;
  for (const DesignCost& d : c.base.designs) totals.push_back(total_of(d, m));
  if (totals.size() < 3) return {};
  std::vector<double> sorted = totals;
  std::sort(sorted.begin(), sorted.end());
  const double median = sorted[sorted.size() / 2];
  std::vector<std::string> out;
  for (std::size_t i = 0; i < totals.size(); ++i)
    if (median > 0 && totals[i] > 3 * median) out.push_back(c.base.designs[i].key);
  return out;
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
  ch.colors = {unit_color("norm_unit")};
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
