#include "svg_scatter_chart.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "chart_palette.hpp"
#include "svg_bar_chart.hpp"
#include "text_format.hpp"

namespace qtsim::reports {

namespace {

constexpr int kTitleHeight = 26, kLegendRow = 18, kLeft = 78, kRight = 18, kBottom = 44;
constexpr double kCharWidth = 7.2;  // as svg_bar_chart.cpp
constexpr double kLogThreshold = 10;  // max / min beyond which an axis is logarithmic

std::string px(double v) { return fixed(v, 1); }

int text_width(const std::string& s) { return static_cast<int>(std::ceil(static_cast<double>(s.size()) * kCharWidth)); }

struct Axis {
  bool log = false;
  double lo = 0, hi = 1;
  std::vector<double> ticks;
  // 0..1 along the axis.
  double fraction(double v) const {
    if (log) return (std::log10(v) - std::log10(lo)) / (std::log10(hi) - std::log10(lo));
    return (v - lo) / (hi - lo);
  }
};

Axis make_axis(const std::vector<double>& values) {
  Axis a;
  if (values.empty()) return a;
  const auto [mn, mx] = std::minmax_element(values.begin(), values.end());
  const double lo = *mn, hi = *mx;
  if (lo > 0 && hi / lo >= kLogThreshold) {
    a.log = true;
    const int first = static_cast<int>(std::floor(std::log10(lo) + 1e-9)), last = static_cast<int>(std::ceil(std::log10(hi) - 1e-9));
    a.lo = std::pow(10.0, first);
    a.hi = std::pow(10.0, std::max(last, first + 1));
    const bool fine = last - first <= 2;
    for (int e = first; e <= std::max(last, first + 1); ++e)
      for (double m : fine ? std::vector<double>{1, 2, 5} : std::vector<double>{1}) {
        const double t = m * std::pow(10.0, e);
        if (t >= a.lo * (1 - 1e-9) && t <= a.hi * (1 + 1e-9)) a.ticks.push_back(t);
      }
    return a;
  }
  // Linear: a margin of 5 % of the span (or of the value when all are equal), on nice ticks.
  const double span = hi > lo ? hi - lo : std::max(std::fabs(hi), 1e-12);
  double from = lo - 0.05 * span, to = hi + 0.05 * span;
  if (lo >= 0 && from < 0) from = 0;
  const double step = nice_step(to - from, 6);
  a.lo = std::floor(from / step) * step;
  a.hi = std::ceil(to / step) * step;
  for (double t = a.lo; t <= a.hi + step * 1e-6; t += step) a.ticks.push_back(std::fabs(t) < step * 1e-9 ? 0 : t);
  return a;
}

// A marker of `series` centred at (x, y) with radius r: circle, square, triangle, diamond, inverted triangle.
std::string marker(int series, double x, double y, double r, const std::string& attributes, const std::string& inner) {
  switch (series % 5) {
    case 0:
      return fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"{}\" {}>{}</circle>", px(x), px(y), px(r), attributes, inner);
    case 1:
      return fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" {}>{}</rect>", px(x - r * 0.9), px(y - r * 0.9),
                         px(r * 1.8), px(r * 1.8), attributes, inner);
    case 2:
      return fmt::format("<polygon points=\"{},{} {},{} {},{}\" {}>{}</polygon>", px(x), px(y - r * 1.15), px(x + r * 1.1),
                         px(y + r * 0.8), px(x - r * 1.1), px(y + r * 0.8), attributes, inner);
    case 3:
      return fmt::format("<polygon points=\"{},{} {},{} {},{} {},{}\" {}>{}</polygon>", px(x), px(y - r * 1.2), px(x + r * 1.2),
                         px(y), px(x), px(y + r * 1.2), px(x - r * 1.2), px(y), attributes, inner);
    default:
      return fmt::format("<polygon points=\"{},{} {},{} {},{}\" {}>{}</polygon>", px(x), px(y + r * 1.15), px(x + r * 1.1),
                         px(y - r * 0.8), px(x - r * 1.1), px(y - r * 0.8), attributes, inner);
  }
}

bool drawable(double v, const Axis& a) { return std::isfinite(v) && (!a.log || v > 0); }

}  // namespace

