#include "sweep_table.hpp"

#include <cmath>

namespace qtsim::reports {

using nlohmann::json;
using nlohmann::ordered_json;

ordered_json figures_to_json(const SweepFigures& f) {
  // nlohmann writes NaN as null.
  return {{"cycles", f.cycles},         {"latency_s", f.latency_s},   {"energy_j", f.energy_j},
          {"area_mm2", f.area_mm2},     {"power_w", f.power_w},       {"macs", f.macs},
          {"pj_per_mac", f.pj_per_mac}, {"tops_per_w", f.tops_per_w}, {"tops_per_mm2", f.tops_per_mm2},
          {"utilization", f.utilization}, {"dram_bytes", f.dram_bytes}, {"technology", f.technology}};
}

SweepFigures figures_from_json(const json& j) {
  auto number = [&](const char* key) { return j.at(key).is_null() ? std::nan("") : j.at(key).get<double>(); };
  SweepFigures f;
  f.cycles = j.at("cycles");
  f.latency_s = number("latency_s");
  f.energy_j = number("energy_j");
  f.area_mm2 = number("area_mm2");
  f.power_w = number("power_w");
  f.macs = j.at("macs");
  f.pj_per_mac = number("pj_per_mac");
  f.tops_per_w = number("tops_per_w");
  f.tops_per_mm2 = number("tops_per_mm2");
  f.utilization = number("utilization");
  f.dram_bytes = j.at("dram_bytes");
  f.technology = j.at("technology");
  return f;
}

std::string to_string(PointStatus s) {
  switch (s) {
    case PointStatus::ok: return "ok";
    case PointStatus::failed: return "failed";
    case PointStatus::skipped: return "skipped";
    case PointStatus::missing: return "missing";
  }
  return "missing";
}

std::size_t SweepTable::count(PointStatus s) const {
  std::size_t n = 0;
  for (const SweepPoint& p : points) n += p.status == s;
  return n;
}

std::string parameter_text(const ordered_json& value) { return value.is_string() ? value.get<std::string>() : value.dump(); }

std::string parameter_of(const SweepPoint& p, const std::string& name) {
  return p.parameters.contains(name) ? parameter_text(p.parameters[name]) : "";
}

std::string parameters_line(const ordered_json& parameters) {
  std::string s;
  for (const auto& [k, v] : parameters.items()) s += (s.empty() ? "" : " ") + k + "=" + parameter_text(v);
  return s;
}

}  // namespace qtsim::reports
