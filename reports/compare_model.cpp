#include "compare_model.hpp"

#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "cost_views.hpp"
#include "sim/input/diagnostic.hpp"
#include "text_format.hpp"

namespace qtsim::reports {

namespace {

const cost::TechTable& table_for(const CompareInput& in, const std::map<std::string, cost::TechTable>& tables,
                                 const std::string& key) {
  const auto k = in.design_table.find(key);
  const std::string tk = k != in.design_table.end() ? k->second : std::string();
  const auto t = tables.find(tk);
  if (t == tables.end()) throw std::logic_error("compare: no technology table for design " + key);
  return t->second;
}

double nan() { return std::numeric_limits<double>::quiet_NaN(); }

}  // namespace

const DesignCost& Evaluation::design(const std::string& key) const {
  for (const DesignCost& d : designs)
    if (d.key == key) return d;
  throw std::logic_error("compare: no design " + key);
}

RatioSet Evaluation::ratios(const std::string& key) const {
  const DesignCost& b = designs.front();
  const DesignCost& d = design(key);
  return {ratio(b.cost.energy_pj, d.cost.energy_pj), ratio(b.cost.area.total_um2, d.cost.area.total_um2),
          ratio(b.cost.seconds, d.cost.seconds), ratio(b.cost.average_power_mw, d.cost.average_power_mw)};
}

StageRatios Evaluation::stage_ratios(const std::string& key, NormScope s) const {
  if (!has_normalization) return {nan(), nan(), nan(), nan(), nan(), nan()};
  const StageCost& b = designs.front().stages.at(s);
  const StageCost& d = design(key).stages.at(s);
  return {ratio(b.energy_pj, d.energy_pj),        ratio(b.seconds, d.seconds),
          ratio(b.power_mw, d.power_mw),          ratio(b.dynamic_power_mw, d.dynamic_power_mw),
          ratio(b.unit_power_mw, d.unit_power_mw), ratio(b.area_um2, d.area_um2)};
}

Evaluation evaluate(const CompareInput& in, const std::map<std::string, cost::TechTable>& tables, bool ideal_memory) {
  Evaluation e;
  e.has_normalization = in.has_normalization;
  for (const CompareDesign& d : in.designs) {
    const cost::TechTable& t = table_for(in, tables, d.key);
    const std::string file = d.key + (ideal_memory ? "/ideal-memory/stats.json" : "/stats.json");
    const nlohmann::json& stats = ideal_memory ? d.ideal_stats : d.stats;
    const std::vector<cost::KernelRecord> kernels = cost::kernels_from_stats(stats, file);
    DesignCost c{d.key, cost::estimate(kernels, d.config, t), performance_from_stats(stats, d.config, file), {}};
    for (NormScope s : norm_scopes()) c.stages[s] = stage_cost(kernels, s, d.config, t);
    e.designs.push_back(std::move(c));
  }
  return e;
}

std::map<std::string, cost::TechTable> varied_tables(const std::map<std::string, cost::TechTable>& tables,
                                                     const std::string& path, double value) {
  std::map<std::string, cost::TechTable> out = tables;
  for (auto& [k, t] : out) cost::apply_variation(t, cost::Variation{path, value});
  return out;
}

RatioDrivers drivers_for(const Evaluation& e, const std::string& key, std::size_t count) {
  const DesignCost& b = e.designs.front();
  const DesignCost& d = e.design(key);
  RatioDrivers r;
  r.design = key;
  r.energy = ratio_drivers(b.cost.energy_by_figure_pj, d.cost.energy_by_figure_pj, DriverQuantity::energy, count);
  auto per_second = [](const std::vector<std::pair<std::string, double>>& v, double seconds) {
    return scaled(v, seconds > 0 ? 1e-9 / seconds : 0.0);  // pJ / s -> mW
  };
  r.power = ratio_drivers(per_second(b.cost.energy_by_figure_pj, b.cost.seconds),
                          per_second(d.cost.energy_by_figure_pj, d.cost.seconds), DriverQuantity::energy, count);
  r.area = ratio_drivers(as_pairs(b.cost.area.by_figure_um2), as_pairs(d.cost.area.by_figure_um2), DriverQuantity::area, count);
  for (NormScope s : norm_scopes()) {
    const StageCost& bs = b.stages.at(s);
    const StageCost& ds = d.stages.at(s);
    r.stage_energy[s] = ratio_drivers(bs.energy_by_figure_pj, ds.energy_by_figure_pj, DriverQuantity::energy, count);
    r.stage_power[s] = ratio_drivers(per_second(bs.energy_by_figure_pj, bs.seconds),
                                     per_second(ds.energy_by_figure_pj, ds.seconds), DriverQuantity::energy, count);
  }
  // Latency: each unit's share of the wall clock (its kernels' attributed
  // cycles, which add up to the latency), split into busy and stalled in the
  // proportion of its kernels' busy and elapsed cycles; in seconds.
  auto time_parts = [](const DesignCost& c) {
    std::vector<std::pair<std::string, double>> v;
    const double hz = c.performance.clock_mhz * 1e6;
    for (const PerfRow& u : c.performance.units) {
      const double share = hz > 0 ? static_cast<double>(u.cycles) / hz : 0.0;
      const double busy = u.elapsed_cycles ? share * static_cast<double>(u.busy_cycles) / static_cast<double>(u.elapsed_cycles) : 0.0;
      v.push_back({u.key + " busy", busy});
      v.push_back({u.key + " stalled", share - busy});
    }
    return v;
  };
  r.latency = ratio_drivers(time_parts(b), time_parts(d), DriverQuantity::energy, count);
  for (Driver& x : r.latency.top) x.vary_path = "";  // cycles come from the simulation, not the table
  return r;
}

std::vector<std::string> sensitivity_quantities(const CompareInput& in) {
  std::vector<std::string> q;
  for (std::size_t i = 1; i < in.designs.size(); ++i) {
    const std::string& k = in.designs[i].key;
    for (const char* m : {"energy", "area", "power"}) q.push_back(k + "/" + m);
  }
  if (in.designs.size() > 1)
    for (NormScope s : norm_scopes())
      for (const char* m : {"energy", "power", "dynamic-power"}) q.push_back(in.designs[1].key + "/norm-" + scope_key(s) + "/" + m);
  if (in.designs.size() > 1) q.push_back(in.designs[1].key + "/norm-area");
  return q;
}

double sensitivity_value(const Evaluation& e, const std::string& quantity) {
  const std::size_t a = quantity.find('/');
  const std::string key = quantity.substr(0, a), rest = quantity.substr(a + 1);
  if (rest == "energy") return e.ratios(key).energy;
  if (rest == "area") return e.ratios(key).area;
  if (rest == "power") return e.ratios(key).power;
  if (rest == "latency") return e.ratios(key).latency;
  if (rest == "norm-area") return e.stage_ratios(key, NormScope::training).area;
  for (NormScope s : norm_scopes()) {
    const std::string p = "norm-" + scope_key(s) + "/";
    if (rest.rfind(p, 0) != 0) continue;
    const std::string m = rest.substr(p.size());
    const StageRatios r = e.stage_ratios(key, s);
    if (m == "energy") return r.energy;
    if (m == "power") return r.power;
    if (m == "dynamic-power") return r.dynamic_power;
    if (m == "latency") return r.latency;
  }
  return nan();
}

Comparison compare(const CompareInput& in) {
  if (in.designs.empty()) throw std::logic_error("compare: no designs");
  Comparison c{in, evaluate(in, in.tables), {}, {}, {}, {}};
  c.low_leakage = evaluate(in, varied_tables(in.tables, "sram.leakage_factor", in.low_leakage_factor));
  bool all_ideal = true;
  for (const CompareDesign& d : in.designs) all_ideal = all_ideal && !d.ideal_stats.is_null();
  if (all_ideal) c.ideal = evaluate(in, in.tables, true);
  for (std::size_t i = 1; i < in.designs.size(); ++i) c.drivers.push_back(drivers_for(c.base, in.designs[i].key));
  const std::vector<std::string> qs = sensitivity_quantities(in);
  for (const cost::VariationRange& v : in.variations) {
    const Evaluation lo = evaluate(in, varied_tables(in.tables, v.path, v.low));
    const Evaluation hi = evaluate(in, varied_tables(in.tables, v.path, v.high));
    const double def = cost::variable_value(in.tables.begin()->second, v.path);
    for (const std::string& q : qs)
      c.sensitivity.push_back({v.path, v.low, def, v.high, q, sensitivity_value(lo, q), sensitivity_value(c.base, q),
                               sensitivity_value(hi, q)});
  }
  return c;
}

}  // namespace qtsim::reports
