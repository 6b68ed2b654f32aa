// report.html: one self-contained page (inline CSS and SVG, no scripts).
#include <fmt/format.h>

#include "html_page.hpp"
#include "run_report.hpp"
#include "run_report_charts.hpp"
#include "run_report_tables.hpp"
#include "text_format.hpp"

namespace qtsim::reports {

std::string run_report_html(const RunReportInput& in) {
  const RunLabels l = run_labels(in.stats);
  HtmlPage page(fmt::format("qtsim report: {} on {}", l.workload, l.hardware));
  page.section("summary", "Summary");
  page.raw(to_html(summary_table(in)));
  page.section("figures", "Figures architects compare by");
  page.raw(to_html(figures_table(in)));
  page.section("assumptions", "Assumptions that move these numbers");
  page.list(assumption_lines(in));
  page.section("energy", "Energy");
  page.figure(render_svg(energy_by_unit_chart(in)), "Energy of the run by unit; leakage is the static power of every unit over the run.");
  page.raw(to_html(energy_by_unit_table(in)));
  page.figure(render_svg(energy_by_phase_chart(in)), "Energy by training phase, each bar split by unit (legend order).");
  page.raw(to_html(energy_by_phase_table(in)));
  page.raw("<h3>Table figures behind the energy</h3>\n");
  page.raw(to_html(top_figures_table(in, 12)));
  page.section("latency", "Latency per layer");
  page.paragraph("Each layer's latency is the elapsed cycles of its kernels; the stall part is the time its units waited "
                 "for data (elapsed minus busy cycles).");
  page.figure(render_svg(layer_latency_chart(in)), "Per-layer latency, busy and stalled parts.");
  page.raw(to_html(layers_table(in)));
  page.section("area", "Area");
  page.figure(render_svg(area_chart(in)), "Area of each instantiated component.");
  page.raw(to_html(area_table(in)));
  page.section("utilization", "Utilization");
  page.figure(render_svg(utilization_chart(in)), "Busy share of each unit and MAC-array utilization.");
  page.raw(to_html(utilization_table(in)));
  return page.str();
}

std::vector<ReportFile> render_run_report(const RunReportInput& in) {
  return {{"report.json", run_report_json(in).dump(1) + "\n"},
          {"report-layers.csv", run_report_layers_csv(in)},
          {"report-units.csv", run_report_units_csv(in)},
          {"report.md", run_report_markdown(in)},
          {"report.html", run_report_html(in)}};
}

}  // namespace qtsim::reports
