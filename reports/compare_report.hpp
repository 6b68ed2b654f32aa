#pragma once
// The comparison's files: compare.json (every figure, the tables and the
// derived workloads and hardware embedded, no timestamps), compare.md,
// compare.html (one self-contained page with SVG charts) and the headline
// printed on stdout.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "reports/compare_model.hpp"
#include "reports/run_report.hpp"

namespace qtsim::reports {

nlohmann::ordered_json compare_json(const Comparison& c);
std::string compare_markdown(const Comparison& c);
std::string compare_html(const Comparison& c);
std::string compare_headline_text(const Comparison& c);

// compare.json, compare.md, compare.html.
std::vector<ReportFile> render_comparison(const Comparison& c);

}  // namespace qtsim::reports
