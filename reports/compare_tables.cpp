#include "compare_tables.hpp"

#include <cmath>

#include <fmt/format.h>

#include "cost_views.hpp"
#include "text_format.hpp"

namespace qtsim::reports {

namespace {

const CompareDesign& input_design(const Comparison& c, const std::string& key) {
  for (const CompareDesign& d : c.input.designs)
    if (d.key == key) return d;
  throw std::logic_error("compare: no design " + key);
}

std::string norm_kind(const hw::HwConfig& h) {
  switch (h.norm.kind) {
    case hw::NormUnitKind::fp32_bn: return "fp32-bn";
    case hw::NormUnitKind::fixup: return "fixup";
    case hw::NormUnitKind::int_bn: return "int-bn";
  }
  return "?";
}

const RatioDrivers* drivers_of(const Comparison& c, const std::string& key) {
  for (const RatioDrivers& d : c.drivers)
    if (d.design == key) return &d;
  return nullptr;
}

std::string signed_value(double v, const std::string& kind) {
  const std::string sign = v > 0 ? "+" : "";
  if (kind == "energy") return sign + energy_si(v);
  if (kind == "power") return sign + power_si(v);
  if (kind == "area") return sign + area_mm2(v);
  return sign + time_si(v);
}

std::string top_driver_text(const DriverSet& ds, std::size_t n, bool with_path, const std::string& kind) {
  std::string s;
  for (std::size_t i = 0; i < ds.top.size() && i < n; ++i) {
    const Driver& d = ds.top[i];
    if (!s.empty()) s += "; ";
    s += fmt::format("{} {} ({})", d.figure, signed_value(d.difference, kind),
                     ds.offsetting() ? percent(d.gross_share) + " of the gross" : percent(d.share));
    if (with_path && !d.vary_path.empty()) s += " [" + d.vary_path + "]";
  }
  return s;
}

// One ratio and its drivers: the net difference, then the largest figures.
std::string driver_line(const std::string& what, const DriverSet& ds, const std::string& kind, bool with_path) {
  if (ds.top.empty()) return what + ": no difference";
  if (!ds.offsetting())
    return fmt::format("{} (baseline - candidate = {}): {}", what, signed_value(ds.net, kind), top_driver_text(ds, 3, with_path, kind));
  return fmt::format("{}: the figures' differences offset (net {} against {} in either direction), so shares of the net "
                     "would mislead; largest differences, with their share of the gross: {}",
                     what, signed_value(ds.net, kind), signed_value(ds.gross, kind).substr(1),
                     top_driver_text(ds, 3, with_path, kind));
}

}  // namespace

std::string ratio_convention() {
  return "Ratios are baseline / design: above 1 the design uses less energy, area or power than the FP32-BN baseline, "
         "or finishes sooner (latency).";
}

TextTable designs_table(const Comparison& c) {
  TextTable t;
  t.header = {"design", "workload variant", "scheme", "hardware", "array", "norm unit", "technology table", "role"};
  for (const CompareDesign& d : c.input.designs) {
    const auto tk = c.input.design_table.find(d.key);
    t.add({d.label, d.workload, d.scheme, d.config.name, fmt::format("{}x{}", d.config.array.rows, d.config.array.cols),
           norm_kind(d.config), tk != c.input.design_table.end() ? c.input.tables.at(tk->second).name : "", d.role});
  }
  return t;
}

TextTable headline_table(const Comparison& c, const Evaluation& e, const std::string& caption) {
  TextTable t;
  t.caption = caption;
  t.header = {"design", "energy", "area", "latency", "avg power", "energy ratio", "area ratio", "speed-up", "power ratio"};
  t.right = {false, true, true, true, true, true, true, true, true};
  for (std::size_t i = 0; i < e.designs.size(); ++i) {
    const DesignCost& d = e.designs[i];
    const RatioSet r = e.ratios(d.key);
    t.add({input_design(c, d.key).label, energy_si(d.cost.energy_pj), area_mm2(d.cost.area.total_um2), time_si(d.cost.seconds),
           power_si(d.cost.average_power_mw), times(r.energy), times(r.area), times(r.latency), times(r.power)});
  }
  return t;
}

TextTable memory_table(const Comparison& c, const std::string& caption) {
  TextTable t;
  t.caption = caption;
  t.header = {"design", "latency", "with ideal memory", "memory's share", "speed-up", "with ideal memory", "energy ratio",
              "with ideal memory", "power ratio", "with ideal memory"};
  t.right = {false, true, true, true, true, true, true, true, true, true};
  const Evaluation& ideal = *c.ideal;
  for (std::size_t i = 0; i < c.base.designs.size(); ++i) {
    const DesignCost& d = c.base.designs[i];
    const DesignCost& di = ideal.design(d.key);
    const RatioSet r = c.base.ratios(d.key), ri = ideal.ratios(d.key);
    const double share = d.cost.seconds > 0 ? 1.0 - di.cost.seconds / d.cost.seconds : 0.0;
    t.add({input_design(c, d.key).label, time_si(d.cost.seconds), time_si(di.cost.seconds), percent(share), times(r.latency),
           times(ri.latency), times(r.energy), times(ri.energy), times(r.power), times(ri.power)});
  }
  return t;
}

TextTable norm_ratio_table(const Comparison& c, const Evaluation& e, const std::string& caption) {
  TextTable t;
  t.caption = caption;
  t.header = {"scope", "design", "speed-up", "energy ratio", "power ratio", "dynamic power ratio", "unit power ratio",
              "area ratio"};
  t.right = {false, false, true, true, true, true, true, true};
  for (NormScope s : norm_scopes())
    for (std::size_t i = 1; i < e.designs.size(); ++i) {
      const std::string& k = e.designs[i].key;
      if (k == "iso-area") continue;  // same normalization unit as the baseline
      const StageRatios r = e.stage_ratios(k, s);
      t.add({scope_title(s), input_design(c, k).label, times(r.latency), times(r.energy), times(r.power),
             times(r.dynamic_power), times(r.unit_power), times(r.area)});
    }
  return t;
}

TextTable norm_figures_table(const Comparison& c) {
  TextTable t;
  t.header = {"scope", "design", "kernels", "latency", "energy", "power", "dynamic power", "unit power", "norm unit area"};
  t.right = {false, false, true, true, true, true, true, true, true};
  for (NormScope s : norm_scopes())
    for (const DesignCost& d : c.base.designs) {
      const StageCost& st = d.stages.at(s);
      t.add({scope_title(s), input_design(c, d.key).label, std::to_string(st.kernels), time_si(st.seconds), energy_si(st.energy_pj),
             power_si(st.power_mw), power_si(st.dynamic_power_mw), power_si(st.unit_power_mw), area_mm2(st.area_um2)});
    }
  return t;
}

TextTable schemes_table(const Comparison& c) {
  TextTable t;
  t.header = {"int8 scheme", "energy", "latency", "area", "avg power", "norm training energy", "vs EOQ: energy", "latency",
              "area", "power"};
  t.right = {false, true, true, true, true, true, true, true, true, true};
  const Evaluation& e = c.base;
  if (e.designs.size() < 2) return t;
  const DesignCost& eoq = e.designs[1];
  for (const DesignCost& d : e.designs) {
    const std::string& s = input_design(c, d.key).scheme;
    if (s.rfind("int8-", 0) != 0) continue;
    t.add({input_design(c, d.key).label, energy_si(d.cost.energy_pj), time_si(d.cost.seconds), area_mm2(d.cost.area.total_um2),
           power_si(d.cost.average_power_mw), energy_si(d.stages.at(NormScope::training).energy_pj),
           times(ratio(d.cost.energy_pj, eoq.cost.energy_pj)), times(ratio(d.cost.seconds, eoq.cost.seconds)),
           times(ratio(d.cost.area.total_um2, eoq.cost.area.total_um2)),
           times(ratio(d.cost.average_power_mw, eoq.cost.average_power_mw))});
  }
  return t;
}

TextTable claims_table(const Comparison& c) {
  TextTable t;
  t.header = {"EOQ claim", "published", "measured here (default table)", "low-leakage SRAM", "verdict"};
  t.right = {false, true, true, true, false};
  if (c.base.designs.size() < 2) return t;
  const std::string k = c.base.designs[1].key;
  auto verdict = [](double v, double v_low, double claim) {
    if (!std::isfinite(v) && !std::isfinite(v_low)) return std::string("not measurable");
    if (v >= claim) return std::string("reached");
    if (v_low >= claim) return std::string("reached only with low-leakage SRAM");
    const double best = std::isfinite(v_low) ? std::max(v, v_low) : v;
    return fmt::format("not reached (best {} of the claim)", percent(best / claim));
  };
  auto row = [&](const std::string& what, double claim, double v, double v_low, const char* published) {
    t.add({what, published, times(v), times(v_low), verdict(v, v_low, claim)});
  };
  const StageRatios inf = c.base.stage_ratios(k, NormScope::inference), inf_low = c.low_leakage.stage_ratios(k, NormScope::inference);
  const StageRatios run = c.base.stage_ratios(k, NormScope::inference_running),
                    run_low = c.low_leakage.stage_ratios(k, NormScope::inference_running);
  row("normalization, inference: lower power (stage power incl. chip leakage)", 66, inf.power, inf_low.power, ">66x");
  row("normalization, inference: lower power (stage dynamic power)", 66, inf.dynamic_power, inf_low.dynamic_power, ">66x");
  row("normalization, inference: lower power (norm-unit arithmetic only)", 66, inf.unit_power, inf_low.unit_power, ">66x");
  row("normalization, inference with running statistics: lower power (dynamic)", 66, run.dynamic_power, run_low.dynamic_power, ">66x");
  row("normalization, inference: faster", 13, inf.latency, inf_low.latency, ">13x");
  row("normalization, inference with running statistics: faster", 13, run.latency, run_low.latency, ">13x");
  const RatioSet all = c.base.ratios(k), all_low = c.low_leakage.ratios(k);
  row("whole training step: lower power", 10, all.power, all_low.power, "~10x");
  row("whole training step: lower energy", 10, all.energy, all_low.energy, "(~10x power)");
  row("circuit area", 10, all.area, all_low.area, "~10x");
  return t;
}

TextTable drivers_table(const DriverSet& drivers, const std::string& quantity, const std::string& unit_kind) {
  TextTable t;
  t.caption = quantity;
  t.header = {"figure", "baseline", "candidate", "baseline - candidate", "share of the net difference",
              "share of the gross difference", "--vary path"};
  t.right = {false, true, true, true, true, true, false};
  auto fmt_v = [&](double v) {
    if (unit_kind == "energy") return energy_si(v);
    if (unit_kind == "power") return power_si(v);
    if (unit_kind == "area") return area_mm2(v);
    return time_si(v);
  };
  for (const Driver& d : drivers.top)
    t.add({d.figure, fmt_v(d.baseline), fmt_v(d.other), signed_value(d.difference, unit_kind), percent(d.share),
           percent(d.gross_share), d.vary_path});
  t.add({"all figures", "", "", signed_value(drivers.net, unit_kind), drivers.offsetting() ? "n/a (offsetting)" : "100.0%",
         "gross " + signed_value(drivers.gross, unit_kind).substr(drivers.gross > 0 ? 1 : 0), ""});
  return t;
}

TextTable sensitivity_table(const Comparison& c) {
  TextTable t;
  t.header = {"--vary path", "values (low / default / high)", "ratio", "at low", "default", "at high"};
  t.right = {false, true, false, true, true, true};
  for (const SensitivityRow& r : c.sensitivity)
    t.add({r.path, sig(r.low_value) + " / " + sig(r.default_value) + " / " + sig(r.high_value), r.quantity, times(r.low),
           times(r.base), times(r.high)});
  return t;
}

std::vector<std::string> derivation_lines(const Comparison& c) {
  std::vector<std::string> out;
  for (const CompareDesign& d : c.input.designs)
    out.push_back(fmt::format("{} ({}): {}", d.key, d.label, d.derivation.empty() ? std::string("as given") : d.derivation));
  return out;
}

std::vector<std::string> definition_lines(const Comparison& c) {
  std::vector<std::string> out;
  out.push_back(ratio_convention());
  out.push_back("Energy = action counts x table figures + leakage power x latency; latency = the step's wall-clock cycles "
                "at the clock (the MAC array's kernels overlap the vector and normalization units'; a kernel's share is its "
                "attributed cycles); average power = energy / latency; area = instantiated units x (1 + "
                "area_overhead_fraction). One training step, timing mode.");
  for (NormScope s : norm_scopes()) out.push_back("Normalization stage, " + scope_title(s) + ": " + scope_definition(s) + ".");
  out.push_back("A stage's energy is the dynamic energy of its kernels (normalization-unit arithmetic and those kernels' "
                "SRAM, DRAM and DMA traffic) plus the whole chip's leakage over their cycles; 'power' divides that by "
                "their latency, 'dynamic power' leaves the leakage out, 'unit power' counts the normalization unit's "
                "arithmetic alone. The stage's area is the normalization unit's (lanes and square-root/divide units).");
  out.push_back(fmt::format(
      "SRAM leakage: the default tables use CACTI's itrs-hp cells (sram.leakage_factor as in the table), which leak "
      "watts at 45 nm and dominate power; the 'low-leakage SRAM' figures set sram.leakage_factor = {:g} (low-power "
      "cells, an estimate) and change nothing else.",
      c.input.low_leakage_factor));
  out.push_back("The PEs clock their operand and partial-sum registers every PE-cycle (reg.bit per bit, no clock gating); "
                "vary reg.bit.energy_pj to see its weight in the array-energy ratio.");
  for (const std::string& n : c.input.notes) out.push_back(n);
  return out;
}

std::string drivers_explanation() {
  return "Each figure's difference is baseline - candidate (positive: the candidate spends less on it), with its share of "
         "the net difference (the baseline's total - the candidate's). When the figures' differences largely offset "
         "(the net is less than half of the gross, the sum of every figure's |difference|: a ratio near 1), shares of "
         "the net would run into hundreds or thousands of percent and are left out; each figure's share of the gross "
         "difference is given instead. The path in brackets is what --vary changes.";
}

std::vector<std::string> driver_summary_lines(const Comparison& c) {
  std::vector<std::string> out;
  if (c.base.designs.size() < 2) return out;
  const RatioDrivers* d = drivers_of(c, c.base.designs[1].key);
  if (!d) return out;
  const RatioSet r = c.base.ratios(d->design);
  out.push_back(driver_line("energy ratio " + times(r.energy), d->energy, "energy", true));
  out.push_back(driver_line("power ratio " + times(r.power), d->power, "power", true));
  out.push_back(driver_line("area ratio " + times(r.area), d->area, "area", true));
  out.push_back(driver_line("speed-up " + times(r.latency), d->latency, "time", false) +
                " (cycles come from the simulation, not the table)");
  if (c.input.has_normalization)
    for (NormScope s : {NormScope::training, NormScope::inference}) {
      const StageRatios sr = c.base.stage_ratios(d->design, s);
      out.push_back(driver_line("normalization " + scope_key(s) + " power ratio " + times(sr.power), d->stage_power.at(s), "power", true));
    }
  return out;
}

}  // namespace qtsim::reports
