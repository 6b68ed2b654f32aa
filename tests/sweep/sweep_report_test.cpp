// Pareto fronts, the FP32-BN vs int8-EOQ spread and the files of `sweep
// collect`, on hand-made tables.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "reports/pareto.hpp"
#include "reports/svg_scatter_chart.hpp"
#include "reports/sweep_analysis.hpp"
#include "reports/sweep_report.hpp"

namespace qtsim::reports {
namespace {

std::size_t count(const std::string& s, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + 1)) ++n;
  return n;
}

TEST(Pareto, KeepsOnlyUndominatedPoints) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  //                                          0       1       2       3       4       5         6
  const std::vector<std::pair<double, double>> xy{{1, 5}, {2, 3}, {3, 4}, {4, 1}, {2, 3}, {nan, 0}, {5, 1}};
  // Lower is better in both: 2 is beaten by 1, 6 by 3, 5 cannot be compared; 1 and 4 are identical.
  EXPECT_EQ(pareto_front(xy, false, false), (std::vector<std::size_t>{0, 1, 4, 3}));
  // Higher x is better, lower y: 6 (x 5, y 1) beats everything.
  EXPECT_EQ(pareto_front(xy, true, false), (std::vector<std::size_t>{6}));
  // Higher is better in both: x 5 (y 1), x 3 (y 4), x 1 (y 5).
  EXPECT_EQ(pareto_front(xy, true, true), (std::vector<std::size_t>{6, 2, 0}));
  EXPECT_TRUE(pareto_front({}, false, false).empty());
}

SweepPoint point(const std::string& id, const std::string& variant, int array, double energy, double latency, double area) {
  SweepPoint p;
  p.id = id;
  p.parameters["workload"] = "net";
  p.parameters["variant"] = variant;
  p.parameters["array"] = array;
  p.status = PointStatus::ok;
  p.mode = "timing";
  p.figures.energy_j = energy;
  p.figures.latency_s = latency;
  p.figures.area_mm2 = area;
  p.figures.power_w = energy / latency;
  p.figures.macs = 1000000;
  p.figures.cycles = static_cast<std::uint64_t>(latency * 1e9);
  p.figures.tops_per_w = 2e6 / energy / 1e12;
  p.figures.tops_per_mm2 = 2e6 / latency / 1e12 / area;
  p.figures.pj_per_mac = energy * 1e12 / 1e6;
  p.figures.utilization = 0.5;
  p.figures.technology = "45nm";
  return p;
}

SweepTable table() {
  SweepTable t;
  t.name = "hand-made";
  t.description = "three array sizes, two variants, one failure, one skipped, one missing";
  t.parameter_names = {"workload", "variant", "array"};
  t.grid_points = 10;
  t.points = {point("a1", "fp32-bn", 8, 4.0, 2.0, 3.0),  point("a2", "fp32-bn", 16, 3.0, 1.0, 5.0),
              point("a3", "fp32-bn", 32, 3.0, 0.8, 9.0), point("b1", "int8-eoq", 8, 2.0, 1.6, 1.5),
              point("b2", "int8-eoq", 16, 1.0, 0.8, 2.5), point("b3", "int8-eoq", 32, 1.5, 0.5, 4.0)};
  SweepPoint failed = point("c1", "fp32-bn", 64, 0, 0, 0), skipped = failed, missing = failed;
  failed.id = "c1";
  failed.status = PointStatus::failed;
  failed.detail = "the vector buffer is too small";
  skipped.id = "c2";
  skipped.parameters["variant"] = "int8-eoq";
  skipped.status = PointStatus::skipped;
  skipped.detail = "pes = 4096 > max 1024";
  missing.id = "c3";
  missing.parameters["array"] = 128;
  missing.status = PointStatus::missing;
  missing.mode.clear();
  for (SweepPoint* p : {&failed, &skipped, &missing}) {
    p->figures = {};
    t.points.push_back(*p);
  }
  return t;
}

