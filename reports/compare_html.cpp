// compare.html: the comparison on one self-contained page (inline CSS and SVG, no scripts).
#include <algorithm>

#include <fmt/format.h>

#include "compare_charts.hpp"
#include "compare_report.hpp"
#include "compare_tables.hpp"
#include "html_page.hpp"
#include "text_format.hpp"

namespace qtsim::reports {

namespace {

std::string label_of(const Comparison& c, const std::string& key) { return find_design(c.input, key).label; }

// The baseline against the candidate, each chart on its own scale; then every
// design, with the outliers drawn apart on their own scale.
void whole_design_charts(HtmlPage& page, const Comparison& c) {
  if (c.base.designs.size() < 2) return;
  const std::string base = c.base.designs[0].key, cand = c.base.designs[1].key;
  page.raw("<h3>" + xml_escape(label_of(c, base)) + " against " + xml_escape(label_of(c, cand)) + "</h3>\n");
  page.paragraph("The comparison the report is about, the two designs alone, each chart on its own scale. Every unit and "
                 "phase has one colour in every chart of the page.");
  for (DesignMetric m : design_metrics())
    page.figure(render_svg(design_chart(c, m, {base, cand}, "main", "baseline and candidate")),
                "The step's " + metric_name(m) + " of the baseline and the candidate; the figure after each bar is the "
                "total and the ratio baseline / candidate.");
  page.raw("<h3>Every design</h3>\n");
  for (DesignMetric m : design_metrics()) {
    const std::vector<std::string> apart = outlier_designs(c, m);
    std::vector<std::string> rest;
    std::string apart_names;
    for (const DesignCost& d : c.base.designs) {
      const bool out = std::find(apart.begin(), apart.end(), d.key) != apart.end();
      if (!out) rest.push_back(d.key);
      else apart_names += (apart_names.empty() ? "" : ", ") + label_of(c, d.key);
    }
    page.figure(render_svg(design_chart(c, m, rest, "all", apart.empty() ? "every design" : "every design but the outliers")),
                "The step's " + metric_name(m) + " of every design" +
                    (apart.empty() ? std::string(".") : "; " + apart_names + " (more than 3x the median) is drawn apart below."));
    if (!apart.empty())
      page.figure(render_svg(design_chart(c, m, apart, "apart", "outliers on their own scale")),
                  apart_names + ": its " + metric_name(m) + " on its own scale, with its ratio to the baseline.");
  }
}

}  // namespace

std::string compare_html(const Comparison& c) {
  const std::string low = fmt::format("low-leakage SRAM (sram.leakage_factor = {:g}), same simulations", c.input.low_leakage_factor);
  HtmlPage page("qtsim compare: " + c.input.workload_name);
  page.section("designs", "Designs");
  for (const std::string& w : c.input.warnings) page.paragraph("Warning: " + w);
  page.paragraph(ratio_convention());
  page.raw(to_html(designs_table(c)));
  page.paragraph("How each design's hardware was chosen:");
  page.list(derivation_lines(c));
  page.section("headline", "Headline");
  page.raw(to_html(headline_table(c, c.base, "Tables as given")));
  page.raw(to_html(headline_table(c, c.low_leakage, low)));
  page.raw(to_html(figures_table(c, c.base, "Figures architects compare by: pJ/MAC, TOPS/W, TOPS/mm2, training samples "
                                            "per second, energy per sample (definitions at the end)")));
  if (c.ideal)
    page.raw(to_html(memory_table(c, "With ideal memory: the same designs with buffers larger than any tensor, unlimited "
                                     "DRAM bandwidth and no latency (memory's share = the part of the latency ideal memory "
                                     "removes)")));
  whole_design_charts(page, c);
  page.section("normalization", "Normalization stage");
  std::vector<std::string> defs;
  for (NormScope s : norm_scopes()) defs.push_back(scope_title(s) + ": " + scope_definition(s) + ".");
  page.list(defs);
  page.raw(to_html(norm_ratio_table(c, c.base, "Ratios, tables as given")));
  page.raw(to_html(norm_ratio_table(c, c.low_leakage, "Ratios, " + low)));
  page.figure(render_svg(norm_power_chart(c)), "Power of the normalization stage while it runs: the unit's arithmetic, "
                                               "its kernels' memory traffic and the chip's leakage.");
  page.figure(render_svg(norm_latency_chart(c)), "Latency of the normalization stage.");
  page.raw(to_html(norm_figures_table(c)));
  page.section("claims", "EOQ's claims");
  page.raw(to_html(claims_table(c)));
  page.section("drivers", "What drives these ratios");
  page.list(driver_summary_lines(c));
  page.paragraph(drivers_explanation());
  if (!c.drivers.empty()) {
    const RatioDrivers& d = c.drivers.front();
    page.raw(to_html(drivers_table(d.energy, "Energy", "energy")));
    page.raw(to_html(drivers_table(d.power, "Power", "power")));
    page.raw(to_html(drivers_table(d.area, "Area", "area")));
    page.raw(to_html(drivers_table(d.latency, "Latency (busy and stalled time by unit)", "time")));
    for (NormScope s : c.input.has_normalization ? norm_scopes() : std::vector<NormScope>{})
      page.raw(to_html(drivers_table(d.stage_power.at(s), "Normalization stage, " + scope_title(s) + ": power", "power")));
  }
  page.section("schemes", "The int8 schemes side by side");
  page.raw(to_html(schemes_table(c)));
  if (!c.sensitivity.empty()) {
    page.section("sensitivity", "Sensitivity (--vary)");
    page.raw(to_html(sensitivity_table(c)));
  }
  page.section("definitions", "Definitions and assumptions");
  page.list(definition_lines(c));
  return page.str();
}

}  // namespace qtsim::reports
