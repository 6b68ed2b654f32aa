// sweep.csv: one row per planned point.
#include <algorithm>
#include <cmath>
#include <set>

#include <fmt/format.h>

#include "sweep_report.hpp"
#include "text_format.hpp"

namespace qtsim::reports {

std::string figure_text(double v) { return std::isfinite(v) ? fmt::format("{}", v) : ""; }

std::string sweep_csv(const SweepTable& t, const SweepAnalysis& a) {
  std::vector<std::string> header{"id", "status"};
  header.insert(header.end(), t.parameter_names.begin(), t.parameter_names.end());
  for (const char* h : {"mode", "cycles", "latency_s", "energy_j", "area_mm2", "power_w", "macs", "pj_per_mac", "tops_per_w",
                        "tops_per_mm2", "utilization", "dram_bytes", "technology"})
    header.push_back(h);
  std::vector<std::set<std::size_t>> on_front;
  for (const ParetoFront& f : a.fronts) {
    header.push_back("pareto_" + f.key);
    on_front.emplace_back(f.points.begin(), f.points.end());
  }
  header.push_back("detail");

  std::string s;
  for (std::size_t c = 0; c < header.size(); ++c) s += (c ? "," : "") + csv_cell(header[c]);
  s += "\n";
  for (std::size_t i = 0; i < t.points.size(); ++i) {
    const SweepPoint& p = t.points[i];
    const bool ok = p.status == PointStatus::ok;
    const SweepFigures& f = p.figures;
    std::vector<std::string> row{p.id, to_string(p.status)};
    for (const std::string& name : t.parameter_names) row.push_back(parameter_of(p, name));
    row.push_back(p.mode);
    if (ok) {
      for (const std::string& v :
           {std::to_string(f.cycles), figure_text(f.latency_s), figure_text(f.energy_j), figure_text(f.area_mm2),
            figure_text(f.power_w), std::to_string(f.macs), figure_text(f.pj_per_mac), figure_text(f.tops_per_w),
            figure_text(f.tops_per_mm2), figure_text(f.utilization), std::to_string(f.dram_bytes), f.technology})
        row.push_back(v);
    } else {
      row.insert(row.end(), 12, "");
    }
    for (const auto& front : on_front) row.push_back(ok ? (front.count(i) ? "1" : "0") : "");
    row.push_back(p.detail);
    for (std::size_t c = 0; c < row.size(); ++c) s += (c ? "," : "") + csv_cell(row[c]);
    s += "\n";
  }
  return s;
}

}  // namespace qtsim::reports
