#pragma once
// The charts of report.html, as data (rendered by svg_bar_chart).
#include "reports/run_report.hpp"
#include "reports/svg_bar_chart.hpp"

namespace qtsim::reports {

BarChart energy_by_unit_chart(const RunReportInput& in);
BarChart energy_by_phase_chart(const RunReportInput& in);   // stacked by unit
BarChart layer_latency_chart(const RunReportInput& in);     // busy + stall per layer
BarChart area_chart(const RunReportInput& in);              // per component
BarChart utilization_chart(const RunReportInput& in);       // unit busy shares, array utilization

}  // namespace qtsim::reports
