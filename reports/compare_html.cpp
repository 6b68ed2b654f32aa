// compare.html: the comparison on one self-contained page (inline CSS and SVG, no scripts).
#include <fmt/format.h>

#include "compare_charts.hpp"
#include "compare_report.hpp"
#include "compare_tables.hpp"
#include "html_page.hpp"
#include "text_format.hpp"

namespace qtsim::reports {

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
  if (c.ideal)
    page.raw(to_html(memory_table(c, "With ideal memory: the same designs with buffers larger than any tensor, unlimited "
                                     "DRAM bandwidth and no latency (memory's share = the part of the latency ideal memory "
                                     "removes)")));
  page.figure(render_svg(compare_energy_chart(c)), "Energy of one training step per design, split by unit.");
  page.figure(render_svg(compare_power_chart(c)), "Average power per design, split by unit (tables as given).");
  page.figure(render_svg(compare_latency_chart(c)), "Latency of one training step per design, split by phase.");
  page.figure(render_svg(compare_area_chart(c)), "Area per design, split by unit.");
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
