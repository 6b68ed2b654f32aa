// The comparison's arithmetic on a hand-made input: ratios, the normalization
// stage in its three scopes, drivers, the sensitivity rows, recomputed here
// from counts x table entries (leakage switched off so every figure is a sum
// written out below).
#include <gtest/gtest.h>

#include <cctype>
#include <cmath>

#include "models/cost/cost_model.hpp"
#include "reports/compare_model.hpp"
#include "reports/compare_report.hpp"
#include "reports/compare_tables.hpp"
#include "reports/text_format.hpp"
#include "sim/hwconfig/hw_config_loader.hpp"

namespace qtsim::reports {
namespace {

const std::string kSource = QTSIM_TEST_SOURCE_DIR;

nlohmann::json op(const char* layer, const char* name, const char* phase, const char* unit, int cycles, int busy,
                  nlohmann::json actions) {
  return {{"step", 0}, {"layer", layer}, {"op", name}, {"phase", phase}, {"path", ""}, {"unit", unit},
          {"cycles", cycles}, {"busy_cycles", busy}, {"actions", actions}};
}

nlohmann::json stats(std::vector<nlohmann::json> ops) { return {{"format", "qtsim-stats"}, {"ops", ops}}; }

CompareDesign design(const char* key, const char* hw, nlohmann::json s) {
  CompareDesign d;
  d.key = key;
  d.label = key;
  d.scheme = std::string(key) == "baseline" ? "fp32-bn" : "int8-eoq";
  d.config = hwconfig::load_hw_config(kSource + "/workloads/hw/" + hw + ".json");
  d.stats = std::move(s);
  return d;
}

class HandMadeComparison : public ::testing::Test {
 protected:
  void SetUp() override {
    table = cost::load_tech_table(kSource + "/workloads/tech/45nm.json");
    cost::apply_variation(table, "sram.leakage_factor=0");
    in.workload_name = "hand-made";
    in.designs.push_back(design(
        "baseline", "fp32-bn-16x16",
        stats({op("conv1", "forward", "forward", "mac_array", 1000, 800, {{"mac.fp32", 4000}}),
               op("bn1", "bn-mean", "forward", "norm_unit", 100, 100, {{"norm.fp32.add", 50}}),
               op("bn1", "bn-normalize", "forward", "norm_unit", 200, 150, {{"norm.fp32.mul", 100}, {"norm.fp32.add", 100}}),
               op("bn1", "bn-backward-data", "backward-data", "norm_unit", 300, 300,
                  {{"norm.fp32.mul", 60}, {"norm.fp32.sqrt", 2}, {"norm.fp32.div", 2}})})));
    in.designs.push_back(design("candidate", "int8-fixup-16x16",
                                stats({op("conv1", "forward", "forward", "mac_array", 500, 500, {{"mac.int8", 4000}}),
                                       op("bias1", "bias/quantize", "forward", "norm_unit", 40, 40, {{"norm.scalar_op", 100}}),
                                       op("scale", "scale/quantize", "backward-data", "norm_unit", 60, 60, {{"norm.scalar_op", 200}})})));
    in.designs.push_back(design("nonorm", "int8-fixup-16x16",
                                stats({op("conv1", "forward", "forward", "mac_array", 500, 500, {{"mac.int8", 4000}})})));
    in.tables.emplace("45nm", table);
    for (const auto& d : in.designs) in.design_table[d.key] = "45nm";
  }
  double v(const char* entry) const { return table.value(entry, cost::Quantity::energy_pj, "test"); }