std::string render_svg(const ScatterChart& in) {
  std::vector<double> xs, ys;
  for (const ScatterPoint& p : in.points)
    if (std::isfinite(p.x) && std::isfinite(p.y)) {
      xs.push_back(p.x);
      ys.push_back(p.y);
    }
  const Axis ax = make_axis(xs), ay = make_axis(ys);

  // Legend: one entry per series, then the highlight.
  std::string legend;
  int legend_rows = 0;
  {
    int x = 10, y = kTitleHeight + 4;
    // `shape` is drawn centred on (0, 0) and moved into place.
    auto entry = [&](const std::string& name, const std::string& shape, int w) {
      if (legend_rows == 0) legend_rows = 1;
      if (x + w > in.width - 10 && x > 10) {
        x = 10;
        y += kLegendRow;
        ++legend_rows;
      }
      legend += fmt::format("<g transform=\"translate({},{})\">{}</g><text x=\"{}\" y=\"{}\">{}</text>", x + 6, y + 6, shape,
                            x + 16, y + 10, xml_escape(name));
      x += w;
    };
    for (std::size_t s = 0; s < in.series.size() && in.series.size() > 1; ++s) {
      const std::string shape = marker(static_cast<int>(s), 0, 0, 4.5,
                                       fmt::format("fill=\"{}\" stroke=\"#333333\" stroke-width=\"0.5\"", series_colour(static_cast<int>(s))), "");
      entry(in.series[s], shape, 16 + text_width(in.series[s]) + 14);
    }
    if (!in.highlight_label.empty())
      entry(in.highlight_label, "<circle r=\"5.5\" fill=\"none\" stroke=\"#000000\" stroke-width=\"1.5\"/>",
            16 + text_width(in.highlight_label) + 14);
  }
  const int plot_top = kTitleHeight + legend_rows * kLegendRow + 12;
  const int plot_left = kLeft, plot_w = in.width - kLeft - kRight, plot_h = std::max(120, in.height - plot_top - kBottom);
  const int height = plot_top + plot_h + kBottom;
  auto X = [&](double v) { return plot_left + ax.fraction(v) * plot_w; };
  auto Y = [&](double v) { return plot_top + (1 - ay.fraction(v)) * plot_h; };

  std::string s = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" "
      "role=\"img\" aria-labelledby=\"{2}-t {2}-d\" font-family=\"DejaVu Sans, Arial, Helvetica, sans-serif\" "
      "font-size=\"12\">",
      in.width, height, in.id);
  s += fmt::format("<title id=\"{}-t\">{}</title><desc id=\"{}-d\">{}</desc>", in.id, xml_escape(in.title), in.id,
                   xml_escape(in.description));
  s += "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>";
  s += fmt::format("<text x=\"10\" y=\"18\" font-size=\"15\" font-weight=\"bold\">{}</text>", xml_escape(in.title));
  s += legend;

  // Grid, ticks and axis labels.
  s += "<g class=\"axis\" font-size=\"11\" fill=\"#333333\">";
  for (double t : ax.ticks) {
    const double x = X(t);
    s += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"#dddddd\" stroke-width=\"1\"/>", px(x), plot_top,
                     plot_top + plot_h);
    s += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>", px(x), plot_top + plot_h + 15, sig(t, 3));
  }
  for (double t : ay.ticks) {
    const double y = Y(t);
    s += fmt::format("<line x1=\"{1}\" y1=\"{0}\" x2=\"{2}\" y2=\"{0}\" stroke=\"#dddddd\" stroke-width=\"1\"/>", px(y), plot_left,
                     plot_left + plot_w);
    s += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>", plot_left - 5, px(y + 4), sig(t, 3));
  }
  s += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"#333333\" stroke-width=\"1\"/>",
                   plot_left, plot_top, plot_w, plot_h);
  s += "</g>";
  s += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"11\" fill=\"#333333\">{}{}</text>",
                   px(plot_left + plot_w / 2.0), plot_top + plot_h + 34, xml_escape(in.x_label), ax.log ? " (log scale)" : "");
  s += fmt::format("<text transform=\"translate(14,{}) rotate(-90)\" text-anchor=\"middle\" font-size=\"11\" "
                   "fill=\"#333333\">{}{}</text>",
                   px(plot_top + plot_h / 2.0), xml_escape(in.y_label), ay.log ? " (log scale)" : "");

  // The points: ordinary ones first, then the line through the highlighted ones and their markers on top.
  std::vector<const ScatterPoint*> highlighted;
  s += "<g class=\"points\">";
  for (const ScatterPoint& p : in.points) {
    if (!drawable(p.x, ax) || !drawable(p.y, ay)) continue;
    if (p.highlighted) {
      highlighted.push_back(&p);
      continue;
    }
    s += marker(p.series, X(p.x), Y(p.y), 3.6,
                fmt::format("fill=\"{}\" fill-opacity=\"0.75\" stroke=\"#ffffff\" stroke-width=\"0.5\"", series_colour(p.series)),
                "<title>" + xml_escape(p.tooltip) + "</title>");
  }
  s += "</g>";
  if (!highlighted.empty()) {
    std::vector<const ScatterPoint*> line = highlighted;
    std::stable_sort(line.begin(), line.end(), [](const ScatterPoint* a, const ScatterPoint* b) { return a->x < b->x; });
    std::string points;
    for (const ScatterPoint* p : line) points += (points.empty() ? "" : " ") + px(X(p->x)) + "," + px(Y(p->y));
    s += "<polyline class=\"front\" points=\"" + points +
         "\" fill=\"none\" stroke=\"#000000\" stroke-width=\"1.2\" stroke-dasharray=\"4 3\"/>";
    s += "<g class=\"front-points\">";
    for (const ScatterPoint* p : highlighted)
      s += marker(p->series, X(p->x), Y(p->y), 5.5,
                  fmt::format("fill=\"{}\" stroke=\"#000000\" stroke-width=\"1.5\"", series_colour(p->series)),
                  "<title>" + xml_escape(p->tooltip) + "</title>");
    s += "</g>";
  }
  s += "</svg>";
  return s;
}

}  // namespace qtsim::reports
