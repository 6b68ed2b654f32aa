// Energy, area, latency and power of a small hand-made run, recomputed here
// independently: every count times its table figure, written out.
#include <cmath>

#include "cost_test_util.hpp"
#include "models/cost/cost_model.hpp"

namespace qtsim::cost {
namespace {

using nlohmann::json;
using testing::input_error;
using testing::tech_file;

hw::SramSpec sram(const char* name, std::uint64_t kib, int banks, int word_bytes, int ports) {
  hw::SramSpec s{name, kib * 1024};
  s.banks = banks;
  s.word_bytes = word_bytes;
  s.ports = ports;
  return s;
}

hw::HwConfig int8_config() {
  hw::HwConfig c;
  c.name = "test-int8";
  c.technology = "45nm";
  c.array.rows = 4;
  c.array.cols = 4;
  c.array.datapath = hw::ArrayDatapath::int8;
  c.array.accumulator_bits = 32;
  c.array.flag_operands = false;
  c.clock_mhz = 500;
  c.ifmap = sram("ifmap", 64, 2, 8, 1);
  c.filter = sram("filter", 32, 1, 8, 1);
  c.ofmap = sram("ofmap", 32, 1, 16, 2);
  c.vector = sram("vector", 64, 4, 8, 1);
  c.dram.type = "LPDDR4";
  c.vector_unit.lanes = 4;
  c.norm.kind = hw::NormUnitKind::fixup;
  c.norm.lanes = 2;
  c.random.lanes = 2;
  return c;
}

// Three kernels as stats.json writes them (sim/hwsim RunStats "ops").
json small_stats() {
  return json::parse(R"({
    "totals": {"cycles": 1300},
    "ops": [
      {"step": 0, "layer": "conv1", "op": "gemm", "phase": "forward", "path": "A", "unit": "mac_array", "cycles": 1000,
       "actions": {"mac.int8": 10000, "array.pe_cycles": 16000, "sram.ifmap.read_bytes": 4096,
                   "sram.filter.read_bytes": 2048, "sram.ofmap.write_bytes": 1024, "dram.read_bytes": 2048,
                   "dma.transfers": 3}},
      {"step": 0, "layer": "conv1", "op": "requantize", "phase": "backward-data", "path": "E", "unit": "vector_unit",
       "cycles": 200,
       "actions": {"vector.int.shift_round": 500, "random.words": 500, "sram.vector.read_bytes": 2000,
                   "sram.vector.write_bytes": 500}},
      {"step": 0, "layer": "scale1", "op": "fixup-scale", "phase": "forward", "path": "A", "unit": "norm_unit",
       "cycles": 100, "actions": {"norm.scalar_op": 64, "dram.write_bytes": 64}}
    ]})");
}

// 45 nm figures (workloads/tech/45nm.json), written out.
constexpr double kMul8 = 0.2, kAdd32 = 0.1, kMul32 = 3.1, kReg = 0.009;
constexpr double kXor32 = 0.3333 * kAdd32;
constexpr double kLpddr4 = 8;  // pJ per bit
// SRAM fit: k (C_bank / 8 KiB)^p per 64-bit access, area mm^2, leakage mW.
double sram_read_64(double bank_bytes) { return 6.271 * std::pow(bank_bytes / 8192, 0.5513); }
double sram_area_mm2(double bank_bytes) { return 0.02929 * std::pow(bank_bytes / 8192, 0.9899); }
double sram_leak_mw(double bank_bytes) { return 11.04 * std::pow(bank_bytes / 8192, 0.9612); }

struct Expected {
  double mac, pe, dma, ifmap, filter, ofmap, vector, dram, shift_round, random, scalar;
  double dynamic() const { return mac + pe + dma + ifmap + filter + ofmap + vector + dram + shift_round + random + scalar; }
};

Expected expected_dynamic() {
  Expected e{};
  e.mac = 10000 * (kMul8 + kAdd32);
  e.pe = 16000 * (8 + 8 + 32) * kReg;        // two operands + 32-bit partial sum per PE-cycle
  e.dma = 3 * 256 * kReg;                    // descriptor: 256 register bits
  // Per byte: one word's energy / word bytes, word width exponent 1: (8 w / 64) / w = 1/8.
  e.ifmap = 4096 * sram_read_64(32 * 1024) / 8;   // 64 KiB in 2 banks
  e.filter = 2048 * sram_read_64(32 * 1024) / 8;  // 32 KiB, 1 bank
  e.ofmap = 1024 * sram_read_64(32 * 1024) * 2 / 16;  // 16-byte words; write = read
  e.vector = (2000 + 500) * sram_read_64(16 * 1024) / 8;  // 64 KiB in 4 banks
  e.dram = (2048 + 64) * 8 * kLpddr4;
  e.shift_round = 500 * (kAdd32 + kAdd32);   // 32-bit shift (one add) + rounding add
  e.random = 500 * (2 * kMul32 + 4 * kXor32);
  e.scalar = 64 * kMul8;
  return e;
}

double expected_leakage_mw() {
  return 2 * sram_leak_mw(32 * 1024)         // ifmap
         + 1 * sram_leak_mw(32 * 1024)       // filter
         + 1 * sram_leak_mw(32 * 1024) * 2   // ofmap, 2 ports
         + 4 * sram_leak_mw(16 * 1024);      // vector
}

double expected_area_um2() {
  const double add16 = 67, add32 = 137, mul8 = 282, mul32 = 3495, fadd = 4184, fmul = 7700, reg = 4.5;
  const double pe = 16 * (mul8 + add32 + 48 * reg);
  const double edge = 4 * (add32 + add32);
  const double srams = (2 * sram_area_mm2(32768) + sram_area_mm2(32768) + 2 * sram_area_mm2(32768) +
                        4 * sram_area_mm2(16384)) * 1e6;
  const double vec_lane = 2 * add32 + mul32 + (add32 + add32) + fadd + fmul + 192 * reg;
  const double vec_shared = 7700 /* fp32.div */ + (fmul + fadd + 64 * reg) /* fp32.exp */;
  const double fixup_lane = mul8 + add16 + add16 /* shift16 */ + 32 * reg;
  const double random_lane = 2 * mul32 + 4 * 0.3333 * add32 + 96 * reg;
  const double rest = pe + edge + srams + 4 * vec_lane + vec_shared + 2 * fixup_lane + 2 * random_lane;
  return rest * 1.1;  // controller and interconnect overhead 10 %
}

double value_of(const std::vector<std::pair<std::string, double>>& v, const std::string& key) {
  for (const auto& [k, x] : v)
    if (k == key) return x;
  ADD_FAILURE() << "no " << key;
  return 0;
}

TEST(CostModel, EnergyMatchesCountsTimesTableEntries) {
  const TechTable t = load_tech_table(tech_file("45nm"));
  const CostReport r = estimate(small_stats(), int8_config(), t);
  const Expected e = expected_dynamic();
  const double seconds = 1300 / 500e6;
  EXPECT_EQ(r.cycles, 1300u);
  EXPECT_EQ(r.kernels, 3u);
  EXPECT_DOUBLE_EQ(r.seconds, seconds);
  EXPECT_NEAR(r.dynamic_pj, e.dynamic(), 1e-9 * e.dynamic());
  EXPECT_NEAR(r.leakage_mw, expected_leakage_mw(), 1e-9);
  const double leak_pj = expected_leakage_mw() * 1e-3 * seconds * 1e12;
  EXPECT_NEAR(r.leakage_pj, leak_pj, 1e-9 * leak_pj);
  EXPECT_NEAR(r.energy_pj, e.dynamic() + leak_pj, 1e-9 * r.energy_pj);
  EXPECT_NEAR(r.average_power_mw, (e.dynamic() + leak_pj) * 1e-12 / seconds * 1e3, 1e-9 * r.average_power_mw);

  // By unit.
  const auto& u = r.energy_by_unit_pj;
  EXPECT_NEAR(value_of(u, "mac_array"), e.mac + e.pe, 1e-9);
  EXPECT_NEAR(value_of(u, "vector_unit"), e.shift_round, 1e-9);
  EXPECT_NEAR(value_of(u, "random_unit"), e.random, 1e-9);
  EXPECT_NEAR(value_of(u, "norm_unit"), e.scalar, 1e-9);
  EXPECT_NEAR(value_of(u, "sram.ifmap"), e.ifmap, 1e-9);
  EXPECT_NEAR(value_of(u, "sram.filter"), e.filter, 1e-9);
  EXPECT_NEAR(value_of(u, "sram.ofmap"), e.ofmap, 1e-9);
  EXPECT_NEAR(value_of(u, "sram.vector"), e.vector, 1e-9);
  EXPECT_NEAR(value_of(u, "dram"), e.dram, 1e-6);
  EXPECT_NEAR(value_of(u, "dma"), e.dma, 1e-9);
  EXPECT_NEAR(value_of(u, "leakage"), leak_pj, 1e-6);
}

TEST(CostModel, AreaMatchesInstantiatedUnits) {
  const TechTable t = load_tech_table(tech_file("45nm"));
  const AreaBreakdown a = estimate_area(int8_config(), t);
  EXPECT_NEAR(a.total_um2, expected_area_um2(), 1e-6 * a.total_um2);
  EXPECT_NEAR(a.items.front().um2, 16 * (282 + 137 + 48 * 4.5), 1e-9);
  EXPECT_EQ(a.items.back().component, "overhead");
  double by_figure = 0;
  for (const auto& [fig, um2] : a.by_figure_um2) by_figure += um2;
  EXPECT_NEAR(by_figure, a.total_um2, 1e-6 * a.total_um2);
  EXPECT_NEAR(a.sram_um2 + a.logic_um2, a.total_um2, 1e-6);
  EXPECT_NEAR(estimate(small_stats(), int8_config(), t).area.total_um2, a.total_um2, 1e-9);
}

TEST(CostModel, BreakdownsAddUpToTheTotal) {
  const TechTable t = load_tech_table(tech_file("45nm"));
  const CostReport r = estimate(small_stats(), int8_config(), t);
  for (const auto* groups : {&r.by_layer, &r.by_phase, &r.by_path}) {
    double sum = 0, leak = 0;
    std::uint64_t cycles = 0;
    for (const GroupCost& g : *groups) sum += g.energy_pj, leak += g.leakage_pj, cycles += g.cycles;
    EXPECT_NEAR(sum, r.energy_pj, 1e-9 * r.energy_pj);
    EXPECT_NEAR(leak, r.leakage_pj, 1e-9 * r.leakage_pj);
    EXPECT_EQ(cycles, r.cycles);
  }
  ASSERT_EQ(r.by_layer.size(), 2u);
  EXPECT_EQ(r.by_layer[0].key, "conv1");
  EXPECT_EQ(r.by_layer[0].cycles, 1200u);
  ASSERT_EQ(r.by_phase.size(), 2u);
  EXPECT_EQ(r.by_phase[1].key, "backward-data");
  const Expected e = expected_dynamic();
  EXPECT_NEAR(r.by_phase[1].dynamic_pj, e.shift_round + e.random + e.vector, 1e-9);
  ASSERT_EQ(r.by_path.size(), 2u);
  EXPECT_EQ(r.by_path[0].key, "A");
  double units = 0, figures = 0;
  for (const auto& [k, v] : r.energy_by_unit_pj) units += v;
  for (const auto& [k, v] : r.energy_by_figure_pj) figures += v;
  EXPECT_NEAR(units, r.energy_pj, 1e-9 * r.energy_pj);
  EXPECT_NEAR(figures, r.energy_pj, 1e-9 * r.energy_pj);
  // Which figure drives it: at 45 nm itrs-hp the SRAM leakage of the largest
  // buffer banks first, then DRAM, the largest dynamic figure.
  EXPECT_EQ(r.energy_by_figure_pj[0].first, "leakage.sram.vector");
  std::vector<std::string> dynamic;
  for (const auto& [k, v] : r.energy_by_figure_pj)
    if (k.rfind("leakage.", 0) != 0) dynamic.push_back(k);
  EXPECT_EQ(dynamic.at(0), "dram.LPDDR4");
  double reg = 0;
  for (const auto& [k, v] : r.energy_by_figure_pj)
    if (k == "reg.bit") reg = v;
  EXPECT_NEAR(reg, e.pe + e.dma, 1e-9);
}

TEST(CostModel, EveryActionIsReportedWithItsFigures) {
  const TechTable t = load_tech_table(tech_file("45nm"));
  const CostReport r = estimate(small_stats(), int8_config(), t);
  ASSERT_EQ(r.actions.size(), static_cast<std::size_t>(hw::kActionCount));
  const ActionCost& mac = r.actions[static_cast<std::size_t>(hw::Action::mac_int8)];
  EXPECT_EQ(mac.action, "mac.int8");
  EXPECT_EQ(mac.count, 10000u);
  ASSERT_EQ(mac.charges.size(), 1u);
  EXPECT_EQ(mac.charges[0].figure, "mac.int8_acc32");
  EXPECT_DOUBLE_EQ(mac.pj_per_count, 0.3);
  const ActionCost& pe = r.actions[static_cast<std::size_t>(hw::Action::pe_cycles)];
  EXPECT_EQ(pe.charges[0].figure, "reg.bit");
  EXPECT_DOUBLE_EQ(pe.charges[0].per_count, 48);
}

TEST(CostModel, Fp32DatapathChargesFp32MacsAndBatchnorm) {
  const TechTable t = load_tech_table(tech_file("45nm"));
  hw::HwConfig c = int8_config();
  c.array.datapath = hw::ArrayDatapath::fp32;
  c.norm.kind = hw::NormUnitKind::fp32_bn;
  c.norm.units = 1;
  c.random.lanes = 0;
  const json stats = json::parse(R"({"ops": [
    {"layer": "bn1", "op": "bn-stats", "phase": "forward", "path": "BN", "unit": "norm_unit", "cycles": 10,
     "actions": {"norm.fp32.add": 100, "norm.fp32.mul": 50, "norm.fp32.sqrt": 4, "norm.fp32.div": 8}},
    {"layer": "conv1", "op": "gemm", "phase": "forward", "path": "A", "unit": "mac_array", "cycles": 10,
     "actions": {"mac.fp32": 1000, "array.pe_cycles": 160}}]})");
  const CostReport r = estimate(stats, c, t);
  EXPECT_NEAR(value_of(r.energy_by_unit_pj, "norm_unit"), 100 * 0.9 + 50 * 3.7 + 4 * 40 + 8 * 20, 1e-9);
  EXPECT_NEAR(value_of(r.energy_by_unit_pj, "mac_array"), 1000 * (3.7 + 0.9) + 160 * 96 * 0.009, 1e-9);
  const AreaBreakdown a = estimate_area(c, t);
  EXPECT_NEAR(a.items[0].um2_each, 7700 + 4184 + 96 * 4.5, 1e-9);  // FP32 PE: no flag shifter
  bool special = false;
  for (const AreaItem& it : a.items)
    if (it.component == "norm_unit.special") {
      special = true;
      EXPECT_NEAR(it.um2, 7700 + 7700, 1e-9);  // one FP32 sqrt + one divider (estimates)
    }
  EXPECT_TRUE(special);
  // The table's latencies agree with the configuration's defaults (12, 14): no note.
  EXPECT_TRUE(r.notes.empty()) << r.notes.front();
}

