#pragma once
// Horizontal bar charts as self-contained SVG text (no scripts, no external
// fonts): a title, a legend, an axis with "nice" ticks and grid lines, one
// labelled row per category whose bar is stacked from the series' values,
// and the row's total (or its own note) printed after the bar. Readable
// without colour: every segment has a <title> tooltip, series after the
// first few are also hatched, segments wide enough carry their series'
// short label, and the SVG has role="img" with a title and description for
// screen readers. Deterministic output (fixed number formatting). A unit,
// phase or part named in unit_colors.hpp has its colour in every chart.
#include <string>
#include <vector>

namespace qtsim::reports {

struct BarRow {
  std::string label;
  std::vector<double> values;  // one per series (missing ones are 0)
  std::string note;            // printed after the bar instead of the formatted total ("" for the total)
  std::string color = "";      // a single-series chart's bar colour for this row ("": the series')
};

struct BarChart {
  std::string id;           // unique within the page (pattern and title ids); letters, digits, '-'
  std::string title;
  std::string description;  // one or two sentences for screen readers
  std::string axis_label;   // e.g. "energy (mJ)"
  std::vector<std::string> series;  // legend names; a single series draws no legend
  // Per series, "" or missing: the unit palette's colour of its name
  // (unit_colors.hpp: every chart draws a unit in the same colour), else the
  // next of the chart's default colours (hatched beyond eight).
  std::vector<std::string> colors;
  std::vector<BarRow> rows;
  double axis_max = 0;      // 0: from the data
  int value_digits = 3;     // significant digits of the printed totals
  std::string value_suffix; // appended to printed totals (e.g. "%")
  int width = 760;          // px
};

// Series whose values are all zero are dropped (from bars and legend) first.
std::string render_svg(const BarChart& chart);

// Tick step for an axis from 0 to `max` with about `target` intervals: 1, 2 or 5 x 10^k.
double nice_step(double max, int target = 5);

}  // namespace qtsim::reports