  cost::TechTable table;
  CompareInput in;
};

TEST_F(HandMadeComparison, WholeDesignRatios) {
  const Comparison c = compare(in);
  const double eb = 4000 * v("mac.fp32") + 150 * v("fp32.add") + 160 * v("fp32.mul") + 2 * v("fp32.sqrt") + 2 * v("fp32.div");
  const double ec = 4000 * v("mac.int8_acc32") + 300 * v("fixup.scalar_op");
  EXPECT_NEAR(c.base.designs[0].cost.energy_pj, eb, 1e-9 * eb);
  EXPECT_NEAR(c.base.designs[1].cost.energy_pj, ec, 1e-9 * ec);
  const RatioSet r = c.base.ratios("candidate");
  EXPECT_NEAR(r.energy, eb / ec, 1e-9);
  EXPECT_NEAR(r.latency, 1600.0 / 600.0, 1e-12);
  EXPECT_NEAR(r.power, (eb / 1600.0) / (ec / 600.0), 1e-9);
  const double ab = cost::estimate_area(in.designs[0].config, table).total_um2;
  const double ac = cost::estimate_area(in.designs[1].config, table).total_um2;
  EXPECT_NEAR(r.area, ab / ac, 1e-12);
  const RatioSet self = c.base.ratios("baseline");
  EXPECT_DOUBLE_EQ(self.energy, 1.0);
  EXPECT_DOUBLE_EQ(self.power, 1.0);
}

TEST_F(HandMadeComparison, NormalizationStageInEachScope) {
  const Comparison c = compare(in);
  const double add = v("fp32.add"), mul = v("fp32.mul"), fix = v("fixup.scalar_op");
  // training: all norm-unit kernels; inference: forward ones; running: without bn-mean.
  const double tb = 150 * add + 160 * mul + 2 * v("fp32.sqrt") + 2 * v("fp32.div"), tc = 300 * fix;
  const double ib = 150 * add + 100 * mul, ic = 100 * fix;
  const double rb = 100 * add + 100 * mul, rc = 100 * fix;
  const StageRatios train = c.base.stage_ratios("candidate", NormScope::training);
  EXPECT_NEAR(train.energy, tb / tc, 1e-9);
  EXPECT_NEAR(train.latency, 600.0 / 100.0, 1e-12);
  EXPECT_NEAR(train.power, (tb / 600) / (tc / 100), 1e-9);
  EXPECT_NEAR(train.unit_power, train.power, 1e-9) << "no memory traffic and no leakage: all of it is the unit's";
  const StageRatios inf = c.base.stage_ratios("candidate", NormScope::inference);
  EXPECT_NEAR(inf.energy, ib / ic, 1e-9);
  EXPECT_NEAR(inf.latency, 300.0 / 40.0, 1e-12);
  EXPECT_NEAR(inf.power, (ib / 300) / (ic / 40), 1e-9);
  const StageRatios run = c.base.stage_ratios("candidate", NormScope::inference_running);
  EXPECT_NEAR(run.energy, rb / rc, 1e-9);
  EXPECT_NEAR(run.latency, 200.0 / 40.0, 1e-12);
  // Area of the normalization units alone.
  auto norm_area = [&](const hw::HwConfig& h) {
    double s = 0;
    for (const auto& it : cost::estimate_area(h, table).items)
      if (it.category == "norm_unit") s += it.um2;
    return s;
  };
  EXPECT_NEAR(train.area, norm_area(in.designs[0].config) / norm_area(in.designs[1].config), 1e-12);
  // A design without normalization kernels has no stage ratio.
  EXPECT_TRUE(std::isnan(c.base.stage_ratios("nonorm", NormScope::training).energy));
  const auto j = compare_json(c);
  EXPECT_TRUE(j["results"][2]["normalization_stage_ratios_to_baseline"]["training"]["energy"].is_null());
}

TEST_F(HandMadeComparison, DriversNameTheFiguresBehindTheDifference) {
  const Comparison c = compare(in);
  ASSERT_EQ(c.drivers.size(), 2u);
  const RatioDrivers& d = c.drivers[0];
  EXPECT_EQ(d.design, "candidate");
  ASSERT_FALSE(d.energy.top.empty());
  // mac.fp32 = fp32.mul + fp32.add: the 4160 FP32 multiplies dominate the difference.
  const Driver& first = d.energy.top[0];
  EXPECT_EQ(first.figure, "fp32.mul");
  EXPECT_EQ(first.vary_path, "fp32.mul.energy_pj");
  EXPECT_NEAR(first.baseline, 4160 * v("fp32.mul"), 1e-9);
  EXPECT_DOUBLE_EQ(first.other, 0.0);
  const double eb = c.base.designs[0].cost.energy_pj, ec = c.base.designs[1].cost.energy_pj;
  EXPECT_NEAR(d.energy.net, eb - ec, 1e-9 * eb);
  EXPECT_FALSE(d.energy.offsetting()) << "a 2x ratio: the differences do not offset";
  EXPECT_NEAR(first.share, 4160 * v("fp32.mul") / (eb - ec), 1e-9);
  EXPECT_NEAR(first.gross_share, 4160 * v("fp32.mul") / d.energy.gross, 1e-9);
  bool candidate_side = false;  // the int8 multiplier is the candidate's: a negative difference
  for (const Driver& x : d.energy.top)
    if (x.figure == "int.mul8") candidate_side = x.difference < 0;
  EXPECT_TRUE(candidate_side);
  ASSERT_FALSE(d.area.top.empty());
  const std::string area_path = d.area.top[0].vary_path;
  EXPECT_EQ(area_path.substr(area_path.size() - 9), ".area_um2") << area_path;
  EXPECT_EQ(vary_path_of("leakage.sram.vector", DriverQuantity::energy), "sram.leakage_factor");
  EXPECT_EQ(vary_path_of("dram.LPDDR4", DriverQuantity::energy), "dram.LPDDR4.energy_pj_per_bit");
  EXPECT_EQ(vary_path_of("sram.ifmap.read", DriverQuantity::energy), "sram.read_energy_pj.k");
  EXPECT_EQ(vary_path_of("sram.area_mm2", DriverQuantity::area), "sram.area_mm2.k");
}

// The largest |percentage| in a text (shares of a difference, utilizations).
double largest_percentage(const std::string& text) {
  double largest = 0;
  for (std::size_t at = text.find('%'); at != std::string::npos; at = text.find('%', at + 1)) {
    std::size_t begin = at;
    while (begin > 0 && (std::isdigit(static_cast<unsigned char>(text[begin - 1])) || text[begin - 1] == '.' || text[begin - 1] == '-'))
      --begin;
    if (begin < at) largest = std::max(largest, std::fabs(std::stod(text.substr(begin, at - begin))));
  }
  return largest;
}

// A candidate that spends the baseline's energy in the same time, on other
// figures: a ratio of 1.00, where shares of the (tiny) net difference would be
// in the thousands of percent. They are left out and said to offset; each
// figure's absolute difference and share of the gross difference remain.
TEST_F(HandMadeComparison, DriverSharesNearARatioOfOneAreFiniteAndExplained) {
  const double eb = compare(in).base.designs[0].cost.energy_pj;
  const auto macs = static_cast<std::uint64_t>(std::llround(eb / v("mac.int8_acc32")));
  in.designs[1].stats = stats({op("conv1", "forward", "forward", "mac_array", 1600, 1600, {{"mac.int8", macs}})});
  const Comparison c = compare(in);
  const RatioSet r = c.base.ratios("candidate");
  EXPECT_NEAR(r.energy, 1.0, 1e-4);
  EXPECT_NEAR(r.power, 1.0, 1e-4);
  EXPECT_EQ(times(r.energy), "1x");
  const RatioDrivers& d = c.drivers[0];
  for (const DriverSet* set : {&d.energy, &d.power}) {
    EXPECT_TRUE(set->offsetting());
    EXPECT_LT(std::fabs(set->net), 1e-3 * set->gross);
    double gross_shares = 0;
    for (const Driver& x : set->top) {
      EXPECT_TRUE(std::isnan(x.share)) << x.figure << ": no share of a net that is almost 0";
      EXPECT_TRUE(std::isfinite(x.gross_share)) << x.figure;
      EXPECT_LE(std::fabs(x.gross_share), 1.0) << x.figure;
      EXPECT_NE(x.difference, 0.0) << x.figure;
      gross_shares += std::fabs(x.gross_share);
    }
    EXPECT_LE(gross_shares, 1.0 + 1e-12);
  }
  const std::vector<std::string> lines = driver_summary_lines(c);
  ASSERT_GE(lines.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_NE(lines[i].find("offset"), std::string::npos) << lines[i];
    EXPECT_NE(lines[i].find("of the gross"), std::string::npos) << lines[i];
  }
  const auto files = render_comparison(c);
  for (const ReportFile& f : files)
    if (f.name != "compare.json") {
      EXPECT_LE(largest_percentage(f.contents), 150.0) << f.name;
    }
  EXPECT_LE(largest_percentage(compare_headline_text(c)), 150.0);
  EXPECT_NE(files[1].contents.find("n/a (offsetting)"), std::string::npos);
  const auto j = nlohmann::json::parse(files[0].contents);
  const auto& energy = j["drivers"][0]["energy_pj"];
  EXPECT_TRUE(energy["offsetting"].get<bool>());
  EXPECT_TRUE(energy["top"][0]["share_of_difference"].is_null());
  EXPECT_TRUE(energy["top"][0]["share_of_gross_difference"].is_number());
}

// Shares of the net stay within [-50%, 150%] whenever they are given.
TEST(RatioDrivers, SharesOfTheNetOnlyWhenTheDifferencesDoNotOffset) {
  const DriverSet clear = ratio_drivers({{"a", 100}, {"b", 10}}, {{"a", 20}, {"b", 30}}, DriverQuantity::energy, 5);
  EXPECT_DOUBLE_EQ(clear.net, 60);
  EXPECT_DOUBLE_EQ(clear.gross, 100);
  ASSERT_FALSE(clear.offsetting());
  EXPECT_DOUBLE_EQ(clear.top[0].share, 80.0 / 60);
  EXPECT_DOUBLE_EQ(clear.top[1].share, -20.0 / 60);
  const DriverSet offset = ratio_drivers({{"a", 100}, {"b", 10}}, {{"a", 20}, {"b", 89}}, DriverQuantity::energy, 5);
  EXPECT_DOUBLE_EQ(offset.net, 1);
  EXPECT_TRUE(offset.offsetting());
  EXPECT_TRUE(std::isnan(offset.top[0].share));
  EXPECT_DOUBLE_EQ(offset.top[0].gross_share, 80.0 / 159);
  EXPECT_DOUBLE_EQ(offset.top[1].gross_share, -79.0 / 159);
  const DriverSet none = ratio_drivers({{"a", 5}}, {{"a", 5}}, DriverQuantity::energy, 5);
  EXPECT_FALSE(none.offsetting());
  EXPECT_DOUBLE_EQ(none.top[0].share, 0);
}

// A network with nothing to normalize: every normalization-stage ratio is n/a.
TEST_F(HandMadeComparison, NoNormalizationGivesNoStageRatios) {
  in.has_normalization = false;
  in.warnings.push_back("hand-made has no layer to normalize");
  const Comparison c = compare(in);
  for (NormScope s : norm_scopes()) {
    const StageRatios r = c.base.stage_ratios("candidate", s);
    for (double x : {r.energy, r.latency, r.power, r.dynamic_power, r.unit_power, r.area}) EXPECT_TRUE(std::isnan(x));
  }
  const std::string text = compare_headline_text(c);
  EXPECT_NE(text.find("warning: hand-made has no layer to normalize"), std::string::npos) << text;
  EXPECT_EQ(text.find("normalization training power ratio"), std::string::npos) << "no stage drivers";
  const auto j = compare_json(c);
  EXPECT_FALSE(j["has_normalization"].get<bool>());
  EXPECT_TRUE(j["results"][1]["normalization_stage_ratios_to_baseline"]["inference"]["power"].is_null());
}

TEST_F(HandMadeComparison, VaryReEvaluatesFromTheSameCounts) {
  in.variations.push_back(cost::parse_variation_range("fp32.mul.energy_pj=0:7.4"));
  const Comparison c = compare(in);
  const double add = v("fp32.add"), fix = v("fixup.scalar_op");
  auto eb = [&](double mul) { return 4000 * (mul + add) + 150 * add + 160 * mul + 2 * v("fp32.sqrt") + 2 * v("fp32.div"); };
  const double ec = 4000 * v("mac.int8_acc32") + 300 * fix;
  bool seen = false, seen_stage = false;
  for (const SensitivityRow& r : c.sensitivity) {
    EXPECT_EQ(r.path, "fp32.mul.energy_pj");
    EXPECT_DOUBLE_EQ(r.default_value, v("fp32.mul"));
    if (r.quantity == "candidate/energy") {
      seen = true;
      EXPECT_NEAR(r.low, eb(0) / ec, 1e-9);
      EXPECT_NEAR(r.base, eb(v("fp32.mul")) / ec, 1e-9);
      EXPECT_NEAR(r.high, eb(7.4) / ec, 1e-9);
    }
    if (r.quantity == "candidate/norm-inference/power") {
      seen_stage = true;
      EXPECT_NEAR(r.high, ((150 * add + 100 * 7.4) / 300) / ((100 * fix) / 40), 1e-9);
    }
  }
  EXPECT_TRUE(seen);
  EXPECT_TRUE(seen_stage);
  // The table itself is untouched.
  EXPECT_DOUBLE_EQ(in.tables.at("45nm").value("fp32.mul", cost::Quantity::energy_pj, ""), v("fp32.mul"));
}

TEST_F(HandMadeComparison, LowLeakageVariantAddsOnlyLeakage) {
  in.low_leakage_factor = 0.01;
  const Comparison c = compare(in);
  const DesignCost& b = c.low_leakage.designs[0];
  double leak_mw = 0;
  for (const std::string& buf : cost::sram_buffers())
    leak_mw += cost::sram_macro(cost::sram_spec(in.designs[0].config, buf), in.tables.at("45nm")).leakage_mw;
  // The given table has leakage_factor 0; the variant sets 0.01 of itrs-hp.
  cost::TechTable hp = cost::load_tech_table(kSource + "/workloads/tech/45nm.json");
  double hp_mw = 0;
  for (const std::string& buf : cost::sram_buffers())
    hp_mw += cost::sram_macro(cost::sram_spec(in.designs[0].config, buf), hp).leakage_mw;
  EXPECT_DOUBLE_EQ(leak_mw, 0.0);
  EXPECT_NEAR(b.cost.leakage_pj, 0.01 * hp_mw * 1600e-9 * 1e9, 1e-6 * b.cost.leakage_pj);
  EXPECT_NEAR(b.cost.dynamic_pj, c.base.designs[0].cost.dynamic_pj, 1e-9);
}

TEST_F(HandMadeComparison, RendersEverySection) {
  in.variations.push_back(cost::parse_variation_range("reg.bit.energy_pj=0:0.009"));
  const Comparison c = compare(in);
  const auto files = render_comparison(c);
  ASSERT_EQ(files.size(), 3u);
  EXPECT_EQ(files[0].name, "compare.json");
  const auto j = nlohmann::json::parse(files[0].contents);
  for (const char* k : {"designs", "results", "low_leakage_sram", "drivers", "sensitivity", "normalization_stage_definitions",
                        "technology_tables", "ratio_convention"})
    EXPECT_TRUE(j.contains(k)) << k;
  const std::string md = files[1].contents;
  for (const char* h : {"## Headline", "## Normalization stage", "## EOQ's claims", "## What drives these ratios",
                        "## The int8 schemes side by side", "## Sensitivity (--vary)", "## Definitions and assumptions"})
    EXPECT_NE(md.find(h), std::string::npos) << h;
  EXPECT_EQ(files, render_comparison(compare(in))) << "deterministic";
}

}  // namespace
}  // namespace qtsim::reports
