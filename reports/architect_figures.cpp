#include "architect_figures.hpp"

#include <cmath>
#include <limits>

namespace qtsim::reports {

namespace {

double over(double a, double b) { return b > 0 && std::isfinite(a) ? a / b : std::numeric_limits<double>::quiet_NaN(); }

nlohmann::ordered_json num(double v) { return std::isfinite(v) ? nlohmann::ordered_json(v) : nlohmann::ordered_json(); }

double count_at(const nlohmann::json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_number() && it->get<double>() >= 0 ? it->get<double>() : 0.0;
}

}  // namespace

SampleCount samples_of(const nlohmann::json& stats) {
  SampleCount s;
  if (!stats.is_object()) return s;
  if (stats.contains("scalesim")) {
    s.kind = "forward pass";
    s.samples = stats.contains("steps_completed") ? count_at(stats, "steps_completed") : 1.0;
    return s;
  }
  s.kind = "training sample";
  const auto w = stats.find("workload");
  const double batch = w != stats.end() && w->is_object() ? count_at(*w, "batch_size") : 0.0;
  const double steps = stats.contains("steps_completed") ? count_at(stats, "steps_completed") : count_at(stats, "steps");
  s.samples = batch * steps;
  return s;
}

ArchitectFigures architect_figures(const cost::CostReport& cost, const RunPerformance& p, const SampleCount& samples) {
  ArchitectFigures f;
  f.macs = p.total.macs;
  f.samples = samples;
  const double macs = static_cast<double>(f.macs), ops = 2.0 * macs, mm2 = cost.area.total_um2 * 1e-6;
  f.pj_per_mac = over(cost.energy_pj, macs);
  f.tops = over(ops, cost.seconds) * 1e-12;
  f.tops_per_w = over(ops, cost.energy_pj * 1e-12) * 1e-12;
  f.tops_per_mm2 = over(f.tops, mm2);
  f.peak_tops = 2.0 * p.rows * p.cols * p.clock_mhz * 1e6 * 1e-12;
  f.peak_tops_per_mm2 = over(f.peak_tops, mm2);
  f.samples_per_s = over(samples.samples, cost.seconds);
  f.energy_per_sample_pj = over(cost.energy_pj, samples.samples);
  return f;
}

nlohmann::ordered_json to_json(const ArchitectFigures& f) {
  return {{"macs", f.macs},
          {"samples", f.samples.samples},
          {"sample", f.samples.kind},
          {"energy_per_mac_pj", num(f.pj_per_mac)},
          {"tops", num(f.tops)},
          {"tops_per_w", num(f.tops_per_w)},
          {"tops_per_mm2", num(f.tops_per_mm2)},
          {"peak_tops", num(f.peak_tops)},
          {"peak_tops_per_mm2", num(f.peak_tops_per_mm2)},
          {"samples_per_s", num(f.samples_per_s)},
          {"energy_per_sample_pj", num(f.energy_per_sample_pj)}};
}

std::string per_sample(const SampleCount& s) { return "per " + (s.kind.empty() ? std::string("sample") : s.kind); }

std::string samples_noun(const SampleCount& s) {
  if (s.kind.empty()) return "samples";
  return s.kind.back() == 's' ? s.kind + "es" : s.kind + "s";
}

}  // namespace qtsim::reports
