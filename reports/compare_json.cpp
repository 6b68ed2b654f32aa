// compare.json: every figure of the comparison and what it came from.
#include <cmath>

#include "compare_report.hpp"
#include "compare_tables.hpp"
#include "cost_views.hpp"

namespace qtsim::reports {

using nlohmann::ordered_json;

namespace {

ordered_json num(double v) { return std::isfinite(v) ? ordered_json(v) : ordered_json(); }  // null when undefined

ordered_json pairs(const std::vector<std::pair<std::string, double>>& v) {
  ordered_json j = ordered_json::object();
  for (const auto& [k, x] : v) j[k] = x;
  return j;
}

ordered_json stage_json(const StageCost& s) {
  return {{"kernels", s.kernels},         {"cycles", s.cycles},
          {"seconds", s.seconds},         {"energy_pj", s.energy_pj},
          {"dynamic_energy_pj", s.dynamic_pj}, {"leakage_energy_pj", s.leakage_pj},
          {"norm_unit_energy_pj", s.unit_pj},  {"power_mw", s.power_mw},
          {"dynamic_power_mw", s.dynamic_power_mw}, {"norm_unit_power_mw", s.unit_power_mw},
          {"norm_unit_area_um2", s.area_um2}, {"energy_by_figure_pj", pairs(s.energy_by_figure_pj)}};
}

ordered_json ratios_json(const RatioSet& r) {
  return {{"energy", num(r.energy)}, {"area", num(r.area)}, {"latency", num(r.latency)}, {"power", num(r.power)}};
}

ordered_json stage_ratios_json(const StageRatios& r) {
  return {{"energy", num(r.energy)},       {"latency", num(r.latency)},
          {"power", num(r.power)},         {"dynamic_power", num(r.dynamic_power)},
          {"norm_unit_power", num(r.unit_power)}, {"norm_unit_area", num(r.area)}};
}

ordered_json evaluation_json(const Comparison& c, const Evaluation& e) {
  ordered_json designs = ordered_json::array();
  for (const DesignCost& d : e.designs) {
    ordered_json stages = ordered_json::object(), stage_ratios = ordered_json::object();
    for (NormScope s : norm_scopes()) {
      stages[scope_key(s)] = stage_json(d.stages.at(s));
      stage_ratios[scope_key(s)] = stage_ratios_json(e.stage_ratios(d.key, s));
    }
    ordered_json area_units = pairs(area_by_unit(d.cost.area));
    ordered_json phases = ordered_json::array();
    for (const cost::GroupCost& g : d.cost.by_phase)
      phases.push_back({{"phase", g.key}, {"cycles", g.cycles}, {"seconds", g.seconds}, {"energy_pj", g.energy_pj},
                        {"energy_by_unit_pj", pairs(g.by_unit_pj)}});
    ordered_json units = ordered_json::array();
    for (const PerfRow& u : d.performance.units)
      units.push_back({{"unit", u.key}, {"cycles", u.cycles}, {"busy_cycles", u.busy_cycles}, {"stall_cycles", u.stall_cycles()}});
    designs.push_back({{"design", d.key},
                       {"totals",
                        {{"cycles", d.cost.cycles},
                         {"seconds", d.cost.seconds},
                         {"energy_pj", d.cost.energy_pj},
                         {"dynamic_energy_pj", d.cost.dynamic_pj},
                         {"leakage_energy_pj", d.cost.leakage_pj},
                         {"leakage_power_mw", d.cost.leakage_mw},
                         {"average_power_mw", d.cost.average_power_mw},
                         {"area_um2", d.cost.area.total_um2},
                         {"sram_area_um2", d.cost.area.sram_um2},
                         {"array_utilization", d.performance.array_utilization(d.performance.total)}}},
                       {"ratios_to_baseline", ratios_json(e.ratios(d.key))},
                       {"energy_by_unit_pj", pairs(d.cost.energy_by_unit_pj)},
                       {"area_by_unit_um2", area_units},
                       {"phases", phases},
                       {"units", units},
                       {"energy_by_figure_pj", pairs(d.cost.energy_by_figure_pj)},
                       {"area_by_figure_um2", pairs(as_pairs(d.cost.area.by_figure_um2))},
                       {"normalization_stage", stages},
                       {"normalization_stage_ratios_to_baseline", stage_ratios},
                       {"notes", d.cost.notes}});
  }
  (void)c;
  return designs;
}

ordered_json drivers_json(const DriverSet& ds) {
  ordered_json a = ordered_json::array();
  for (const Driver& d : ds.top)
    a.push_back({{"figure", d.figure}, {"baseline", d.baseline}, {"design", d.other}, {"difference", d.difference},
                 {"share_of_difference", num(d.share)}, {"share_of_gross_difference", d.gross_share},
                 {"vary_path", d.vary_path}});
  return {{"net_difference", ds.net}, {"gross_difference", ds.gross}, {"offsetting", ds.offsetting()}, {"top", a}};
}

}  // namespace

ordered_json compare_json(const Comparison& c) {
  const CompareInput& in = c.input;
  ordered_json j;
  j["format"] = "qtsim-compare";
  j["version"] = 1;
  j["workload"] = {{"name", in.workload_name}, {"file", in.workload_file}};
  j["ratio_convention"] = ratio_convention();
  ordered_json defs = ordered_json::object();
  for (NormScope s : norm_scopes()) defs[scope_key(s)] = scope_definition(s);
  j["normalization_stage_definitions"] = defs;
  ordered_json designs = ordered_json::array();
  for (const CompareDesign& d : in.designs) {
    const auto tk = in.design_table.find(d.key);
    designs.push_back({{"design", d.key},
                       {"label", d.label},
                       {"role", d.role},
                       {"derivation", d.derivation},
                       {"workload", d.workload},
                       {"scheme", d.scheme},
                       {"technology_table", tk != in.design_table.end() ? tk->second : ""},
                       {"hardware", d.hardware},
                       {"stats", d.key + "/stats.json"},
                       {"ideal_memory_stats", d.ideal_stats.is_null() ? ordered_json() : ordered_json(d.key + "/ideal-memory/stats.json")}});
  }
  j["designs"] = designs;
  j["iso_area"] = in.iso_area;
  j["warnings"] = in.warnings;
  j["has_normalization"] = in.has_normalization;
  j["notes"] = in.notes;
  j["results"] = evaluation_json(c, c.base);
  j["low_leakage_sram"] = {{"sram.leakage_factor", in.low_leakage_factor}, {"results", evaluation_json(c, c.low_leakage)}};
  if (c.ideal)
    j["ideal_memory"] = {{"what", "every design simulated again with buffers larger than any tensor, unlimited DRAM "
                                  "bandwidth and no latency (area and leakage power are the designs' own)"},
                         {"results", evaluation_json(c, *c.ideal)}};
  ordered_json drivers = ordered_json::array();
  for (const RatioDrivers& d : c.drivers) {
    ordered_json se = ordered_json::object(), sp = ordered_json::object();
    for (NormScope s : norm_scopes()) {
      se[scope_key(s)] = drivers_json(d.stage_energy.at(s));
      sp[scope_key(s)] = drivers_json(d.stage_power.at(s));
    }
    drivers.push_back({{"design", d.design},
                       {"energy_pj", drivers_json(d.energy)},
                       {"power_mw", drivers_json(d.power)},
                       {"area_um2", drivers_json(d.area)},
                       {"latency_s", drivers_json(d.latency)},
                       {"normalization_stage_energy_pj", se},
                       {"normalization_stage_power_mw", sp}});
  }
  j["drivers"] = drivers;
  ordered_json sens = ordered_json::array();
  for (const SensitivityRow& r : c.sensitivity)
    sens.push_back({{"path", r.path},
                    {"low_value", r.low_value},
                    {"default_value", r.default_value},
                    {"high_value", r.high_value},
                    {"ratio", r.quantity},
                    {"at_low", num(r.low)},
                    {"at_default", num(r.base)},
                    {"at_high", num(r.high)}});
  j["sensitivity"] = sens;
  j["workload_variants"] = in.workloads;
  ordered_json tables = ordered_json::object();
  for (const auto& [k, t] : in.tables) tables[k] = cost::to_json(t);
  j["technology_tables"] = tables;
  return j;
}

}  // namespace qtsim::reports
