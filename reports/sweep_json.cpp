// sweep.json: the collected points, the Pareto fronts and the FP32-BN vs int8-EOQ ratios.
#include "sweep_report.hpp"

namespace qtsim::reports {

using nlohmann::ordered_json;

namespace {

ordered_json spread_json(const SweepTable& t, const SchemeAdvantage& e, const RatioSpread& s) {
  return {{"min", s.min},
          {"median", s.median},
          {"max", s.max},
          {"min_design", design_without_variant(t.points[e.pairs[s.at_min].fp32])},
          {"max_design", design_without_variant(t.points[e.pairs[s.at_max].fp32])}};
}

}  // namespace

ordered_json sweep_json(const SweepTable& t, const SweepAnalysis& a) {
  ordered_json j;
  j["format"] = "qtsim-sweep";
  j["version"] = 1;
  j["name"] = t.name;
  j["description"] = t.description;
  j["grid_points"] = t.grid_points;
  j["sampled"] = t.sampled ? ordered_json(*t.sampled) : ordered_json();
  j["parameters"] = t.parameter_names;
  j["counts"] = {{"planned", t.points.size()},
                 {"ok", t.count(PointStatus::ok)},
                 {"failed", t.count(PointStatus::failed)},
                 {"skipped", t.count(PointStatus::skipped)},
                 {"missing", t.count(PointStatus::missing)}};
  ordered_json points = ordered_json::array();
  for (const SweepPoint& p : t.points) {
    ordered_json row{{"id", p.id}, {"parameters", p.parameters}, {"status", to_string(p.status)}};
    if (!p.detail.empty()) row["detail"] = p.detail;
    if (!p.mode.empty()) row["mode"] = p.mode;
    if (p.status == PointStatus::ok) row["figures"] = figures_to_json(p.figures);
    points.push_back(std::move(row));
  }
  j["points"] = std::move(points);
  ordered_json fronts = ordered_json::object();
  for (const ParetoFront& f : a.fronts) {
    ordered_json ids = ordered_json::array();
    for (std::size_t i : f.points) ids.push_back(t.points[i].id);
    fronts[f.key] = {{"x", f.x.key}, {"x_maximized", f.x.maximize}, {"y", f.y.key}, {"y_maximized", f.y.maximize}, {"points", ids}};
  }
  j["pareto"] = std::move(fronts);
  ordered_json eoq{{"answer", eoq_answer(t, a)}};
  ordered_json pairs = ordered_json::array();
  for (const SchemePair& p : a.eoq.pairs)
    pairs.push_back({{"design", design_without_variant(t.points[p.fp32])},
                     {"fp32_bn", t.points[p.fp32].id},
                     {"int8_eoq", t.points[p.eoq].id},
                     {"energy_ratio", p.energy},
                     {"speedup", p.speedup},
                     {"area_ratio", p.area},
                     {"power_ratio", p.power}});
  eoq["pairs"] = std::move(pairs);
  if (a.eoq.energy) {
    eoq["energy_ratio"] = spread_json(t, a.eoq, *a.eoq.energy);
    eoq["speedup"] = spread_json(t, a.eoq, *a.eoq.speedup);
    eoq["area_ratio"] = spread_json(t, a.eoq, *a.eoq.area);
    eoq["power_ratio"] = spread_json(t, a.eoq, *a.eoq.power);
  }
  j["fp32_bn_vs_int8_eoq"] = std::move(eoq);
  return j;
}

std::vector<ReportFile> render_sweep(const SweepTable& t) {
  const SweepAnalysis a = analyse(t);
  return {{"sweep.csv", sweep_csv(t, a)}, {"sweep.json", sweep_json(t, a).dump(1) + "\n"}, {"sweep.html", sweep_html(t, a)}};
}

}  // namespace qtsim::reports
