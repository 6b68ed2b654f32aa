// report.json: every figure of the report, with what it was computed from.
#include "architect_figures.hpp"
#include "cost_views.hpp"
#include "run_report.hpp"

namespace qtsim::reports {

using nlohmann::json;
using nlohmann::ordered_json;

namespace {

ordered_json perf_row(const RunPerformance& p, const PerfRow& r, const char* key) {
  return {{key, r.key},
          {"kernels", r.kernels},
          {"cycles", r.cycles},
          {"elapsed_cycles", r.elapsed_cycles},
          {"busy_cycles", r.busy_cycles},
          {"stall_cycles", r.stall_cycles()},
          {"stall_share", r.stall_share()},
          {"seconds", p.seconds(r)},
          {"macs", r.macs},
          {"array_utilization", p.array_utilization(r)},
          {"array_compute_utilization", p.array_compute_utilization(r)}};
}

ordered_json perf_rows(const RunPerformance& p, const std::vector<PerfRow>& rows, const char* key) {
  ordered_json a = ordered_json::array();
  for (const PerfRow& r : rows) a.push_back(perf_row(p, r, key));
  return a;
}

ordered_json copy_of(const json& stats, const char* key) {
  return stats.is_object() && stats.contains(key) ? ordered_json(stats.at(key)) : ordered_json();
}

}  // namespace

ordered_json run_report_json(const RunReportInput& in) {
  const cost::CostReport& c = in.cost;
  const RunPerformance& p = in.performance;
  ordered_json j;
  j["format"] = "qtsim-report";
  j["version"] = 1;
  j["source"] = {{"stats_format", copy_of(in.stats, "format")},
                 {"stats_version", copy_of(in.stats, "version")},
                 {"mode", copy_of(in.stats, "mode")},
                 {"steps", copy_of(in.stats, "steps")}};
  if (in.stats.is_object() && in.stats.contains("partial")) j["source"]["partial"] = in.stats.at("partial");
  if (in.stats.is_object() && in.stats.contains("scalesim")) j["source"]["scalesim"] = in.stats.at("scalesim");
  j["workload"] = copy_of(in.stats, "workload");
  j["scheme"] = copy_of(in.stats, "scheme");
  j["hardware"] = copy_of(in.stats, "hardware");
  j["summary"] = {{"cycles", p.total.cycles},
                  {"elapsed_cycles", p.total.elapsed_cycles},
                  {"busy_cycles", p.total.busy_cycles},
                  {"stall_cycles", p.total.stall_cycles()},
                  {"stall_share", p.total.stall_share()},
                  {"latency_s", c.seconds},
                  {"energy_pj", c.energy_pj},
                  {"dynamic_energy_pj", c.dynamic_pj},
                  {"leakage_energy_pj", c.leakage_pj},
                  {"leakage_share", leakage_share(c)},
                  {"leakage_power_mw", c.leakage_mw},
                  {"average_power_mw", c.average_power_mw},
                  {"area_um2", c.area.total_um2},
                  {"area_mm2", c.area.total_um2 * 1e-6},
                  {"array_utilization", p.array_utilization(p.total)},
                  {"array_compute_utilization", p.array_compute_utilization(p.total)},
                  {"sram_leakage_factor", in.table.sram.leakage_factor.value},
                  {"register_bit_energy_pj", figure_energy(c, "reg.bit")}};
  j["figures"] = to_json(architect_figures(c, p, samples_of(in.stats)));
  ordered_json units = ordered_json::array();
  for (const PerfRow& u : p.units) {
    ordered_json r = perf_row(p, u, "unit");
    r["busy_share"] = p.unit_busy_share(u.key);
    units.push_back(r);
  }
  j["performance"] = {{"total", perf_row(p, p.total, "total")},
                      {"units", units},
                      {"phases", perf_rows(p, p.phases, "phase")},
                      {"layers", perf_rows(p, p.layers, "layer")}};
  ordered_json area_units = ordered_json::object();
  for (const auto& [k, v] : area_by_unit(c.area)) area_units[k] = v;
  j["area_by_unit_um2"] = area_units;
  j["cost"] = cost::to_json(c);
  j["technology_table"] = cost::to_json(in.table);
  return j;
}

}  // namespace qtsim::reports