TEST(SweepAnalysis, FrontsAndTheSchemeSpread) {
  const SweepTable t = table();
  const SweepAnalysis a = analyse(t);
  ASSERT_EQ(a.fronts.size(), 3u);
  // Energy vs latency, by latency: b3 (0.5 s, 1.5 J), b2 (0.8 s, 1.0 J); nothing else beats both.
  EXPECT_EQ(a.fronts[0].key, "energy-latency");
  EXPECT_EQ(a.fronts[0].points, (std::vector<std::size_t>{5, 4}));
  // Pairs: the same workload and array in both variants; the failed, skipped and missing points have none.
  ASSERT_EQ(a.eoq.pairs.size(), 3u);
  EXPECT_DOUBLE_EQ(a.eoq.pairs[0].energy, 2.0);   // 4 / 2 at array 8
  EXPECT_DOUBLE_EQ(a.eoq.pairs[1].energy, 3.0);   // 3 / 1 at array 16
  EXPECT_DOUBLE_EQ(a.eoq.pairs[2].energy, 2.0);   // 3 / 1.5 at array 32
  EXPECT_DOUBLE_EQ(a.eoq.pairs[0].speedup, 1.25);
  ASSERT_TRUE(a.eoq.energy);
  EXPECT_DOUBLE_EQ(a.eoq.energy->min, 2.0);
  EXPECT_DOUBLE_EQ(a.eoq.energy->median, 2.0);
  EXPECT_DOUBLE_EQ(a.eoq.energy->max, 3.0);
  const std::string answer = eoq_answer(t, a);
  EXPECT_NE(answer.find("Over these 3 designs"), std::string::npos) << answer;
  EXPECT_NE(answer.find("ranges from 2x (workload=net array=8) to 3x (workload=net array=16), median 2x"), std::string::npos)
      << answer;
}

TEST(SweepAnalysis, NoPairsSaysWhy) {
  SweepTable t = table();
  for (SweepPoint& p : t.points) p.parameters["variant"] = "fp32-bn";
  EXPECT_NE(eoq_answer(t, analyse(t)).find("No FP32-BN / int8-EOQ pairs"), std::string::npos);
}

TEST(SweepFiles, CsvJsonAndHtmlHoldEveryPoint) {
  const SweepTable t = table();
  const std::vector<ReportFile> files = render_sweep(t);
  ASSERT_EQ(files.size(), 3u);
  const std::string& csv = files[0].contents;
  EXPECT_EQ(count(csv, "\n"), 1 + t.points.size());
  EXPECT_EQ(csv.substr(0, csv.find('\n')),
            "id,status,workload,variant,array,mode,cycles,latency_s,energy_j,area_mm2,power_w,macs,pj_per_mac,tops_per_w,"
            "tops_per_mm2,utilization,dram_bytes,technology,pareto_energy-latency,pareto_area-latency,pareto_efficiency,"
            "detail");
  EXPECT_NE(csv.find("c1,failed,net,fp32-bn,64,timing,,,"), std::string::npos) << csv;
  EXPECT_NE(csv.find("the vector buffer is too small"), std::string::npos);
  EXPECT_NE(csv.find("c3,missing,net,fp32-bn,128,,"), std::string::npos);

  const nlohmann::json j = nlohmann::json::parse(files[1].contents);
  EXPECT_EQ(j["counts"]["ok"], 6);
  EXPECT_EQ(j["counts"]["failed"], 1);
  EXPECT_EQ(j["counts"]["skipped"], 1);
  EXPECT_EQ(j["counts"]["missing"], 1);
  EXPECT_EQ(j["pareto"]["energy-latency"]["points"], (nlohmann::json{"b3", "b2"}));
  EXPECT_DOUBLE_EQ(j["fp32_bn_vs_int8_eoq"]["energy_ratio"]["max"].get<double>(), 3.0);

  const std::string& html = files[2].contents;
  EXPECT_EQ(count(html, "<svg"), 3u);
  EXPECT_EQ(count(html, "<script"), 0u);
  EXPECT_NE(html.find("Failed points"), std::string::npos);
  EXPECT_NE(html.find("Skipped points"), std::string::npos);
  EXPECT_NE(html.find("1 of the 9 planned points has no result yet"), std::string::npos);
  // Every plotted marker carries its parameters as a tooltip: 6 points in each of 3 charts.
  EXPECT_EQ(count(html, "<title>b2\nworkload=net variant=int8-eoq array=16"), 3u) << html;
  EXPECT_EQ(render_sweep(t), files) << "deterministic";
}

TEST(SvgScatterChart, LogAxesTooltipsAndTheFront) {
  ScatterChart c;
  c.id = "s";
  c.title = "T <1>";
  c.description = "d";
  c.x_label = "x";
  c.y_label = "y";
  c.series = {"one", "two"};
  c.highlight_label = "front";
  c.points = {{1, 10, 0, true, "p&1"}, {100, 20, 1, false, "p2"}, {1000, 15, 1, true, "p3"},
              {std::nan(""), 1, 0, false, "not drawn"}};
  const std::string svg = render_svg(c);
  EXPECT_NE(svg.find("x (log scale)"), std::string::npos) << "x spans 1000x";
  EXPECT_EQ(svg.find("y (log scale)"), std::string::npos);
  EXPECT_NE(svg.find("<title>p&amp;1</title>"), std::string::npos);
  EXPECT_EQ(svg.find("not drawn"), std::string::npos);
  EXPECT_EQ(count(svg, "class=\"front\""), 1u);
  EXPECT_NE(svg.find("T &lt;1&gt;"), std::string::npos);
  EXPECT_EQ(render_svg(c), svg);
}

}  // namespace
}  // namespace qtsim::reports