TEST(CostModel, UserTableIsWhatGetsCharged) {
  testing::TempDir dir;
  json doc = json::parse(testing::read_file(tech_file("45nm")));
  doc["entries"]["int.mul8"]["energy_pj"] = {{"value", 1.0}, {"source", "user synthesis"}};
  doc["dram"]["LPDDR4"]["energy_pj_per_bit"] = {{"value", 1.0}, {"source", "user datasheet"}};
  testing::write_file(dir.file("user.json"), doc.dump());
  const TechTable t = load_tech_table(dir.file("user.json"));
  const CostReport r = estimate(small_stats(), int8_config(), t);
  EXPECT_NEAR(value_of(r.energy_by_unit_pj, "dram"), (2048 + 64) * 8 * 1.0, 1e-9);
  EXPECT_NEAR(r.actions[static_cast<std::size_t>(hw::Action::mac_int8)].energy_pj, 10000 * (1.0 + 0.1), 1e-9);
  EXPECT_EQ(r.table_file, dir.file("user.json"));
}

TEST(CostModel, VariationChangesTheEstimate) {
  TechTable t = load_tech_table(tech_file("45nm"));
  const double before = estimate(small_stats(), int8_config(), t).energy_pj;
  apply_variation(t, "sram.leakage_factor=0");
  const CostReport r = estimate(small_stats(), int8_config(), t);
  EXPECT_NEAR(r.energy_pj, expected_dynamic().dynamic(), 1e-9 * r.energy_pj);
  EXPECT_LT(r.energy_pj, before);
  EXPECT_EQ(r.notes.back(), "table varied: sram.leakage_factor: 1 -> 0");
}

