#include "cost_model.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

namespace qtsim::cost {

using nlohmann::ordered_json;

namespace {

std::string norm_kind_name(hw::NormUnitKind k) {
  switch (k) {
    case hw::NormUnitKind::fp32_bn: return "fp32_bn";
    case hw::NormUnitKind::fixup: return "fixup";
    case hw::NormUnitKind::int_bn: return "int_bn";
  }
  return "?";
}

// --- figures -------------------------------------------------------------------

struct Totals {
  std::uint64_t kernels = 0, cycles = 0;
  std::vector<double> by_unit;  // unit_categories() order without leakage
  double dynamic() const {
    double s = 0;
    for (double v : by_unit) s += v;
    return s;
  }
};

double pj_for_seconds(double mw, double seconds) { return mw * seconds * 1e9; }  // mW x s = 1e-3 J = 1e9 pJ

AreaItem item(const TechTable& t, std::string component, std::string category, double instances,
              const std::vector<std::pair<std::string, double>>& parts, std::string how) {
  AreaItem it;
  it.component = std::move(component);
  it.category = std::move(category);
  it.instances = instances;
  it.how = std::move(how);
  if (instances <= 0) return it;
  for (const auto& [name, count] : parts) {
    const Figure& f = t.figure(name, Quantity::area_um2, "the area of " + it.component);
    it.um2_each += count * f.value;
    for (const auto& [leaf, n] : t.leaves(name, Quantity::area_um2)) it.figures[leaf] += count * n;
  }
  it.um2 = it.um2_each * instances;
  return it;
}

}  // namespace

const std::vector<std::string>& sram_buffers() {
  static const std::vector<std::string> b{"ifmap", "filter", "ofmap", "vector"};
  return b;
}

SramMacro sram_macro(const hw::SramSpec& spec, const TechTable& t) {
  const SramTech& s = t.sram;
  SramMacro m;
  m.buffer = spec.name;
  m.capacity_bytes = static_cast<double>(spec.capacity_bytes);
  m.banks = std::max(1, spec.banks);
  m.ports = std::max(1, spec.ports);
  m.word_bytes = std::max(1, spec.word_bytes);
  m.bank_capacity_bytes = m.capacity_bytes / m.banks;
  const double c0 = s.reference_capacity_bytes;
  const double width = std::pow(8.0 * m.word_bytes / s.reference_word_bits, s.word_width_exponent.value);
  m.read_pj_per_access = s.read_energy_pj.at(m.bank_capacity_bytes, c0) * width;
  m.write_pj_per_access = m.read_pj_per_access * s.write_energy_ratio.value;
  m.read_pj_per_byte = m.read_pj_per_access / m.word_bytes;
  m.write_pj_per_byte = m.write_pj_per_access / m.word_bytes;
  const double ports = 1.0 + s.extra_port_area_factor.value * (m.ports - 1);
  m.bank_area_um2 = s.area_mm2.at(m.bank_capacity_bytes, c0) * 1e6 * ports;
  m.area_um2 = m.bank_area_um2 * m.banks;
  m.leakage_mw = s.leakage_mw.at(m.bank_capacity_bytes, c0) * ports * s.leakage_factor.value * m.banks;
  return m;
}

AreaBreakdown estimate_area(const hw::HwConfig& c, const TechTable& t) {
  AreaBreakdown a;
  const bool int8 = c.array.datapath == hw::ArrayDatapath::int8;
  const double pes = static_cast<double>(c.array.rows) * c.array.cols;

  std::vector<std::pair<std::string, double>> pe{{mac_entry(c), 1.0}};
  if (int8 && c.array.flag_operands) pe.push_back({"int.shift16", 1.0});
  pe.push_back({"reg.bit", static_cast<double>(pe_register_bits(c))});
  a.items.push_back(item(t, "mac_array.pe", "mac_array", pes, pe,
                         fmt::format("rows x cols PEs: {}{}, {} register bits", mac_entry(c),
                                     int8 && c.array.flag_operands ? " + flag shifter int.shift16" : "",
                                     pe_register_bits(c))));
  std::vector<std::pair<std::string, double>> edge{{accumulator_add_entry(c), 1.0}};
  if (int8) edge.push_back({"int.add32", 1.0});
  a.items.push_back(item(t, "mac_array.edge", "mac_array", c.array.cols, edge,
                         int8 ? "per column: the partial-sum adder and the |output| max comparator"
                              : "per column: the partial-sum adder"));

  for (const std::string& b : sram_buffers()) {
    const SramMacro m = sram_macro(sram_spec(c, b), t);
    AreaItem it;
    it.component = "sram." + b;
    it.category = "sram." + b;
    it.instances = m.banks;
    it.um2_each = m.bank_area_um2;
    it.um2 = m.area_um2;
    it.figures["sram.area_mm2"] = 1.0;
    it.how = fmt::format("{} bank(s) of {:g} bytes, {} port(s): the SRAM area fit", m.banks, m.bank_capacity_bytes, m.ports);
    a.items.push_back(it);
    a.sram_um2 += it.um2;
  }

  const double vlanes = c.vector_unit.lanes;
  a.items.push_back(item(t, "vector_unit.lanes", "vector_unit", vlanes, {{"unit.vector_lane", 1.0}}, "vector lanes"));
  a.items.push_back(item(t, "vector_unit.shared", "vector_unit", vlanes > 0 ? 1 : 0, {{"unit.vector_shared", 1.0}},
                         "the loss-stage operators shared by the lanes"));
  const std::string kind = norm_kind_name(c.norm.kind);
  a.items.push_back(item(t, "norm_unit.lanes", "norm_unit", c.norm.lanes, {{"unit.norm_" + kind + "_lane", 1.0}},
                         "normalization-unit lanes (" + kind + ")"));
  if (c.norm.kind != hw::NormUnitKind::fixup)
    a.items.push_back(item(t, "norm_unit.special", "norm_unit", c.norm.units, {{"unit.norm_" + kind + "_special", 1.0}},
                           "square-root and divide units (norm_unit.units)"));
  a.items.push_back(item(t, "random_unit.lanes", "random_unit", c.random.lanes, {{"unit.random_lane", 1.0}},
                         "random-bit hash lanes"));

  double rest = 0;
  for (const AreaItem& it : a.items) rest += it.um2;
  AreaItem over;
  over.component = "overhead";
  over.category = "overhead";
  over.instances = 1;
  over.um2_each = over.um2 = rest * t.area_overhead_fraction.value;
  over.figures["area_overhead_fraction"] = 1.0;
  over.how = fmt::format("controller, DMA and interconnect: {:g} x the rest", t.area_overhead_fraction.value);
  a.items.push_back(over);

  for (const AreaItem& it : a.items) {
    a.total_um2 += it.um2;
    if (it.instances <= 0) continue;
    for (const auto& [fig, n] : it.figures) {
      const double each = fig == "sram.area_mm2" || fig == "area_overhead_fraction"
                              ? it.um2_each
                              : n * t.entries.at(fig).area_um2->value;
      a.by_figure_um2[fig] += each * it.instances;
    }
  }
  a.logic_um2 = a.total_um2 - a.sram_um2;
  return a;
}

CostReport estimate(const std::vector<KernelRecord>& kernels, const hw::HwConfig& c, const TechTable& t) {
  CostReport r;
  r.table_name = t.name;
  r.table_file = t.file;
  r.hw_name = c.name;
  r.technology = c.technology;
  r.clock_mhz = c.clock_mhz;

  // Categories without leakage.
  const std::vector<std::string>& cats_all = unit_categories();
  const std::vector<std::string> cats(cats_all.begin(), cats_all.end() - 1);
  auto cat_index = [&](const std::string& k) {
    return static_cast<std::size_t>(std::find(cats.begin(), cats.end(), k) - cats.begin());
  };

  hw::ActionCounts total;
  for (const KernelRecord& k : kernels) total += k.actions;

  // SRAM macros, looked up by buffer name.
  std::map<std::string, SramMacro> macros;
  for (const std::string& b : sram_buffers()) {
    macros[b] = sram_macro(sram_spec(c, b), t);
    r.sram.push_back(macros[b]);
  }

  // pJ per count of every action that was counted.
  const std::vector<ActionRule> rules = action_rules(c);
  std::vector<double> pj(hw::kActionCount, 0.0);
  std::vector<std::size_t> cat_of(hw::kActionCount, 0);
  std::map<std::string, double> by_figure;
  for (std::size_t i = 0; i < rules.size(); ++i) {
    const ActionRule& rule = rules[i];
    const std::uint64_t n = total.n[i];
    const std::string action(hw::kActionInfo[i].name);
    ActionCost ac{action, rule.category, rule.why, n, {}, 0.0, 0.0};
    cat_of[i] = cat_index(rule.category);
    if (n > 0) {
      const std::string needed = fmt::format("action {}, counted {} times", action, n);
      for (const Charge& ch : rule.charges) {
        double each = 0;
        switch (ch.kind) {
          case ChargeKind::entry_energy: each = t.value(ch.name, Quantity::energy_pj, needed); break;
          case ChargeKind::sram_read_byte: each = macros.at(ch.name).read_pj_per_byte; break;
          case ChargeKind::sram_write_byte: each = macros.at(ch.name).write_pj_per_byte; break;
          case ChargeKind::dram_bit: each = t.dram(ch.name, needed).value; break;
        }
        ac.charges.push_back({ch.figure(), ch.per_count, each});
        ac.pj_per_count += ch.per_count * each;
        // Attribution to plain figures.
        const double energy = static_cast<double>(n) * ch.per_count * each;
        if (ch.kind == ChargeKind::entry_energy) {
          for (const auto& [leaf, m] : t.leaves(ch.name, Quantity::energy_pj))
            by_figure[leaf] += static_cast<double>(n) * ch.per_count * m * t.entries.at(leaf).energy_pj->value;
        } else {
          by_figure[ch.figure()] += energy;
        }
      }
      ac.energy_pj = static_cast<double>(n) * ac.pj_per_count;
    }
    pj[i] = ac.pj_per_count;
    r.actions.push_back(std::move(ac));
  }

  // Leakage power.
  r.area = estimate_area(c, t);
  for (const std::string& b : sram_buffers()) {
    r.leakage_by_part_mw.push_back({"sram." + b, macros.at(b).leakage_mw});
    r.leakage_mw += macros.at(b).leakage_mw;
  }
  const double logic_mw = t.logic_leakage_mw_per_mm2.value * r.area.logic_um2 * 1e-6;
  r.leakage_by_part_mw.push_back({"logic", logic_mw});
  r.leakage_mw += logic_mw;

  // Kernels, grouped.
  const double hz = c.clock_mhz * 1e6;
  std::vector<std::pair<std::string, Totals>> layers, phases, paths;
  std::map<std::string, std::size_t> li, pi, di;
  auto slot = [&](std::vector<std::pair<std::string, Totals>>& rows, std::map<std::string, std::size_t>& index,
                  const std::string& key) -> Totals& {
    auto [it, fresh] = index.try_emplace(key, rows.size());
    if (fresh) rows.push_back({key, Totals{0, 0, std::vector<double>(cats.size(), 0.0)}});
    return rows[it->second].second;
  };
  Totals all{0, 0, std::vector<double>(cats.size(), 0.0)};
  for (const KernelRecord& k : kernels) {
    std::vector<double> e(cats.size(), 0.0);
    for (std::size_t i = 0; i < static_cast<std::size_t>(hw::kActionCount); ++i)
      if (k.actions.n[i]) e[cat_of[i]] += static_cast<double>(k.actions.n[i]) * pj[i];
    for (Totals* g : {&all, &slot(layers, li, k.layer.empty() ? "(step)" : k.layer), &slot(phases, pi, k.phase),
                      &slot(paths, di, k.path.empty() ? "(none)" : k.path)}) {
      g->kernels += k.runs;
      g->cycles += k.cycles;
      for (std::size_t j = 0; j < cats.size(); ++j) g->by_unit[j] += e[j];
    }
  }
  auto group = [&](const std::string& key, const Totals& g) {
    GroupCost gc;
    gc.key = key;
    gc.kernels = g.kernels;
    gc.cycles = g.cycles;
    gc.seconds = hz > 0 ? static_cast<double>(g.cycles) / hz : 0.0;
    gc.dynamic_pj = g.dynamic();
    gc.leakage_pj = pj_for_seconds(r.leakage_mw, gc.seconds);
    gc.energy_pj = gc.dynamic_pj + gc.leakage_pj;
    for (std::size_t j = 0; j < cats.size(); ++j) gc.by_unit_pj.push_back({cats[j], g.by_unit[j]});
    gc.by_unit_pj.push_back({"leakage", gc.leakage_pj});
    return gc;
  };
  for (const auto& [key, g] : layers) r.by_layer.push_back(group(key, g));
  for (const auto& [key, g] : phases) r.by_phase.push_back(group(key, g));
  for (const auto& [key, g] : paths) r.by_path.push_back(group(key, g));
  const GroupCost whole = group("total", all);
  r.kernels = whole.kernels;
  r.cycles = whole.cycles;
  r.seconds = whole.seconds;
  r.dynamic_pj = whole.dynamic_pj;
  r.leakage_pj = whole.leakage_pj;
  r.energy_pj = whole.energy_pj;
  r.energy_by_unit_pj = whole.by_unit_pj;
  r.average_power_mw = r.seconds > 0 ? r.energy_pj / r.seconds * 1e-9 : 0.0;

  for (const auto& [part, mw] : r.leakage_by_part_mw) by_figure["leakage." + part] += pj_for_seconds(mw, r.seconds);
  for (const auto& [fig, e] : by_figure) r.energy_by_figure_pj.push_back({fig, e});
  std::stable_sort(r.energy_by_figure_pj.begin(), r.energy_by_figure_pj.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });

