#pragma once
// The tables and statements of the comparison report, built once and
// rendered as Markdown (compare.md), HTML (compare.html) and plain text
// (the headline printed on stdout).
#include <string>
#include <vector>

#include "reports/compare_model.hpp"
#include "reports/text_table.hpp"

namespace qtsim::reports {

TextTable designs_table(const Comparison& c);
// Energy, area, latency, power of every design and its ratios to the baseline.
TextTable headline_table(const Comparison& c, const Evaluation& e, const std::string& caption);
// The headline beside the same designs with ideal memory (c.ideal must be set):
// how much of each ratio comes from the memory system.
TextTable memory_table(const Comparison& c, const std::string& caption);
// The normalization stage: baseline / each other design, one row per scope.
TextTable norm_ratio_table(const Comparison& c, const Evaluation& e, const std::string& caption);
// The normalization stage's own figures, one row per design and scope.
TextTable norm_figures_table(const Comparison& c);
// The int8 schemes side by side, ratios to the candidate (EOQ).
TextTable schemes_table(const Comparison& c);
// EOQ's published claims against the measured ratios.
TextTable claims_table(const Comparison& c);
// The figures driving one of the candidate's ratios.
TextTable drivers_table(const DriverSet& drivers, const std::string& quantity, const std::string& unit_kind);
TextTable sensitivity_table(const Comparison& c);

// One line per design: its label and how its hardware was chosen (preset, as given, derived).
std::vector<std::string> derivation_lines(const Comparison& c);

std::vector<std::string> definition_lines(const Comparison& c);
std::string ratio_convention();

// How to read the drivers: absolute differences, shares of the net or of the gross difference.
std::string drivers_explanation();

// The short "what drives this ratio" list: one line per ratio of the candidate.
std::vector<std::string> driver_summary_lines(const Comparison& c);

}  // namespace qtsim::reports