TEST(CostModel, MissingEntryForACountedActionIsAnError) {
  TechTable t = load_tech_table(tech_file("45nm"));
  t.entries.erase("fp32.sqrt");
  json stats = small_stats();
  EXPECT_NO_THROW(estimate(stats, int8_config(), t));  // not counted: not needed
  stats["ops"][2]["actions"]["norm.fp32.sqrt"] = 5;
  const std::string msg = input_error([&] { estimate(stats, int8_config(), t); });
  EXPECT_NE(msg.find("at /entries/fp32.sqrt/energy_pj: expected a figure energy_pj of entry \"fp32.sqrt\" (needed for "
                     "action norm.fp32.sqrt, counted 5 times), found no such entry"),
            std::string::npos)
      << msg;
  hw::HwConfig c = int8_config();
  c.dram.type = "HBM3";
  EXPECT_NE(input_error([&] { estimate(small_stats(), c, t); })
                .find("at /dram/HBM3/energy_pj_per_bit: expected the energy per bit of DRAM type HBM3"),
            std::string::npos);
}

TEST(CostModel, MalformedStatsAreClearErrors) {
  const TechTable t = load_tech_table(tech_file("45nm"));
  json stats = small_stats();
  stats["ops"][1]["actions"]["vector.int.shiftround"] = 3;
  stats["ops"][2]["cycles"] = -4;
  EXPECT_EQ(input_error([&] { estimate(stats, int8_config(), t, "out/stats.json"); }),
            "out/stats.json: at /ops/1/actions/vector.int.shiftround: expected an action declared in "
            "models/hw/core/actions.hpp, found \"vector.int.shiftround\" (did you mean 'vector.int.shift_round'?)\n"
            "out/stats.json: at /ops/2/cycles: expected an integer >= 0, found -4 (an integer)");
  EXPECT_EQ(input_error([&] { estimate(json::object(), int8_config(), t, "s.json"); }),
            "s.json: expected an object with field \"ops\" (the per-kernel rows of stats.json), found no field \"ops\"");
}

TEST(CostModel, ReportJsonIsDeterministicAndComplete) {
  const TechTable t = load_tech_table(tech_file("45nm"));
  const std::string a = to_json(estimate(small_stats(), int8_config(), t)).dump(2);
  const std::string b = to_json(estimate(kernels_from_stats(small_stats(), "x"), int8_config(), t)).dump(2);
  EXPECT_EQ(a, b);
  const json j = json::parse(a);
  for (const char* key : {"table", "hardware", "totals", "energy_by_unit_pj", "leakage_power_mw", "energy_by_figure",
                          "actions", "sram", "area", "layers", "phases", "paths", "notes"})
    EXPECT_TRUE(j.contains(key)) << key;
  EXPECT_DOUBLE_EQ(j["totals"]["cycles"].get<double>(), 1300);
  EXPECT_FALSE(to_json(t).dump().empty());
}

}  // namespace
}  // namespace qtsim::cost
