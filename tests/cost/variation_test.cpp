// Sensitivity (--vary PATH=LOW:HIGH): one figure changed, compositions follow,
// bad paths and values are clear errors.
#include "cost_test_util.hpp"

namespace qtsim::cost {
namespace {

using testing::input_error;
using testing::tech_file;

TEST(Variation, ParsesPathValueAndRange) {
  const Variation v = parse_variation("fp32.div.energy_pj=40");
  EXPECT_EQ(v.path, "fp32.div.energy_pj");
  EXPECT_DOUBLE_EQ(v.value, 40);
  const VariationRange r = parse_variation_range("sram.leakage_factor=0.01:1");
  EXPECT_EQ(r.path, "sram.leakage_factor");
  EXPECT_DOUBLE_EQ(r.low, 0.01);
  EXPECT_DOUBLE_EQ(r.high, 1);
  EXPECT_EQ(input_error([] { parse_variation("fp32.div.energy_pj"); }),
            "command line: expected PATH=VALUE, e.g. fp32.div.energy_pj=40, found \"fp32.div.energy_pj\"");
  EXPECT_EQ(input_error([] { parse_variation("fp32.div.energy_pj=4x"); }),
            "command line: expected PATH=VALUE, e.g. fp32.div.energy_pj=40 (VALUE a finite number), found "
            "\"fp32.div.energy_pj=4x\"");
  EXPECT_EQ(input_error([] { parse_variation_range("x=2:1"); }),
            "command line: expected PATH=LOW:HIGH, e.g. fp32.sqrt.energy_pj=20:80 with LOW <= HIGH, found \"x=2:1\"");
  EXPECT_NE(input_error([] { parse_variation_range("x=1"); }), "");
}

TEST(Variation, LeafChangeFlowsIntoCompositions) {
  TechTable t = load_tech_table(tech_file("45nm"));
  EXPECT_EQ(apply_variation(t, "int.mul8.energy_pj=0.4"), "int.mul8.energy_pj: 0.2 -> 0.4");
  EXPECT_DOUBLE_EQ(t.value("mac.int8_acc32", Quantity::energy_pj, "test"), 0.4 + 0.1);
  EXPECT_DOUBLE_EQ(t.value("fixup.scalar_op", Quantity::energy_pj, "test"), 0.4);
  EXPECT_EQ(t.variations, std::vector<std::string>{"int.mul8.energy_pj: 0.2 -> 0.4"});
  EXPECT_NE(t.entries.at("int.mul8").energy_pj->provenance().find("varied int.mul8.energy_pj: 0.2 -> 0.4"),
            std::string::npos);
  EXPECT_DOUBLE_EQ(variable_value(t, "int.mul8.energy_pj"), 0.4);
}

TEST(Variation, SettingACompositionMakesItAPlainValue) {
  TechTable t = load_tech_table(tech_file("45nm"));
  apply_variation(t, "mac.fp32.energy_pj=2");
  EXPECT_DOUBLE_EQ(t.value("mac.fp32", Quantity::energy_pj, "test"), 2);
  EXPECT_FALSE(t.entries.at("mac.fp32").energy_pj->composed());
  EXPECT_DOUBLE_EQ(t.value("mac.fp32", Quantity::area_um2, "test"), 7700 + 4184);  // area still composed
}

TEST(Variation, EverySectionIsReachable) {
  TechTable t = load_tech_table(tech_file("45nm"));
  const std::vector<std::string> paths = variable_paths(t);
  for (const char* p : {"fp32.sqrt.energy_pj", "fp32.div.area_um2", "fp32.div.latency_cycles", "sram.read_energy_pj.k",
                        "sram.leakage_mw.p", "sram.leakage_factor", "sram.word_width_exponent",
                        "dram.HBM2.energy_pj_per_bit", "logic_leakage_mw_per_mm2", "area_overhead_fraction"})
    EXPECT_NE(std::find(paths.begin(), paths.end(), p), paths.end()) << p;
  apply_variation(t, "sram.leakage_factor=0.01");
  EXPECT_DOUBLE_EQ(t.sram.leakage_factor.value, 0.01);
  apply_variation(t, "dram.LPDDR4.energy_pj_per_bit=4");
  EXPECT_DOUBLE_EQ(t.dram_pj_per_bit.at("LPDDR4").value, 4);
  apply_variation(t, "sram.read_energy_pj.p=0.5");
  EXPECT_DOUBLE_EQ(t.sram.read_energy_pj.p, 0.5);
}

TEST(Variation, UnknownPathAndNegativeValueAreErrors) {
  TechTable t = load_tech_table(tech_file("45nm"));
  const std::string msg = input_error([&] { apply_variation(t, "fp32.sqrt.energy=80"); });
  EXPECT_NE(msg.find("found \"fp32.sqrt.energy\" (did you mean 'fp32.sqrt.energy_pj'?)"), std::string::npos) << msg;
  EXPECT_EQ(input_error([&] { apply_variation(t, "fp32.sqrt.energy_pj=-1"); }),
            "command line: expected a number in [0, 1e+09] pJ for fp32.sqrt.energy_pj, found \"fp32.sqrt.energy_pj=-1\"");
  EXPECT_TRUE(t.variations.empty());
}

// A figure of 1e308 once gave "inf mJ" and JSON nulls; every value a
// variation may set is inside the range of its kind of number
// (models/cost/figure_limits.hpp), checked when the option is read.
TEST(Variation, ValuesOutsideTheirRangeAreRefusedWhenRead) {
  EXPECT_EQ(input_error([] { parse_variation_range("int.mul8.energy_pj=0:1e308"); }),
            "command line: expected a number in [0, 1e+09] pJ for int.mul8.energy_pj, found \"int.mul8.energy_pj=0:1e308\"");
  EXPECT_EQ(input_error([] { parse_variation("fp32.div.area_um2=1e13"); }),
            "command line: expected a number in [0, 1e+12] um^2 for fp32.div.area_um2, found \"fp32.div.area_um2=1e13\"");
  EXPECT_NE(input_error([] { parse_variation_range("sram.read_energy_pj.p=-5:1"); }).find("a number in [-4, 4]"),
            std::string::npos);
  EXPECT_NE(input_error([] { parse_variation("sram.area_mm2.k=0"); }).find("a number in (0, 1e+06] mm^2"), std::string::npos);
  EXPECT_NE(input_error([] { parse_variation("dram.LPDDR4.energy_pj_per_bit=2e6"); }).find("[0, 1e+06] pJ per bit"),
            std::string::npos);
  EXPECT_NE(input_error([] { parse_variation("area_overhead_fraction=1001"); }).find("[0, 1000]"), std::string::npos);
  // The largest values of the ranges are accepted.
  EXPECT_NO_THROW(parse_variation_range("int.mul8.energy_pj=0:1e9"));
}

TEST(Variation, ACompositionPushedPastItsRangeIsRefused) {
  // int.div32's energy is 32 int.add32 and 2048 reg.bit: reg.bit at 1e9 pJ
  // (allowed alone) makes it 2e12 pJ.
  TechTable t = load_tech_table(tech_file("45nm"));
  const std::string msg = input_error([&] { apply_variation(t, "reg.bit.energy_pj=1e9"); });
  EXPECT_NE(msg.find("at /entries/int.div32/energy_pj/composed_of: expected a number in [0, 1e+09] pJ for "
                     "int.div32.energy_pj, found 2.048e+12 (the composition's total)"),
            std::string::npos)
      << msg;
  EXPECT_NE(msg.find("after the variation reg.bit.energy_pj"), std::string::npos) << msg;
}

}  // namespace
}  // namespace qtsim::cost
