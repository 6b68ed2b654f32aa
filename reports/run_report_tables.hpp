#pragma once
// The tables and statements of a run report, built once and rendered as
// Markdown (report.md) and HTML (report.html).
#include <string>
#include <vector>

#include "reports/run_report.hpp"
#include "reports/text_table.hpp"

namespace qtsim::reports {

TextTable summary_table(const RunReportInput& in);
// pJ/MAC, TOPS/W, TOPS/mm2, samples per second, energy per sample (architect_figures.hpp).
TextTable figures_table(const RunReportInput& in);
TextTable energy_by_unit_table(const RunReportInput& in);
TextTable energy_by_phase_table(const RunReportInput& in);
TextTable area_table(const RunReportInput& in);
TextTable utilization_table(const RunReportInput& in);
TextTable layers_table(const RunReportInput& in);
TextTable top_figures_table(const RunReportInput& in, std::size_t count);

// The assumptions that move the totals most, stated with their values and
// their share (SRAM leakage, PE register energy, overhead, notes).
std::vector<std::string> assumption_lines(const RunReportInput& in);

}  // namespace qtsim::reports
