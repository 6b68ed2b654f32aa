// Number formatting, tables and the SVG bar chart: deterministic text,
// escaped labels, accessible charts.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <set>

#include "reports/svg_bar_chart.hpp"
#include "reports/text_format.hpp"
#include "reports/text_table.hpp"
#include "reports/unit_colors.hpp"
#include "tests/reports/page_checks.hpp"
#include "tests/common/text_count.hpp"

namespace qtsim::reports {
namespace {

using test::count;

TEST(TextFormat, SignificantDigitsAndUnits) {
  EXPECT_EQ(sig(12.3456, 4), "12.35");
  EXPECT_EQ(sig(0.004512, 4), "0.004512");
  EXPECT_EQ(sig(1.5e10, 3), "1.50e+10");
  EXPECT_EQ(sig(0, 4), "0");
  EXPECT_EQ(sig(100, 4), "100");
  EXPECT_EQ(sig(std::numeric_limits<double>::quiet_NaN()), "n/a");
  EXPECT_EQ(times(66.04), "66x");
  EXPECT_EQ(times(2.345), "2.35x");
  EXPECT_EQ(percent(0.1234), "12.3%");
  EXPECT_EQ(energy_si(2.26e12), "2.26 J");
  EXPECT_EQ(energy_si(4.56e9), "4.56 mJ");
  EXPECT_EQ(power_si(1911), "1.91 W");
  EXPECT_EQ(power_si(0.5), "500 uW");
  EXPECT_EQ(time_si(0.0334), "33.4 ms");
  EXPECT_EQ(area_mm2(4.716e6), "4.72 mm2");
  EXPECT_EQ(fixed(-0.0001, 1), "0.0");
  EXPECT_TRUE(std::isnan(ratio(1, 0)));
  EXPECT_DOUBLE_EQ(ratio(3, 2), 1.5);
}

TEST(TextFormat, Escaping) {
  EXPECT_EQ(xml_escape("a<b & \"c\">'d'"), "a&lt;b &amp; &quot;c&quot;&gt;&#39;d&#39;");
  EXPECT_EQ(csv_cell("plain"), "plain");
  EXPECT_EQ(csv_cell("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(markdown_cell("a|b\nc"), "a\\|b c");
}

TEST(TextTable, RendersThreeWays) {
  TextTable t;
  t.header = {"design", "ratio"};
  t.right = {false, true};
  t.add({"FP32-BN", "1x"});
  t.add({"int8 <EOQ>", "2.38x"});
  EXPECT_EQ(to_markdown(t), "| design | ratio |\n|---|---:|\n| FP32-BN | 1x |\n| int8 <EOQ> | 2.38x |\n");
  EXPECT_EQ(to_text(t), "design      ratio\n-----------------\nFP32-BN        1x\nint8 <EOQ>  2.38x\n");
  const std::string h = to_html(t);
  EXPECT_NE(h.find("<th scope=\"row\">int8 &lt;EOQ&gt;</th><td class=\"num\">2.38x</td>"), std::string::npos) << h;
}

TEST(SvgBarChart, NiceTicks) {
  EXPECT_DOUBLE_EQ(nice_step(100, 5), 20);
  EXPECT_DOUBLE_EQ(nice_step(7.3, 5), 2);
  EXPECT_DOUBLE_EQ(nice_step(0.0042, 5), 0.001);
  EXPECT_DOUBLE_EQ(nice_step(0, 5), 1);
}

BarChart sample() {
  BarChart c;
  c.id = "t";
  c.title = "Energy <by> phase";
  c.description = "a test";
  c.axis_label = "energy (mJ)";
  c.series = {"mac_array", "unused", "leakage"};
  c.rows = {{"forward", {10, 0, 30}, ""}, {"backward & data", {20, 0, 5}, "25 mJ"}};
  return c;
}

TEST(SvgBarChart, AccessibleLabelledAndDeterministic) {
  const std::string s = render_svg(sample());
  EXPECT_EQ(s, render_svg(sample()));
  EXPECT_EQ(s.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0), 0u);
  EXPECT_NE(s.find("role=\"img\""), std::string::npos);
  EXPECT_NE(s.find("<title id=\"t-t\">Energy &lt;by&gt; phase</title>"), std::string::npos);
  EXPECT_NE(s.find("<desc id=\"t-d\">a test</desc>"), std::string::npos);
  EXPECT_NE(s.find(">backward &amp; data</text>"), std::string::npos) << "row labels are text";
  EXPECT_NE(s.find(">40</text>"), std::string::npos) << "a row's total printed after its bar";
  EXPECT_NE(s.find(">25 mJ</text>"), std::string::npos) << "or its note";
  EXPECT_NE(s.find("<title>forward, leakage: 30</title>"), std::string::npos) << "every segment has a tooltip";
  EXPECT_EQ(s.find("unused"), std::string::npos) << "an all-zero series is dropped";
  EXPECT_EQ(count(s, "<rect x="), 4u + 2u) << "2 legend swatches + 4 bar segments";
  EXPECT_NE(s.find(">energy (mJ)</text>"), std::string::npos);
  EXPECT_NE(s.find(">10</text>"), std::string::npos) << "axis ticks at a nice step";
  EXPECT_EQ(s.find("<script"), std::string::npos);
  EXPECT_EQ(count(s, "<svg"), 1u);
  EXPECT_EQ(count(s, "</svg>"), 1u);
}

// A unit has its palette colour in every chart, whichever series the chart has
// and whichever it drops; rows of a one-series chart may have their own.
TEST(SvgBarChart, OneColourPerUnitInEveryChart) {
  BarChart a = sample();
  BarChart b = sample();
  b.id = "b";
  b.series = {"dram", "leakage", "mac_array", "conv1"};
  b.rows = {{"x", {0, 1, 2, 3}, ""}};  // dram dropped: all zero
  for (const BarChart* c : {&a, &b}) {
    const auto fills = test::fills_by_name(render_svg(*c));
    for (const char* unit : {"mac_array", "leakage"}) {
      ASSERT_EQ(fills.at(unit).size(), 1u) << unit;
      EXPECT_EQ(*fills.at(unit).begin(), unit_color(unit)) << c->id << " " << unit;
    }
  }
  EXPECT_EQ(*test::fills_by_name(render_svg(b)).at("conv1").begin(), "#0072B2") << "a name without a colour: the default sequence";
  b.colors = {"", "", "", "#123456"};
  EXPECT_EQ(*test::fills_by_name(render_svg(b)).at("conv1").begin(), "#123456") << "the chart's own colour first";
  BarChart one;
  one.id = "one";
  one.rows = {{"mac_array", {2}, "", unit_color("mac_array")}, {"dram", {1}, "", unit_color("dram")}};
  const auto fills = test::fills_by_name(render_svg(one));
  EXPECT_EQ(*fills.at("mac_array").begin(), unit_color("mac_array"));
  EXPECT_EQ(*fills.at("dram").begin(), unit_color("dram"));
  // Components take their unit's colour; the units' colours differ.
  EXPECT_EQ(unit_color("mac_array.pe"), unit_color("mac_array"));
  EXPECT_EQ(unit_color("vector_unit.lanes"), unit_color("vector_unit"));
  EXPECT_EQ(unit_color("conv1"), "");
  EXPECT_EQ(unit_color("sram"), "");
  std::set<std::string> unit_fills;
  for (const char* u : {"mac_array", "vector_unit", "norm_unit", "random_unit", "sram.ifmap", "sram.filter", "sram.ofmap",
                        "sram.vector", "dram", "dma", "leakage", "overhead"})
    unit_fills.insert(unit_color(u));
  EXPECT_EQ(unit_fills.size(), 12u) << "every unit its own colour";
}

TEST(SvgBarChart, PercentAxisAndEmptyChart) {
  BarChart c;
  c.id = "u";
  c.title = "Utilization";
  c.axis_max = 100;
  c.value_suffix = "%";
  c.rows = {{"mac_array busy", {62.5}, ""}};
  const std::string s = render_svg(c);
  EXPECT_NE(s.find(">62.5%</text>"), std::string::npos) << s;
  EXPECT_NE(s.find(">100</text>"), std::string::npos);
  BarChart empty;
  empty.id = "e";
  empty.title = "Nothing";
  EXPECT_NE(render_svg(empty).find("</svg>"), std::string::npos);
}

}  // namespace
}  // namespace qtsim::reports