  // Facts a reader should know.
  if (c.technology != t.name)
    r.notes.push_back(fmt::format("the hardware names technology \"{}\", the table used is \"{}\" ({})", c.technology,
                                  t.name, t.file));
  if (c.array.datapath == hw::ArrayDatapath::int8 && c.array.accumulator_bits != 8 && c.array.accumulator_bits != 16 &&
      c.array.accumulator_bits != 32)
    r.notes.push_back(fmt::format("accumulator_bits {} is charged as the next wider tabulated adder ({}, {})",
                                  c.array.accumulator_bits, accumulator_add_entry(c), mac_entry(c)));
  auto latency_note = [&](const char* entry, int config_cycles, const char* field) {
    if (!t.has(entry, Quantity::latency_cycles)) return;
    const double tab = t.entries.at(entry).latency_cycles->value;
    if (std::abs(tab - config_cycles) > 1e-9)
      r.notes.push_back(fmt::format("norm_unit.{} is {} cycles, the table's {} latency is {:g} (timing used the "
                                    "configuration's)",
                                    field, config_cycles, entry, tab));
  };
  if (c.norm.kind == hw::NormUnitKind::fp32_bn) {
    latency_note("fp32.sqrt", c.norm.sqrt_latency, "sqrt_latency");
    latency_note("fp32.div", c.norm.divide_latency, "divide_latency");
  }
  if (c.norm.kind == hw::NormUnitKind::int_bn) latency_note("int.isqrt32", c.norm.isqrt_latency, "isqrt_latency");
  for (const std::string& v : t.variations) r.notes.push_back("table varied: " + v);
  return r;
}

