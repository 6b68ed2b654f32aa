#pragma once
// Scatter plots as self-contained SVG text, in the style of svg_bar_chart.hpp
// (same palette, fonts, title and description for screen readers, no
// scripts): one marker per point, coloured and shaped by its series, a
// tooltip (<title>) on every marker, highlighted points (a Pareto front)
// drawn larger with an outline and joined by a line. An axis whose values
// span more than a factor of 10 is logarithmic. Deterministic output.
#include <string>
#include <vector>

namespace qtsim::reports {

struct ScatterPoint {
  double x = 0, y = 0;  // points with a coordinate that cannot be drawn (NaN, or <= 0 on a log axis) are left out
  int series = 0;
  bool highlighted = false;
  std::string tooltip;
};

struct ScatterChart {
  std::string id;  // unique within the page; letters, digits, '-'
  std::string title;
  std::string description;  // for screen readers
  std::string x_label, y_label;
  std::vector<std::string> series;  // legend names
  std::string highlight_label;      // legend entry of the highlighted points ("" for none)
  std::vector<ScatterPoint> points;
  int width = 760, height = 470;
};

std::string render_svg(const ScatterChart& chart);

}  // namespace qtsim::reports
