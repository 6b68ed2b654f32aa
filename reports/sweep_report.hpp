#pragma once
// The files of `qtsim sweep collect` (docs/SWEEP.md):
//   sweep.csv   one row per planned point: id, status, parameters, figures,
//               whether it is on each Pareto front, error or skip reason
//   sweep.json  the same, the fronts and the FP32-BN vs int8-EOQ ratios
//   sweep.html  one self-contained page: the three Pareto charts (each
//               point's parameters on hover) with their fronts' points in
//               tables, the FP32-BN vs int8-EOQ answer, failed and skipped points
// No time stamps, host names or paths: collecting the same points gives the
// same bytes, whichever folders and processes produced them.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "run_report.hpp"
#include "sweep_analysis.hpp"
#include "sweep_table.hpp"

namespace qtsim::reports {

std::string sweep_csv(const SweepTable& t, const SweepAnalysis& a);
nlohmann::ordered_json sweep_json(const SweepTable& t, const SweepAnalysis& a);
std::string sweep_html(const SweepTable& t, const SweepAnalysis& a);

// All three, analysed once.
std::vector<ReportFile> render_sweep(const SweepTable& t);

// A figure as written in sweep.csv and the tables: shortest round-trip digits, "" for NaN.
std::string figure_text(double v);

}  // namespace qtsim::reports