namespace {

ordered_json pairs_json(const std::vector<std::pair<std::string, double>>& v) {
  ordered_json j = ordered_json::object();
  for (const auto& [k, x] : v) j[k] = x;
  return j;
}

ordered_json group_json(const std::vector<GroupCost>& groups, const char* key) {
  ordered_json a = ordered_json::array();
  for (const GroupCost& g : groups)
    a.push_back({{key, g.key},
                 {"kernels", g.kernels},
                 {"cycles", g.cycles},
                 {"seconds", g.seconds},
                 {"energy_pj", g.energy_pj},
                 {"dynamic_energy_pj", g.dynamic_pj},
                 {"leakage_energy_pj", g.leakage_pj},
                 {"energy_by_unit_pj", pairs_json(g.by_unit_pj)}});
  return a;
}

}  // namespace

ordered_json to_json(const CostReport& r) {
  ordered_json j;
  j["table"] = {{"name", r.table_name}, {"file", r.table_file}};
  j["hardware"] = {{"name", r.hw_name}, {"technology", r.technology}, {"clock_mhz", r.clock_mhz}};
  j["totals"] = {{"kernels", r.kernels},
                 {"cycles", r.cycles},
                 {"seconds", r.seconds},
                 {"energy_pj", r.energy_pj},
                 {"dynamic_energy_pj", r.dynamic_pj},
                 {"leakage_energy_pj", r.leakage_pj},
                 {"average_power_mw", r.average_power_mw},
                 {"leakage_power_mw", r.leakage_mw},
                 {"area_um2", r.area.total_um2},
                 {"area_mm2", r.area.total_um2 * 1e-6}};
  j["energy_by_unit_pj"] = pairs_json(r.energy_by_unit_pj);
  j["leakage_power_mw"] = pairs_json(r.leakage_by_part_mw);
  ordered_json figs = ordered_json::array();
  for (const auto& [fig, e] : r.energy_by_figure_pj)
    figs.push_back({{"figure", fig}, {"energy_pj", e}, {"share", r.energy_pj > 0 ? e / r.energy_pj : 0.0}});
  j["energy_by_figure"] = figs;
  ordered_json acts = ordered_json::array();
  for (const ActionCost& a : r.actions) {
    ordered_json charges = ordered_json::array();
    for (const ChargeCost& ch : a.charges)
      charges.push_back({{"figure", ch.figure}, {"per_count", ch.per_count}, {"pj_each", ch.pj_each}});
    acts.push_back({{"action", a.action},
                    {"unit", a.category},
                    {"count", a.count},
                    {"pj_per_count", a.pj_per_count},
                    {"energy_pj", a.energy_pj},
                    {"charges", charges},
                    {"why", a.why}});
  }
  j["actions"] = acts;
  ordered_json sram = ordered_json::array();
  for (const SramMacro& m : r.sram)
    sram.push_back({{"buffer", m.buffer},
                    {"capacity_bytes", m.capacity_bytes},
                    {"banks", m.banks},
                    {"bank_capacity_bytes", m.bank_capacity_bytes},
                    {"ports", m.ports},
                    {"word_bytes", m.word_bytes},
                    {"read_pj_per_access", m.read_pj_per_access},
                    {"write_pj_per_access", m.write_pj_per_access},
                    {"read_pj_per_byte", m.read_pj_per_byte},
                    {"write_pj_per_byte", m.write_pj_per_byte},
                    {"area_um2", m.area_um2},
                    {"leakage_mw", m.leakage_mw}});
  j["sram"] = sram;
  ordered_json items = ordered_json::array();
  for (const AreaItem& it : r.area.items) {
    ordered_json f = ordered_json::object();
    for (const auto& [k, n] : it.figures) f[k] = n;
    items.push_back({{"component", it.component},
                     {"unit", it.category},
                     {"instances", it.instances},
                     {"um2_each", it.um2_each},
                     {"um2", it.um2},
                     {"figures_per_instance", f},
                     {"how", it.how}});
  }
  ordered_json by_fig = ordered_json::object();
  for (const auto& [k, v] : r.area.by_figure_um2) by_fig[k] = v;
  j["area"] = {{"total_um2", r.area.total_um2},
               {"sram_um2", r.area.sram_um2},
               {"logic_um2", r.area.logic_um2},
               {"items", items},
               {"by_figure_um2", by_fig}};
  j["layers"] = group_json(r.by_layer, "layer");
  j["phases"] = group_json(r.by_phase, "phase");
  j["paths"] = group_json(r.by_path, "path");
  j["notes"] = r.notes;
  return j;
}

}  // namespace qtsim::cost
