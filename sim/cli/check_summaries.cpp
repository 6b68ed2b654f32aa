#include "check_summaries.hpp"

#include <vector>

#include <fmt/format.h>

#include "models/cost/cost_model.hpp"
#include "preset_paths.hpp"
#include "sim/costinput/tech_table_loader.hpp"
#include "sim/hwconfig/hw_config_loader.hpp"

namespace qtsim::cli {

namespace {

std::string kib(std::uint64_t bytes) { return fmt::format("{:g} KiB", static_cast<double>(bytes) / 1024.0); }

std::string buffer_text(const hw::SramSpec& s) {
  return fmt::format("{} {} ({} bank{}, {}-byte words, {} port{}{})", s.name, kib(s.capacity_bytes), s.banks,
                     s.banks == 1 ? "" : "s", s.word_bytes, s.ports, s.ports == 1 ? "" : "s",
                     s.double_buffered ? ", double-buffered" : "");
}

std::string fit_text(const cost::PowerLawFit& f, double c0, const char* unit) {
  return fmt::format("{:.4g} {} x (C / {:g} B)^{:.4g}", f.k, unit, c0, f.p);
}

// Figures citing a published source, and estimates (compositions included).
struct Provenances {
  int sources = 0, estimates = 0;
  void count(const std::string& source) { ++(source.empty() ? estimates : sources); }
};

Provenances provenances(const cost::TechTable& t) {
  Provenances p;
  for (const auto& [name, e] : t.entries)
    for (cost::Quantity q : cost::kQuantities)
      if (e.get(q)) p.count(e.get(q)->source);
  for (const cost::PowerLawFit* f : {&t.sram.read_energy_pj, &t.sram.area_mm2, &t.sram.leakage_mw}) p.count(f->source);
  for (const cost::Figure* f : {&t.sram.write_energy_ratio, &t.sram.word_width_exponent, &t.sram.extra_port_area_factor,
                                &t.sram.leakage_factor, &t.logic_leakage_mw_per_mm2, &t.area_overhead_fraction})
    p.count(f->source);
  for (const auto& [type, f] : t.dram_pj_per_bit) p.count(f.source);
  return p;
}

}  // namespace

void check_hardware(const std::string& path, bool quiet, std::ostream& out) {
  const hw::HwConfig c = hwconfig::load_hw_config(path);
  const std::string table_file = tech_table_file(c.technology);
  const cost::TechTable table = cost::load_tech_table(table_file);
  const cost::AreaBreakdown area = cost::estimate_area(c, table);
  if (quiet) return;
  const hw::MacArraySpec& a = c.array;
  out << fmt::format("{}: hardware configuration, technology {}, {:g} MHz\n", c.name, c.technology, c.clock_mhz);
  out << fmt::format("  {:<13} {}x{} {}, dataflow {}", "MAC array", a.rows, a.cols, hw::to_string(a.datapath),
                     hw::to_string(a.dataflow));
  if (a.datapath == hw::ArrayDatapath::int8)
    out << fmt::format(", {}-bit {} accumulators{}", a.accumulator_bits, a.accumulator_saturates ? "saturating" : "wrapping",
                       a.flag_operands ? ", flag-quantized operands" : "");
  out << "\n";
  for (const hw::SramSpec* s : {&c.ifmap, &c.filter, &c.ofmap, &c.vector})
    out << fmt::format("  {:<13} {}\n", s == &c.ifmap ? "SRAM" : "", buffer_text(*s));
  out << fmt::format("  {:<13} {}, {:g} GB/s, {:g} ns; DMA bursts of {} bytes\n", "DRAM", c.dram.type,
                     c.dram.bandwidth_gb_per_s, c.dram.latency_ns, c.dma.burst_bytes);
  out << fmt::format("  {:<13} vector {} lanes; normalization {} with {} lanes", "units", c.vector_unit.lanes,
                     hw::to_string(c.norm.kind), c.norm.lanes);
  if (c.norm.kind != hw::NormUnitKind::fixup) out << fmt::format(" and {} square-root/divide unit(s)", c.norm.units);
  out << fmt::format("; random bits {} lanes\n", c.random.lanes);
  out << fmt::format("  {:<13} {:.4g} mm2 ({:.4g} mm2 SRAM, {:.4g} mm2 logic and overhead) with {}\n", "area",
                     area.total_um2 * 1e-6, area.sram_um2 * 1e-6, area.logic_um2 * 1e-6, portable_paths(table_file));
}

void check_tech_table(const std::string& path, bool quiet, std::ostream& out) {
  const cost::TechTable t = cost::load_tech_table(path);
  if (quiet) return;
  out << fmt::format("{}: technology table, {:g} nm{}\n", t.name, t.node_nm,
                     t.voltage_v > 0 ? fmt::format(", {:g} V", t.voltage_v) : "");
  for (const std::string& d : t.derivation) out << fmt::format("  {:<13} {}\n", "derived", portable_paths(d));
  const Provenances p = provenances(t);
  out << fmt::format("  {:<13} {} entries; {} figures cite a published source, {} are estimates or compositions\n",
                     "entries", t.entries.size(), p.sources, p.estimates);
  const cost::SramTech& s = t.sram;
  out << fmt::format("  {:<13} read {} per {:g}-bit access, area {}, leakage {} (one bank)\n", "SRAM",
                     fit_text(s.read_energy_pj, s.reference_capacity_bytes, "pJ"), s.reference_word_bits,
                     fit_text(s.area_mm2, s.reference_capacity_bytes, "mm2"),
                     fit_text(s.leakage_mw, s.reference_capacity_bytes, "mW"));
  std::vector<std::string> dram;
  for (const auto& [type, f] : t.dram_pj_per_bit) dram.push_back(fmt::format("{} {:g}", type, f.value));
  out << fmt::format("  {:<13} pJ per bit: {}\n", "DRAM", fmt::join(dram, ", "));
  out << fmt::format("  {:<13} overhead {:g} x the other area, logic leakage {:g} mW/mm2\n", "area model",
                     t.area_overhead_fraction.value, t.logic_leakage_mw_per_mm2.value);
}

}  // namespace qtsim::cli
