#include "svg_bar_chart.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "chart_palette.hpp"
#include "text_format.hpp"

namespace qtsim::reports {

namespace {

constexpr int kRowHeight = 20, kBarHeight = 13, kTitleHeight = 26, kLegendRow = 18, kAxisHeight = 22;
constexpr double kCharWidth = 7.2;  // 12 px DejaVu Sans (the widest of the listed fonts), average

std::string px(double v) { return fixed(v, 1); }

int text_width(const std::string& s) { return static_cast<int>(std::ceil(static_cast<double>(s.size()) * kCharWidth)); }

std::string fill_of(const std::string& id, int series) {
  // Series 0..7 plain colours; later ones (darker) hatched over their colour.
  if (series < 8) return series_colour(series);
  return "url(#" + id + "-p" + std::to_string(series) + ")";
}

std::string patterns(const std::string& id, int count) {
  std::string s;
  for (int i = 8; i < count; ++i) {
    const char* angle = i % 2 ? "45" : "-45";
    s += fmt::format(
        "<pattern id=\"{0}-p{1}\" width=\"7\" height=\"7\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate({2})\">"
        "<rect width=\"7\" height=\"7\" fill=\"{3}\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"7\" stroke=\"#ffffff\" "
        "stroke-width=\"{4}\"/></pattern>",
        id, i, angle, series_colour(i), "1.2");
  }
  return s.empty() ? s : "<defs>" + s + "</defs>";
}

}  // namespace

double nice_step(double max, int target) {
  if (!(max > 0) || !std::isfinite(max)) return 1;
  const double raw = max / std::max(1, target);
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (raw <= m * mag * (1 + 1e-9)) return m * mag;
  return 10 * mag;
}

std::string render_svg(const BarChart& in) {
  // Keep the series with any nonzero value.
  std::vector<int> keep;
  for (int s = 0; s < static_cast<int>(in.series.size()) || (in.series.empty() && s == 0); ++s) {
    bool any = false;
    for (const BarRow& r : in.rows)
      if (s < static_cast<int>(r.values.size()) && r.values[static_cast<std::size_t>(s)] != 0) any = true;
    if (any || in.series.size() <= 1) keep.push_back(s);
  }
  if (keep.empty()) keep.push_back(0);
  const int n = static_cast<int>(keep.size());
  auto value = [&](const BarRow& r, int k) {
    const auto s = static_cast<std::size_t>(keep[static_cast<std::size_t>(k)]);
    return s < r.values.size() && std::isfinite(r.values[s]) ? std::max(0.0, r.values[s]) : 0.0;
  };
  auto series_name = [&](int k) {
    const auto s = static_cast<std::size_t>(keep[static_cast<std::size_t>(k)]);
    return s < in.series.size() ? in.series[s] : std::string();
  };

  double data_max = 0;
  std::vector<double> totals;
  for (const BarRow& r : in.rows) {
    double t = 0;
    for (int k = 0; k < n; ++k) t += value(r, k);
    totals.push_back(t);
    data_max = std::max(data_max, t);
  }
  const double step = nice_step(in.axis_max > 0 ? in.axis_max : data_max);
  const double axis_max = in.axis_max > 0 ? in.axis_max : std::max(step, std::ceil(data_max / step - 1e-9) * step);

  // Layout.
  int label_w = 40;
  for (const BarRow& r : in.rows) label_w = std::max(label_w, text_width(r.label));
  label_w = std::min(label_w, 330) + 12;
  int value_w = 60;
  for (std::size_t i = 0; i < in.rows.size(); ++i) {
    const std::string note = in.rows[i].note.empty() ? sig(totals[i], in.value_digits) + in.value_suffix : in.rows[i].note;
    value_w = std::max(value_w, text_width(note) + 10);
  }
  value_w = std::min(value_w, 240);
  const int plot_x = label_w, plot_w = std::max(160, in.width - label_w - value_w - 10);

  // Legend: wrapped rows of swatch + name.
  std::string legend;
  int legend_rows = 0;
  if (n > 1) {
    int x = 10, y = kTitleHeight + 4;
    legend_rows = 1;
    for (int k = 0; k < n; ++k) {
      const std::string name = series_name(k);
      const int w = 18 + text_width(name) + 14;
      if (x + w > in.width - 10 && x > 10) {
        x = 10;
        y += kLegendRow;
        ++legend_rows;
      }
      legend += fmt::format(
          "<g><rect x=\"{}\" y=\"{}\" width=\"12\" height=\"12\" fill=\"{}\" stroke=\"#333333\" stroke-width=\"0.5\"/>"
          "<text x=\"{}\" y=\"{}\">{}</text></g>",
          x, y, fill_of(in.id, keep[static_cast<std::size_t>(k)]), x + 17, y + 10, xml_escape(name));
      x += w;
    }
  }
  const int axis_y = kTitleHeight + legend_rows * kLegendRow + 8 + 14;  // tick labels above the plot
  const int rows_y = axis_y + 6;
  const int plot_h = static_cast<int>(in.rows.size()) * kRowHeight;
  const int height = rows_y + plot_h + kAxisHeight + 6;
  auto xpos = [&](double v) { return plot_x + (axis_max > 0 ? v / axis_max : 0.0) * plot_w; };

  std::string s = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" "
      "role=\"img\" aria-labelledby=\"{2}-t {2}-d\" font-family=\"DejaVu Sans, Arial, Helvetica, sans-serif\" "
      "font-size=\"12\">",
      in.width, height, in.id);
  s += fmt::format("<title id=\"{}-t\">{}</title><desc id=\"{}-d\">{}</desc>", in.id, xml_escape(in.title), in.id,
                   xml_escape(in.description));
  s += patterns(in.id, *std::max_element(keep.begin(), keep.end()) + 1);
  s += "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>";
  s += fmt::format("<text x=\"10\" y=\"18\" font-size=\"15\" font-weight=\"bold\">{}</text>", xml_escape(in.title));
  s += legend;

