#include "run_report_tables.hpp"

#include <fmt/format.h>

#include "architect_figures.hpp"
#include "cost_views.hpp"
#include "text_format.hpp"

namespace qtsim::reports {

namespace {

std::string share_of(double part, double whole) { return whole > 0 ? percent(part / whole) : "n/a"; }

}  // namespace

TextTable summary_table(const RunReportInput& in) {
  const cost::CostReport& c = in.cost;
  const RunPerformance& p = in.performance;
  const RunLabels l = run_labels(in.stats);
  TextTable t;
  t.header = {"quantity", "value"};
  t.add({"workload", l.workload + (l.batch ? fmt::format(" (batch {})", l.batch) : "")});
  t.add({"scheme", l.scheme.empty() ? std::string("none (no training)") : l.scheme});
  t.add({"hardware", fmt::format("{} ({}x{} array, {:g} MHz, technology {})", l.hardware, p.rows, p.cols, p.clock_mhz, c.technology)});
  t.add({"technology table", c.table_name});
  if (in.stats.is_object() && in.stats.contains("scalesim") && in.stats.at("scalesim").is_object()) {
    const nlohmann::json& ss = in.stats.at("scalesim");
    t.add({"SCALE-Sim run", fmt::format("{} (cfg {}, topology {}, {}): the forward GEMM of every layer for one input, on "
                                        "qtsim's accelerator; SCALE-Sim's own cycles are in COMPUTE_REPORT.csv",
                                        ss.value("run_name", ""), ss.value("cfg", ""), ss.value("topology", ""),
                                        ss.value("interface_bandwidth", ""))});
  }
  t.add({"simulation", fmt::format("{} mode, {} step(s), {} kernels", l.mode, l.steps, p.total.kernels)});
  t.add({"latency", fmt::format("{} ({} cycles)", time_si(c.seconds), p.total.cycles)});
  t.add({"stall cycles", fmt::format("{} ({} of the cycles)", p.total.stall_cycles(), percent(p.total.stall_share()))});
  t.add({"energy", fmt::format("{} (dynamic {}, leakage {} = {})", energy_si(c.energy_pj), energy_si(c.dynamic_pj),
                               energy_si(c.leakage_pj), percent(leakage_share(c)))});
  t.add({"average power", power_si(c.average_power_mw)});
  t.add({"leakage power", fmt::format("{} (SRAM leakage_factor {:g})", power_si(c.leakage_mw), in.table.sram.leakage_factor.value)});
  t.add({"area", fmt::format("{} (SRAM {}, logic {})", area_mm2(c.area.total_um2), area_mm2(c.area.sram_um2),
                             area_mm2(c.area.logic_um2))});
  t.add({"array utilization", fmt::format("{} of PE-cycles over the run; {} within the folds", percent(p.array_utilization(p.total)),
                                          percent(p.array_compute_utilization(p.total)))});
  return t;
}

TextTable figures_table(const RunReportInput& in) {
  const ArchitectFigures f = architect_figures(in.cost, in.performance, samples_of(in.stats));
  const std::string per = per_sample(f.samples);
  TextTable t;
  t.header = {"figure", "value", "from"};
  t.right = {false, true, false};
  t.add({"MACs", std::to_string(f.macs), "mac.int8 + mac.fp32 action counts of every kernel (a training step's forward and "
                                          "backward GEMMs)"});
  t.add({"energy per MAC", sig(f.pj_per_mac, 4) + " pJ/MAC", "the run's energy (dynamic + leakage, every unit, SRAM, DRAM) / MACs"});
  t.add({"TOPS/W", sig(f.tops_per_w, 4), "2 x MACs / energy (1 MAC = 2 operations) = 2 / (pJ/MAC)"});
  t.add({"TOPS achieved / peak", sig(f.tops, 4) + " / " + sig(f.peak_tops, 4),
         "2 x MACs / latency; peak 2 x rows x cols x clock"});
  t.add({"TOPS/mm2 achieved / peak", sig(f.tops_per_mm2, 4) + " / " + sig(f.peak_tops_per_mm2, 4), "TOPS / total area"});
  const std::string noun = samples_noun(f.samples);
  t.add({noun + " per second", sig(f.samples_per_s, 4),
         f.samples.kind == "training sample" ? fmt::format("batch x steps completed ({:g}) / latency", f.samples.samples)
                                             : fmt::format("{:g} input(s) through the topology / latency", f.samples.samples)});
  t.add({"energy " + per, energy_si(f.energy_per_sample_pj), "energy / " + noun});
  return t;
}

TextTable energy_by_unit_table(const RunReportInput& in) {
  const cost::CostReport& c = in.cost;
  TextTable t;
  t.header = {"unit", "energy (pJ)", "energy", "share"};
  t.right = {false, true, true, true};
  for (const auto& [u, e] : c.energy_by_unit_pj) t.add({u, sig(e, 6), energy_si(e), share_of(e, c.energy_pj)});
  t.add({"total", sig(c.energy_pj, 6), energy_si(c.energy_pj), "100.0%"});
  return t;
}

TextTable energy_by_phase_table(const RunReportInput& in) {
  const cost::CostReport& c = in.cost;
  TextTable t;
  t.header = {"phase", "kernels", "cycles", "latency", "energy", "share", "dynamic", "leakage"};
  t.right = {false, true, true, true, true, true, true, true};
  for (const cost::GroupCost& g : c.by_phase)
    t.add({g.key, std::to_string(g.kernels), std::to_string(g.cycles), time_si(g.seconds), energy_si(g.energy_pj),
           share_of(g.energy_pj, c.energy_pj), energy_si(g.dynamic_pj), energy_si(g.leakage_pj)});
  return t;
}

TextTable area_table(const RunReportInput& in) {
  const cost::AreaBreakdown& a = in.cost.area;
  TextTable t;
  t.header = {"component", "instances", "um2 each", "area", "share", "how"};
  t.right = {false, true, true, true, true, false};
  for (const cost::AreaItem& it : a.items)
    t.add({it.component, sig(it.instances, 6), sig(it.um2_each, 4), area_mm2(it.um2), share_of(it.um2, a.total_um2), it.how});
  t.add({"total", "", "", area_mm2(a.total_um2), "100.0%", ""});
  return t;
}

TextTable utilization_table(const RunReportInput& in) {
  const RunPerformance& p = in.performance;
  TextTable t;
  t.header = {"unit", "kernels", "elapsed cycles", "busy cycles", "busy share of the run", "stall share of its kernels"};
  t.right = {false, true, true, true, true, true};
  for (const PerfRow& u : p.units)
    t.add({u.key, std::to_string(u.kernels), std::to_string(u.cycles), std::to_string(u.busy_cycles),
           percent(p.unit_busy_share(u.key)), percent(u.stall_share())});
  t.add({"MAC array, useful MACs per PE-cycle", "", "", "", percent(p.array_utilization(p.total)), ""});
  return t;
}

TextTable layers_table(const RunReportInput& in) {
  const RunPerformance& p = in.performance;
  TextTable t;
  t.header = {"layer", "kernels", "cycles", "latency", "stall share", "array utilization", "energy", "energy share"};
  t.right = {false, true, true, true, true, true, true, true};
  for (const PerfRow& r : p.layers) {
    const cost::GroupCost* g = find_group(in.cost.by_layer, r.key);
    const double e = g ? g->energy_pj : 0.0;
    t.add({r.key, std::to_string(r.kernels), std::to_string(r.cycles), time_si(p.seconds(r)), percent(r.stall_share()),
           percent(p.array_utilization(r)), energy_si(e), share_of(e, in.cost.energy_pj)});
  }
  return t;
}

TextTable top_figures_table(const RunReportInput& in, std::size_t count) {
  const cost::CostReport& c = in.cost;
  TextTable t;
  t.header = {"table figure", "energy", "share"};
  t.right = {false, true, true};
  for (std::size_t i = 0; i < c.energy_by_figure_pj.size() && i < count; ++i) {
    const auto& [fig, e] = c.energy_by_figure_pj[i];
    t.add({fig, energy_si(e), share_of(e, c.energy_pj)});
  }
  return t;
}

std::vector<std::string> assumption_lines(const RunReportInput& in) {
  const cost::CostReport& c = in.cost;
  const cost::TechTable& tt = in.table;
  std::vector<std::string> out;
  out.push_back(fmt::format(
      "SRAM leakage: {} from the CACTI itrs-hp fit x sram.leakage_factor {:g} gives {} of leakage energy, {} of the total. "
      "Low-power SRAM cells leak far less: rerun with --vary sram.leakage_factor=0.01:1 in qtsim compare to see the effect.",
      power_si(sram_leakage_mw(c)), tt.sram.leakage_factor.value, energy_si(c.leakage_pj), share_of(c.leakage_pj, c.energy_pj)));
  const double reg = figure_energy(c, "reg.bit");
  out.push_back(fmt::format("Register bits (reg.bit, {:g} pJ per bit; the PEs clock 2 operands and the partial sum every "
                            "PE-cycle, without clock gating): {}, {} of the total.",
                            tt.entries.count("reg.bit") && tt.entries.at("reg.bit").energy_pj ? tt.entries.at("reg.bit").energy_pj->value : 0.0,
                            energy_si(reg), share_of(reg, c.energy_pj)));
  out.push_back(fmt::format("Area overhead (controller, DMA, interconnect): area_overhead_fraction {:g} of the rest (an estimate).",
                            tt.area_overhead_fraction.value));
  out.push_back(fmt::format("Logic leakage: {:g} mW/mm2 (logic_leakage_mw_per_mm2).", tt.logic_leakage_mw_per_mm2.value));
  out.push_back("Latency is the step's wall-clock cycles at the configured clock (the MAC array's kernels overlap the "
                "vector and normalization units' ones; each kernel is charged its attributed share of the wall clock); "
                "average power = energy / latency.");
  for (const std::string& n : c.notes) out.push_back("Note: " + n + ".");
  return out;
}

}  // namespace qtsim::reports
