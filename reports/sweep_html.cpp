// sweep.html: the Pareto charts, their fronts, the FP32-BN vs int8-EOQ answer,
// failed and skipped points, on one self-contained page (inline CSS and SVG, no scripts).
#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "html_page.hpp"
#include "svg_scatter_chart.hpp"
#include "sweep_report.hpp"
#include "text_format.hpp"
#include "text_table.hpp"

namespace qtsim::reports {

namespace {

constexpr std::size_t kMaxSeries = 8;
constexpr std::size_t kMaxListedProblems = 200;

// Which parameter colours the markers: the variant when there is one, else the
// first parameter with between 2 and kMaxSeries values; every point in one series otherwise.
struct Series {
  std::string parameter;              // "" for one series
  std::vector<std::string> names;     // legend
  std::map<std::string, int> index;   // value text -> series
  int of(const SweepPoint& p) const {
    if (parameter.empty()) return 0;
    const auto it = index.find(parameter_of(p, parameter));
    return it == index.end() ? 0 : it->second;
  }
};

Series series_of(const SweepTable& t) {
  std::vector<std::string> candidates;
  if (std::find(t.parameter_names.begin(), t.parameter_names.end(), "variant") != t.parameter_names.end())
    candidates.push_back("variant");
  for (const std::string& n : t.parameter_names)
    if (n != "variant") candidates.push_back(n);
  for (const std::string& name : candidates) {
    Series s;
    s.parameter = name;
    for (const SweepPoint& p : t.points) {
      const std::string v = parameter_of(p, name);
      if (s.index.emplace(v, static_cast<int>(s.names.size())).second) s.names.push_back(v);
    }
    if (s.names.size() >= 2 && s.names.size() <= kMaxSeries) {
      for (std::string& n : s.names) n = name + " " + n;
      return s;
    }
  }
  return Series{"", {"design points"}, {}};
}

// Plotting units: energies and times scaled to a readable SI prefix.
struct Scaled {
  double divide_by = 1;
  std::string unit;
};

Scaled scale_for(const Objective& o, double max) {
  if (o.unit == "J") {
    const AxisScale s = energy_scale(max * 1e12);
    return {s.factor * 1e-12, s.unit};
  }
  if (o.unit == "s") {
    const AxisScale s = time_scale(max);
    return {s.factor, s.unit};
  }
  return {1, o.unit};
}

std::string figure_cell(double v) { return sig(v, 4); }

std::string tooltip(const SweepPoint& p) {
  const SweepFigures& f = p.figures;
  return fmt::format("{}\n{}\nenergy {}, latency {}, area {} mm2, power {} W\n{} TOPS/W, {} TOPS/mm2, {} pJ/MAC, utilization {}",
                     p.id, parameters_line(p.parameters), energy_si(f.energy_j * 1e12), time_si(f.latency_s),
                     sig(f.area_mm2, 3), sig(f.power_w, 3), sig(f.tops_per_w, 3), sig(f.tops_per_mm2, 3),
                     sig(f.pj_per_mac, 3), percent(f.utilization));
}

ScatterChart front_chart(const SweepTable& t, const ParetoFront& front, const Series& series) {
  double max_x = 0, max_y = 0;
  for (const SweepPoint& p : t.points)
    if (p.status == PointStatus::ok) {
      max_x = std::max(max_x, front.x.value(p.figures));
      max_y = std::max(max_y, front.y.value(p.figures));
    }
  const Scaled sx = scale_for(front.x, max_x), sy = scale_for(front.y, max_y);
  ScatterChart c;
  c.id = "front-" + front.key;
  c.title = front.title;
  c.x_label = front.x.name + " (" + sx.unit + ")" + (front.x.maximize ? ", higher is better" : ", lower is better");
  c.y_label = front.y.name + " (" + sy.unit + ")" + (front.y.maximize ? ", higher is better" : ", lower is better");
  c.description = fmt::format("Scatter plot of {} design points, {} against {}; the {} points of the Pareto front are "
                              "outlined and joined by a dashed line.",
                              t.count(PointStatus::ok), front.y.name, front.x.name, front.points.size());
  c.series = series.names;
  c.highlight_label = "Pareto front";
  std::vector<bool> on_front(t.points.size(), false);
  for (std::size_t i : front.points) on_front[i] = true;
  for (std::size_t i = 0; i < t.points.size(); ++i) {
    const SweepPoint& p = t.points[i];
    if (p.status != PointStatus::ok) continue;
    c.points.push_back({front.x.value(p.figures) / sx.divide_by, front.y.value(p.figures) / sy.divide_by, series.of(p),
                        on_front[i], tooltip(p)});
  }
  return c;
}

// The parameters whose value differs between points (the others are the same for every design).
std::vector<std::string> varying_parameters(const SweepTable& t) {
  std::vector<std::string> names;
  for (const std::string& n : t.parameter_names)
    for (const SweepPoint& p : t.points)
      if (parameter_of(p, n) != parameter_of(t.points.front(), n)) {
        names.push_back(n);
        break;
      }
  return names;
}

// Power is left out (energy / latency; sweep.csv has it): the table fits the page.
TextTable front_table(const SweepTable& t, const ParetoFront& front) {
  TextTable table;
  table.caption = fmt::format("{}: the {} points of the front, by {} ({})", front.title, front.points.size(), front.x.name,
                              front.x.maximize ? "highest first" : "lowest first");
  table.header = {"id"};
  const std::vector<std::string> parameters = varying_parameters(t);
  for (const std::string& n : parameters) table.header.push_back(n);
  const std::vector<std::string> figures{"energy (J)", "latency (s)", "area (mm2)", "TOPS/W", "TOPS/mm2", "pJ/MAC", "utilization"};
  table.header.insert(table.header.end(), figures.begin(), figures.end());
  table.right.assign(table.header.size(), false);
  std::fill(table.right.end() - static_cast<std::ptrdiff_t>(figures.size()), table.right.end(), true);
  for (std::size_t i : front.points) {
    const SweepPoint& p = t.points[i];
    const SweepFigures& f = p.figures;
    std::vector<std::string> row{p.id};
    for (const std::string& n : parameters) row.push_back(parameter_of(p, n));
    for (const std::string& v : {figure_cell(f.energy_j), figure_cell(f.latency_s), figure_cell(f.area_mm2), figure_cell(f.tops_per_w),
                                 figure_cell(f.tops_per_mm2), figure_cell(f.pj_per_mac), percent(f.utilization)})
      row.push_back(v);
    table.add(std::move(row));
  }
  return table;
}

// "workload=resnet18-imagenet" for the parameters every point shares, "" when none.
std::string fixed_parameters(const SweepTable& t) {
  const std::vector<std::string> varying = varying_parameters(t);
  std::string s;
  for (const std::string& n : t.parameter_names)
    if (std::find(varying.begin(), varying.end(), n) == varying.end() && !t.points.empty())
      s += (s.empty() ? "" : " ") + n + "=" + parameter_of(t.points.front(), n);
  return s;
}

TextTable counts_table(const SweepTable& t) {
  TextTable table;
  table.caption = "Points";
  table.header = {"planned", "ok", "failed", "skipped (constraints)", "missing (not run yet)", "grid"};
  table.right.assign(6, true);
  table.add({std::to_string(t.points.size()), std::to_string(t.count(PointStatus::ok)), std::to_string(t.count(PointStatus::failed)),
             std::to_string(t.count(PointStatus::skipped)), std::to_string(t.count(PointStatus::missing)),
             t.sampled ? fmt::format("{} points, {} sampled", t.grid_points, *t.sampled) : std::to_string(t.grid_points)});
  return table;
}

TextTable spread_table(const SweepTable& t, const SchemeAdvantage& e) {
  TextTable table;
  table.caption = fmt::format("FP32-BN / int8-EOQ over {} pairs of designs (above 1: int8-EOQ is better)", e.pairs.size());
  table.header = {"ratio", "min", "design at min", "median", "max", "design at max"};
  table.right = {false, true, false, true, true, false};
  auto row = [&](const std::string& name, const RatioSpread& s) {
    table.add({name, times(s.min), design_without_variant(t.points[e.pairs[s.at_min].fp32]), times(s.median), times(s.max),
               design_without_variant(t.points[e.pairs[s.at_max].fp32])});
  };
  row("energy", *e.energy);
  row("speed-up (latency)", *e.speedup);
  row("area", *e.area);
  row("power", *e.power);
  return table;
}

TextTable pairs_table(const SweepTable& t, const SchemeAdvantage& e) {
  TextTable table;
  table.caption = "Every pair: the same design in FP32-BN and in int8-EOQ";
  table.header = {"design", "FP32-BN", "int8-EOQ", "energy ratio", "speed-up", "area ratio", "power ratio"};
  table.right = {false, false, false, true, true, true, true};
  for (const SchemePair& p : e.pairs)
    table.add({design_without_variant(t.points[p.fp32]), t.points[p.fp32].id, t.points[p.eoq].id, times(p.energy),
               times(p.speedup), times(p.area), times(p.power)});
  return table;
}

TextTable problems_table(const SweepTable& t, PointStatus status, const std::string& caption, const std::string& column) {
  TextTable table;
  table.caption = caption;
  table.header = {"id", "parameters", column};
  std::size_t n = 0;
  for (const SweepPoint& p : t.points)
    if (p.status == status && n++ < kMaxListedProblems) table.add({p.id, parameters_line(p.parameters), p.detail});
  if (n > kMaxListedProblems) table.caption += fmt::format(" (the first {} of {}; sweep.csv has all)", kMaxListedProblems, n);
  return table;
}

}  // namespace

std::string sweep_html(const SweepTable& t, const SweepAnalysis& a) {
  HtmlPage page("qtsim sweep: " + t.name);
  page.section("summary", "Summary");
  page.paragraph(t.description);
  if (const std::string fixed = fixed_parameters(t); !fixed.empty()) page.paragraph("The same in every design: " + fixed + ".");
  page.raw(to_html(counts_table(t)));
  page.paragraph(eoq_answer(t, a));
  const Series series = series_of(t);
  for (const ParetoFront& front : a.fronts) {
    page.section("front-" + front.key, front.title);
    page.figure(render_svg(front_chart(t, front, series)),
                fmt::format("{} against {} for every point that ran; hover over a marker for its parameters. A point is on "
                            "the front when no other point has both a {} {} and a {} {}.",
                            front.y.name, front.x.name, front.x.maximize ? "higher" : "lower", front.x.name,
                            front.y.maximize ? "higher" : "lower", front.y.name));
    page.raw(to_html(front_table(t, front)));
  }
  page.section("eoq", "FP32-BN vs int8-EOQ across the space");
  page.paragraph(eoq_answer(t, a));
  if (a.eoq.energy) {
    page.raw(to_html(spread_table(t, a.eoq)));
    page.raw(to_html(pairs_table(t, a.eoq)));
  }
  if (t.count(PointStatus::failed)) {
    page.section("failed", "Failed points");
    page.raw(to_html(problems_table(t, PointStatus::failed, "Points that ran and failed, with their errors", "error")));
  }
  if (t.count(PointStatus::skipped)) {
    page.section("skipped", "Skipped points");
    page.raw(to_html(problems_table(t, PointStatus::skipped, "Points a constraint skipped (not run)", "constraint")));
  }
  if (t.count(PointStatus::missing)) {
    page.section("missing", "Missing points");
    const std::size_t n = t.count(PointStatus::missing);
    page.paragraph(fmt::format("{} of the {} planned points {} no result yet (a partial sweep): running the sweep again "
                               "runs only those.",
                               n, t.points.size(), n == 1 ? "has" : "have"));
  }
  page.section("definitions", "Definitions");
  page.list({"Every figure is one training step's, from the cost model (models/cost, the same as qtsim report): energy "
             "(dynamic + leakage), latency = cycles / clock, area of the instantiated units, power = energy / latency.",
             "pJ/MAC = energy / MACs; TOPS/W = 2 x MACs / energy in J / 1e12; TOPS/mm2 = 2 x MACs / latency in s / 1e12 / "
             "area in mm2. MACs are the multiply-accumulates the MAC array performed in the step (2 operations each).",
             "Utilization: MACs / (array PEs x cycles).",
             "FP32-BN / int8-EOQ ratios compare two points with the same parameters apart from the variant; above 1, "
             "int8-EOQ uses less energy, area or power, or is faster."});
  return page.str();
}

}  // namespace qtsim::reports
