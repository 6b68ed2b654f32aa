#pragma once
// The report of one simulated run (`qtsim report DIR`): its cost estimate and
// its time and utilization, rendered as
//   report.json        every figure, with the technology table, the hardware,
//                      workload and scheme of the run embedded (no timestamps,
//                      no machine data: regenerating gives identical bytes)
//   report-layers.csv  per layer: cycles, stalls, utilization, energy by unit
//   report-units.csv   per unit: energy, share, busy cycles, area, leakage
//   report.md          the same for reading
//   report.html        one self-contained page with SVG charts (energy by unit
//                      and phase, per-layer latency with stall share, area
//                      breakdown, utilization), no scripts, opens offline
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/cost/cost_model.hpp"
#include "models/cost/tech_table.hpp"
#include "reports/run_performance.hpp"

namespace qtsim::reports {

struct RunReportInput {
  const nlohmann::json& stats;      // the parsed stats.json
  const cost::TechTable& table;     // the table the cost was estimated with
  const cost::CostReport& cost;     // cost::estimate(stats, config, table)
  const RunPerformance& performance;
};

struct ReportFile {
  std::string name;      // file name inside the output directory
  std::string contents;
  bool operator==(const ReportFile&) const = default;
};

nlohmann::ordered_json run_report_json(const RunReportInput& in);
std::string run_report_layers_csv(const RunReportInput& in);
std::string run_report_units_csv(const RunReportInput& in);
std::string run_report_markdown(const RunReportInput& in);
std::string run_report_html(const RunReportInput& in);

// All five, in the order above.
std::vector<ReportFile> render_run_report(const RunReportInput& in);

// Shared by the renderers: stats.json's labels of the run.
struct RunLabels {
  std::string workload, scheme, hardware, mode;
  std::int64_t steps = 0, batch = 0;
};
RunLabels run_labels(const nlohmann::json& stats);

}  // namespace qtsim::reports