  // Grid and ticks.
  s += "<g class=\"axis\" font-size=\"11\" fill=\"#333333\">";
  for (int i = 0;; ++i) {
    const double v = i * step;
    if (v > axis_max * (1 + 1e-9)) break;
    const double x = xpos(v);
    s += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"{3}\" stroke-width=\"1\"/>", px(x),
                     rows_y - 3, rows_y + plot_h, i == 0 ? "#333333" : "#dddddd");
    s += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>", px(x), axis_y - 2, sig(v, 4));
  }
  s += "</g>";
  s += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"11\" fill=\"#333333\">{}</text>",
                   px(plot_x + plot_w / 2.0), rows_y + plot_h + 16, xml_escape(in.axis_label));

  // Rows.
  for (std::size_t i = 0; i < in.rows.size(); ++i) {
    const BarRow& r = in.rows[i];
    const int y = rows_y + static_cast<int>(i) * kRowHeight;
    const int bar_y = y + (kRowHeight - kBarHeight) / 2;
    std::string label = r.label;
    if (text_width(label) > label_w - 12) label = label.substr(0, static_cast<std::size_t>((label_w - 24) / kCharWidth)) + "...";
    s += fmt::format("<g class=\"row\"><text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>", plot_x - 6, y + 14,
                     xml_escape(label));
    double at = 0;
    for (int k = 0; k < n; ++k) {
      const double v = value(r, k);
      if (v <= 0) continue;
      const double x0 = xpos(at), x1 = xpos(std::min(axis_max, at + v));
      at += v;
      const std::string name = series_name(k);
      const std::string tip = (name.empty() ? r.label : r.label + ", " + name) + ": " + sig(v, 4) + in.value_suffix;
      s += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\" stroke=\"#ffffff\" "
                       "stroke-width=\"0.5\"><title>{}</title></rect>",
                       px(x0), bar_y, px(std::max(0.5, x1 - x0)), kBarHeight, fill_of(in.id, keep[static_cast<std::size_t>(k)]),
                       xml_escape(tip));
      // In-bar label when the segment is wide enough (series name, else nothing).
      if (n > 1 && !name.empty() && x1 - x0 > text_width(name) * 0.85 + 8)
        s += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"10\" fill=\"#000000\" stroke=\"#ffffff\" stroke-width=\"2.5\" "
                         "paint-order=\"stroke\" text-anchor=\"middle\">{}</text>",
                         px((x0 + x1) / 2), bar_y + 10, xml_escape(name));
    }
    const std::string note = r.note.empty() ? sig(totals[i], in.value_digits) + in.value_suffix : r.note;
    s += fmt::format("<text x=\"{}\" y=\"{}\">{}</text></g>", px(xpos(std::min(axis_max, totals[i])) + 5), y + 14,
                     xml_escape(note));
  }
  s += "</svg>";
  return s;
}

}  // namespace qtsim::reports
