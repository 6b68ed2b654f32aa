#include "sweep_analysis.hpp"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "pareto.hpp"
#include "text_format.hpp"

namespace qtsim::reports {

namespace {

const Objective kEnergy{"energy_j", "energy per training step", "J", false, [](const SweepFigures& f) { return f.energy_j; }};
const Objective kLatency{"latency_s", "latency per training step", "s", false, [](const SweepFigures& f) { return f.latency_s; }};
const Objective kArea{"area_mm2", "area", "mm2", false, [](const SweepFigures& f) { return f.area_mm2; }};
const Objective kTopsPerW{"tops_per_w", "energy efficiency", "TOPS/W", true, [](const SweepFigures& f) { return f.tops_per_w; }};
const Objective kTopsPerMm2{"tops_per_mm2", "area efficiency", "TOPS/mm2", true, [](const SweepFigures& f) { return f.tops_per_mm2; }};

ParetoFront front_of(const SweepTable& t, std::string key, std::string title, const Objective& x, const Objective& y) {
  ParetoFront f{std::move(key), std::move(title), x, y, {}};
  std::vector<std::pair<double, double>> xy;
  std::vector<std::size_t> index;
  for (std::size_t i = 0; i < t.points.size(); ++i)
    if (t.points[i].status == PointStatus::ok) {
      xy.emplace_back(x.value(t.points[i].figures), y.value(t.points[i].figures));
      index.push_back(i);
    }
  for (std::size_t k : pareto_front(xy, x.maximize, y.maximize)) f.points.push_back(index[k]);
  return f;
}

RatioSpread spread(const std::vector<SchemePair>& pairs, double SchemePair::*ratio) {
  std::vector<std::size_t> order(pairs.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return pairs[a].*ratio < pairs[b].*ratio; });
  RatioSpread s;
  s.at_min = order.front();
  s.at_max = order.back();
  s.min = pairs[s.at_min].*ratio;
  s.max = pairs[s.at_max].*ratio;
  const std::size_t n = order.size();
  s.median = n % 2 ? pairs[order[n / 2]].*ratio : 0.5 * (pairs[order[n / 2 - 1]].*ratio + pairs[order[n / 2]].*ratio);
  return s;
}

}  // namespace

std::string design_without_variant(const SweepPoint& p) {
  nlohmann::ordered_json rest = p.parameters;
  rest.erase("variant");
  return parameters_line(rest);
}

SweepAnalysis analyse(const SweepTable& t) {
  SweepAnalysis a;
  a.fronts.push_back(front_of(t, "energy-latency", "Energy vs latency", kLatency, kEnergy));
  a.fronts.push_back(front_of(t, "area-latency", "Area vs latency", kLatency, kArea));
  a.fronts.push_back(front_of(t, "efficiency", "TOPS/W vs TOPS/mm2", kTopsPerMm2, kTopsPerW));

  std::map<std::string, std::size_t> eoq_at;  // the rest of the parameters -> int8-EOQ point
  for (std::size_t i = 0; i < t.points.size(); ++i) {
    const SweepPoint& p = t.points[i];
    if (p.status == PointStatus::ok && p.parameters.value("variant", "") == "int8-eoq") eoq_at[design_without_variant(p)] = i;
  }
  for (std::size_t i = 0; i < t.points.size(); ++i) {
    const SweepPoint& p = t.points[i];
    if (p.status != PointStatus::ok || p.parameters.value("variant", "") != "fp32-bn") continue;
    const auto it = eoq_at.find(design_without_variant(p));
    if (it == eoq_at.end()) continue;
    const SweepFigures &b = p.figures, &c = t.points[it->second].figures;
    a.eoq.pairs.push_back({i, it->second, ratio(b.energy_j, c.energy_j), ratio(b.latency_s, c.latency_s),
                           ratio(b.area_mm2, c.area_mm2), ratio(b.power_w, c.power_w)});
  }
  if (!a.eoq.pairs.empty()) {
    a.eoq.energy = spread(a.eoq.pairs, &SchemePair::energy);
    a.eoq.speedup = spread(a.eoq.pairs, &SchemePair::speedup);
    a.eoq.area = spread(a.eoq.pairs, &SchemePair::area);
    a.eoq.power = spread(a.eoq.pairs, &SchemePair::power);
  }
  return a;
}

std::string eoq_answer(const SweepTable& t, const SweepAnalysis& a) {
  if (!a.eoq.energy)
    return "No FP32-BN / int8-EOQ pairs: the sweep has no two completed points that differ only in their variant "
           "(give it \"variants\": [\"fp32-bn\", \"int8-eoq\"]).";
  const SchemeAdvantage& e = a.eoq;
  auto design = [&](std::size_t pair) { return design_without_variant(t.points[e.pairs[pair].fp32]); };
  return fmt::format(
      "Over these {} designs, int8-EOQ's energy advantage over FP32-BN (FP32-BN energy / int8-EOQ energy) ranges from {} "
      "({}) to {} ({}), median {}; its speed-up from {} to {}, median {}; its area advantage from {} to {}, median {}.",
      e.pairs.size(), times(e.energy->min), design(e.energy->at_min), times(e.energy->max), design(e.energy->at_max),
      times(e.energy->median), times(e.speedup->min), times(e.speedup->max), times(e.speedup->median), times(e.area->min),
      times(e.area->max), times(e.area->median));
}

}  // namespace qtsim::reports
