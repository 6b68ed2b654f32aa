// The sweep's grid without running anything: axis ranges, stable point ids,
// the seeded sample, shards, and plans of sweep files (the shipped examples,
// constraints, axes reordered or extended).
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "sim/input/diagnostic.hpp"
#include "sim/sweep/axis_values.hpp"
#include "sim/sweep/point_grid.hpp"
#include "sim/sweep/shard.hpp"
#include "sim/sweep/stable_hash.hpp"
#include "sim/sweep/sweep_plan.hpp"
#include "sweep_test_files.hpp"

namespace qtsim::sweep {
namespace {

using nlohmann::json;

std::vector<json> range(const json& r, input::DiagnosticList& diags) { return range_values(r, "/axes/0/range", diags); }

TEST(AxisValues, RangesAreInclusiveAndWholeNumbersAreIntegers) {
  input::DiagnosticList diags("s.json");
  EXPECT_EQ(range({{"from", 64}, {"to", 2048}, {"times", 2}}, diags),
            (std::vector<json>{64, 128, 256, 512, 1024, 2048}));
  const std::vector<json> tenths = range({{"from", 0.1}, {"to", 0.5}, {"step", 0.1}}, diags);
  ASSERT_EQ(tenths.size(), 5u);
  EXPECT_EQ(tenths[2].dump(), "0.3");  // not 0.30000000000000004
  EXPECT_TRUE(range({{"from", 8}, {"to", 8}, {"step", 1}}, diags)[0].is_number_integer());
  EXPECT_TRUE(diags.empty());
  EXPECT_EQ(normalized_value(64.0), json(64));
  EXPECT_TRUE(normalized_value(64.0).is_number_integer());
}

TEST(AxisValues, BadRangesAreReportedAtTheRange) {
  input::DiagnosticList diags("s.json");
  EXPECT_TRUE(range({{"from", 16}, {"to", 8}, {"times", 2}}, diags).empty());
  EXPECT_TRUE(range({{"from", 1}, {"to", 8}}, diags).empty());
  EXPECT_TRUE(range({{"from", 1}, {"to", 8}, {"step", 1}, {"times", 2}}, diags).empty());
  EXPECT_TRUE(range({{"from", 0}, {"to", 8}, {"times", 2}}, diags).empty());
  EXPECT_TRUE(range({{"from", 0}, {"to", 1e9}, {"step", 1}}, diags).empty());
  try {
    diags.throw_if_any();
    FAIL() << "no errors";
  } catch (const input::InputError& e) {
    ASSERT_EQ(e.diagnostics().size(), 5u);
    EXPECT_EQ(e.diagnostics()[0].pointer, "/axes/0/range/to");
    EXPECT_NE(e.diagnostics()[0].expected.find("empty"), std::string::npos);
    EXPECT_EQ(e.diagnostics()[1].found, "neither");
    EXPECT_EQ(e.diagnostics()[2].found, "both");
    EXPECT_EQ(e.diagnostics()[3].pointer, "/axes/0/range/from");
    EXPECT_NE(e.diagnostics()[4].expected.find("at most"), std::string::npos);
  }
}

TEST(PointIds, DependOnTheParametersOnlyNotTheirOrder) {
  nlohmann::ordered_json a, b;
  a["workload"] = "w";
  a["array"] = 16;
  a["dataflow"] = "os";
  b["dataflow"] = "os";
  b["workload"] = "w";
  b["array"] = 16;
  EXPECT_EQ(point_id(a), point_id(b));
  EXPECT_EQ(point_id(a).size(), 12u);
  b["array"] = 32;
  EXPECT_NE(point_id(a), point_id(b));
  // Ids name result files of earlier runs: the hash must never change.
  EXPECT_EQ(hex_digits(stable_hash(""), 16), "f52a15e9a9b5e89b");
  EXPECT_EQ(point_id(a), "c9ba598f8db1");
}

TEST(Sample, SeededDistinctSortedAndClamped) {
  const std::vector<std::uint64_t> s = sample_indices(1000, 50, 7);
  ASSERT_EQ(s.size(), 50u);
  EXPECT_TRUE(std::is_sorted(s.begin(), s.end()));
  EXPECT_EQ(std::set<std::uint64_t>(s.begin(), s.end()).size(), 50u);
  EXPECT_LT(s.back(), 1000u);
  EXPECT_EQ(s, sample_indices(1000, 50, 7));
  EXPECT_NE(s, sample_indices(1000, 50, 8));
  EXPECT_EQ(sample_indices(5, 50, 1), (std::vector<std::uint64_t>{0, 1, 2, 3, 4}));
}

TEST(Shards, SlicesAreDisjointAndCoverEveryPoint) {
  std::vector<int> items(23);
  for (int i = 0; i < 23; ++i) items[static_cast<std::size_t>(i)] = i;
  std::multiset<int> seen;
  for (int k = 1; k <= 4; ++k)
    for (int v : shard_items(items, parse_shard(std::to_string(k) + "/4"))) seen.insert(v);
  EXPECT_EQ(seen, std::multiset<int>(items.begin(), items.end()));
  EXPECT_EQ(shard_items(items, parse_shard("2/4")), (std::vector<int>{1, 5, 9, 13, 17, 21}));
  for (const char* bad : {"0/2", "3/2", "1/0", "a/b", "1/2x", "1", "-1/2"})
    EXPECT_THROW(parse_shard(bad), input::InputError) << bad;
  try {
    parse_shard("0/4");
  } catch (const input::InputError& e) {
    EXPECT_EQ(e.diagnostics().front().pointer, "--shard");
    EXPECT_NE(e.diagnostics().front().hint.find("SLURM_ARRAY_TASK_MIN"), std::string::npos);
  }
}

TEST(Plans, ShippedExamplesPlanWithoutErrors) {
  const SweepSpec grid = load_sweep(test::source_path("workloads/sweeps/resnet18-array-sram.json"), test::presets());
  PointResolver r1(grid, test::presets());
  const SweepPlan a = make_plan(grid, r1);
  EXPECT_GE(a.points.size(), 200u);
  EXPECT_EQ(a.runnable().size(), a.points.size());
  EXPECT_EQ(a.parameter_names, (std::vector<std::string>{"workload", "variant", "array", "sram_kib", "dataflow"}));

  const SweepSpec nodes = load_sweep(test::source_path("workloads/sweeps/resnet18-technology.json"), test::presets());
  PointResolver r2(nodes, test::presets());
  const SweepPlan b = make_plan(nodes, r2);
  EXPECT_EQ(b.points.size(), 36u);
  EXPECT_GT(b.runnable().size(), 0u);
  EXPECT_LT(b.runnable().size(), b.points.size()) << "the area constraint skips the largest FP32 designs";
  std::set<std::string> technologies;
  for (const PlannedPoint* p : b.runnable()) technologies.insert(p->parameters["technology"]);
  EXPECT_EQ(technologies.size(), 6u);
}

TEST(Plans, IdsSurviveReorderedAxesAndNewValues) {
  test::TempDir d;
  json doc = test::tiny_sweep();
  const SweepPlan before = test::plan_of(d, doc);
  std::swap(doc["axes"][0], doc["axes"][1]);
  doc["axes"][0]["values"].push_back("is");
  const SweepPlan after = test::plan_of(d, doc);
  EXPECT_EQ(after.points.size(), before.points.size() * 3 / 2);
  std::size_t kept = 0;
  for (const PlannedPoint& p : before.points)
    if (const PlannedPoint* q = after.find(p.id)) kept += q->digest == p.digest;
  EXPECT_EQ(kept, before.points.size()) << "the same design keeps its id and inputs";
}

TEST(Plans, RoundTripThroughPlanJson) {
  test::TempDir d;
  json doc = test::tiny_sweep();
  doc["constraints"] = json::array({{{"metric", "pes"}, {"max", 64}}});
  const SweepPlan p = test::plan_of(d, doc);
  EXPECT_EQ(p.points.size() - p.runnable().size(), 4u) << "the 16x16 points are skipped";
  const SweepPlan q = plan_from_json(json::parse(plan_to_json(p).dump()), "plan.json");
  EXPECT_EQ(q.digest(), p.digest());
  EXPECT_EQ(plan_to_json(q).dump(), plan_to_json(p).dump());
  EXPECT_THROW(plan_from_json(json{{"format", "something"}}, "plan.json"), input::InputError);
}

TEST(Plans, SampleDrawsTheSamePointsEveryTime) {
  test::TempDir d;
  json doc = test::tiny_sweep();
  doc["sample"] = {{"points", 5}, {"seed", 3}};
  const SweepPlan a = test::plan_of(d, doc), b = test::plan_of(d, doc);
  ASSERT_EQ(a.points.size(), 5u);
  EXPECT_EQ(a.digest(), b.digest());
  EXPECT_EQ(a.grid_points, 12u);
}

}  // namespace
}  // namespace qtsim::sweep
