// Technology tables: the 45 nm base holds the published figures, every figure
// has a provenance, compositions add up, derived nodes scale by the
// Stillmaker–Baas factors, and a user's own table is honoured.
#include <cmath>

#include "cost_test_util.hpp"

namespace qtsim::cost {
namespace {

using testing::input_error;
using testing::tech_file;
using testing::TempDir;

TEST(TechTable45nm, HoldsHorowitzArithmeticFigures) {
  const TechTable t = load_tech_table(tech_file("45nm"));
  EXPECT_EQ(t.name, "45nm");
  EXPECT_EQ(t.node_nm, 45);
  // Horowitz ISSCC 2014, 45 nm: energy pJ, area um^2.
  const std::vector<std::tuple<std::string, double, double>> published{
      {"int.add8", 0.03, 36},    {"int.add16", 0.05, 67},   {"int.add32", 0.1, 137},   {"fp16.add", 0.4, 1360},
      {"fp32.add", 0.9, 4184},   {"int.mul8", 0.2, 282},    {"int.mul32", 3.1, 3495},  {"fp16.mul", 1.1, 1640},
      {"fp32.mul", 3.7, 7700}};
  for (const auto& [name, pj, um2] : published) {
    EXPECT_DOUBLE_EQ(t.value(name, Quantity::energy_pj, "test"), pj) << name;
    EXPECT_DOUBLE_EQ(t.value(name, Quantity::area_um2, "test"), um2) << name;
    EXPECT_FALSE(t.entries.at(name).energy_pj->source.empty()) << name;
  }
  EXPECT_DOUBLE_EQ(t.value("fp32.div", Quantity::energy_pj, "test"), 20);
  EXPECT_DOUBLE_EQ(t.value("fp32.sqrt", Quantity::energy_pj, "test"), 40);
  EXPECT_DOUBLE_EQ(t.value("fp32.div", Quantity::latency_cycles, "test"), 14);
  EXPECT_DOUBLE_EQ(t.value("fp32.sqrt", Quantity::latency_cycles, "test"), 12);
  EXPECT_DOUBLE_EQ(t.value("int.isqrt32", Quantity::latency_cycles, "test"), 32);
  EXPECT_DOUBLE_EQ(t.value("reg.bit", Quantity::energy_pj, "test"), 0.009);
  // The divider/sqrt area is an estimate, and says so.
  EXPECT_TRUE(t.entries.at("fp32.div").area_um2->source.empty());
  EXPECT_FALSE(t.entries.at("fp32.div").area_um2->estimate.empty());
  // DRAM energies per bit (Accelergy's CACTI plug-in).
  EXPECT_DOUBLE_EQ(t.dram_pj_per_bit.at("LPDDR4").value, 8);
  EXPECT_DOUBLE_EQ(t.dram_pj_per_bit.at("GDDR5").value, 14);
  EXPECT_DOUBLE_EQ(t.dram_pj_per_bit.at("DDR3").value, 70);
  EXPECT_DOUBLE_EQ(t.dram_pj_per_bit.at("HBM2").value, 3.9);
}

TEST(TechTable45nm, CompositionsAreSumsOfTheirParts) {
  const TechTable t = load_tech_table(tech_file("45nm"));
  auto e = [&](const std::string& n) { return t.value(n, Quantity::energy_pj, "test"); };
  auto a = [&](const std::string& n) { return t.value(n, Quantity::area_um2, "test"); };
  EXPECT_DOUBLE_EQ(e("mac.int8_acc32"), 0.2 + 0.1);
  EXPECT_DOUBLE_EQ(a("mac.int8_acc32"), 282 + 137);
  EXPECT_DOUBLE_EQ(e("mac.int8_acc16"), 0.2 + 0.05);
  EXPECT_DOUBLE_EQ(e("mac.fp32"), 3.7 + 0.9);
  EXPECT_DOUBLE_EQ(a("mac.fp32"), 7700 + 4184);
  EXPECT_DOUBLE_EQ(e("fp32.fma"), 3.7 + 0.9);
  EXPECT_DOUBLE_EQ(e("fp16.fma"), 1.1 + 0.4);
  EXPECT_DOUBLE_EQ(e("int.add64"), 0.2);
  // lowbias32: 2 32-bit multiplies + 4 32-bit XORs (a third of a 32-bit add each).
  EXPECT_NEAR(e("random.lowbias32"), 2 * 3.1 + 4 * 0.3333 * 0.1, 1e-12);
  EXPECT_NEAR(a("random.lowbias32"), 2 * 3495 + 4 * 0.3333 * 137 + 96 * 4.5, 1e-9);
  // Integer divider: 32 iterations of a 32-bit subtract and 64 register bits.
  EXPECT_NEAR(e("int.div32"), 32 * 0.1 + 2048 * 0.009, 1e-12);
  // Leaves of a nested composition.
  const auto leaves = t.leaves("int.shift_round32", Quantity::energy_pj);
  EXPECT_EQ(leaves, (std::map<std::string, double>{{"int.add32", 2.0}}));
}

// Every figure names a source or an estimate: walk the resolved table.
TEST(TechTable, EveryFigureHasAProvenance) {
  for (const char* node : {"45nm", "32nm", "28nm", "22nm", "16nm", "7nm"}) {
    const nlohmann::ordered_json j = to_json(load_tech_table(tech_file(node)));
    std::size_t figures = 0;
    auto walk = [&](auto& self, const nlohmann::ordered_json& v, const std::string& at) -> void {
      if (!v.is_object()) return;
      if (v.contains("value") || v.contains("k")) {
        ++figures;
        EXPECT_TRUE(v.contains("source") != v.contains("estimate")) << node << " " << at;
        for (const char* key : {"source", "estimate"})
          if (v.contains(key)) {
            EXPECT_GT(v.at(key).get<std::string>().size(), 10u) << node << " " << at;
          }
        return;
      }
      for (const auto& [k, x] : v.items()) self(self, x, at + "/" + k);
    };
    walk(walk, j, "");
    EXPECT_GT(figures, 50u) << node;
  }
}

// Stillmaker & Baas 2017, 45 nm -> node: energy, area.
struct Factor {
  const char* node;
  double energy, area;
};
constexpr Factor kFactors[] = {{"32nm", 0.66, 0.46}, {"28nm", 0.51, 0.38}, {"22nm", 0.29, 0.25},
                               {"16nm", 0.17, 0.19}, {"7nm", 0.094, 0.059}};

TEST(TechTableScaling, EveryNodeIsTheBaseTimesItsFactors) {
  const TechTable base = load_tech_table(tech_file("45nm"));
  for (const Factor& f : kFactors) {
    SCOPED_TRACE(f.node);
    const TechTable t = load_tech_table(tech_file(f.node));
    EXPECT_EQ(t.name, f.node);
    ASSERT_EQ(t.entries.size(), base.entries.size());
    for (const auto& [name, be] : base.entries) {
      const Entry& e = t.entries.at(name);
      if (be.energy_pj) {
        EXPECT_NEAR(e.energy_pj->value, be.energy_pj->value * f.energy, 1e-9 * be.energy_pj->value) << name;
      }
      if (be.area_um2) {
        EXPECT_NEAR(e.area_um2->value, be.area_um2->value * f.area, 1e-9 * be.area_um2->value) << name;
      }
      if (be.latency_cycles) {
        EXPECT_DOUBLE_EQ(e.latency_cycles->value, be.latency_cycles->value) << name;
      }
    }
    // SRAM: 22 nm replaces read energy and area by fits to the 22 nm CACTI points.
    if (std::string(f.node) != "22nm") {
      EXPECT_NEAR(t.sram.read_energy_pj.k, base.sram.read_energy_pj.k * f.energy, 1e-12);
      EXPECT_NEAR(t.sram.area_mm2.k, base.sram.area_mm2.k * f.area, 1e-12);
      EXPECT_DOUBLE_EQ(t.sram.read_energy_pj.p, base.sram.read_energy_pj.p);
    }
    EXPECT_NEAR(t.sram.leakage_mw.k, base.sram.leakage_mw.k * f.energy, 1e-12);  // leakage scaled like energy
    EXPECT_DOUBLE_EQ(t.sram.leakage_mw.p, base.sram.leakage_mw.p);
    EXPECT_DOUBLE_EQ(t.sram.write_energy_ratio.value, base.sram.write_energy_ratio.value);
    // Off-chip DRAM does not scale; neither do the area model's parameters.
    for (const auto& [type, fig] : base.dram_pj_per_bit) EXPECT_DOUBLE_EQ(t.dram_pj_per_bit.at(type).value, fig.value);
    EXPECT_DOUBLE_EQ(t.area_overhead_fraction.value, base.area_overhead_fraction.value);
    // The provenance says what was done.
    ASSERT_EQ(t.derivation.size(), 1u);
    EXPECT_NE(t.entries.at("int.mul8").energy_pj->provenance().find("energy scaling (45nm -> "), std::string::npos);
  }
}

TEST(TechTable, PathForATechnologyName) {
  EXPECT_EQ(tech_table_path("45nm", "workloads/tech"), "workloads/tech/45nm.json");
  EXPECT_EQ(tech_table_path("my/synth.json", "workloads/tech"), "my/synth.json");
}

// A user-supplied table (own file, anywhere) is what the model uses.
TEST(TechTableUser, OwnCompleteTableIsHonoured) {
  TempDir dir;
  nlohmann::json doc = nlohmann::json::parse(testing::read_file(tech_file("45nm")));
  doc["name"] = "my-synthesis";
  doc["entries"]["int.mul8"]["energy_pj"] = {{"value", 0.5}, {"source", "our synthesis run 2024-01"}};
  doc["entries"]["int.add32"]["area_um2"] = {{"value", 100}, {"source", "our synthesis run 2024-01"}};
  testing::write_file(dir.file("mine.json"), doc.dump(1));
  const TechTable t = load_tech_table(dir.file("mine.json"));
  EXPECT_EQ(t.name, "my-synthesis");
  EXPECT_DOUBLE_EQ(t.value("int.mul8", Quantity::energy_pj, "test"), 0.5);
  EXPECT_DOUBLE_EQ(t.value("mac.int8_acc32", Quantity::energy_pj, "test"), 0.5 + 0.1);  // compositions follow
  EXPECT_DOUBLE_EQ(t.value("mac.int8_acc32", Quantity::area_um2, "test"), 282 + 100);
}

TEST(TechTableUser, DerivedTableReplacesSomeFigures) {
  TempDir dir;
  const nlohmann::json doc = {
      {"name", "7nm-synth"},
      {"description", "7 nm, with our synthesized int8 multiplier"},
      {"node_nm", 7},
      {"derives_from", testing::kTechDir + "/7nm.json"},
      {"scale", {{"energy", {{"value", 1}, {"estimate", "no further scaling"}}},
                 {"area", {{"value", 1}, {"estimate", "no further scaling"}}},
                 {"leakage", {{"value", 1}, {"estimate", "no further scaling"}}}}},
      {"entries", {{"int.mul8", {{"energy_pj", {{"value", 0.01}, {"source", "synthesis"}}},
                                 {"area_um2", {{"value", 20}, {"source", "synthesis"}}}}}}}};
  // An absolute derives_from is taken as is (a relative one is relative to the file).
  testing::write_file(dir.file("synth.json"), doc.dump(1));
  const TechTable t = load_tech_table(dir.file("synth.json"));
  const TechTable t7 = load_tech_table(tech_file("7nm"));
  EXPECT_DOUBLE_EQ(t.value("int.mul8", Quantity::energy_pj, "test"), 0.01);
  EXPECT_NEAR(t.value("mac.int8_acc32", Quantity::energy_pj, "test"), 0.01 + 0.1 * 0.094, 1e-12);
  EXPECT_DOUBLE_EQ(t.value("fp32.mul", Quantity::energy_pj, "test"), t7.value("fp32.mul", Quantity::energy_pj, "test"));
  EXPECT_EQ(t.derivation.size(), 2u);  // synth -> 7nm -> 45nm
}

TEST(TechTable, MissingEntryNamesFileEntryAndUse) {
  const TechTable t = load_tech_table(tech_file("45nm"));
  const std::string msg = input_error([&] { (void)t.figure("fp32.sqrtt", Quantity::energy_pj, "action norm.fp32.sqrt"); });
  EXPECT_NE(msg.find("45nm.json: at /entries/fp32.sqrtt/energy_pj: expected a figure energy_pj of entry \"fp32.sqrtt\" "
                     "(needed for action norm.fp32.sqrt), found no such entry (did you mean 'fp32.sqrt'?)"),
            std::string::npos)
      << msg;
  EXPECT_NE(input_error([&] { (void)t.figure("unit.vector_lane", Quantity::energy_pj, "x"); }).find("an entry without it"),
            std::string::npos);
}

}  // namespace
}  // namespace qtsim::cost
