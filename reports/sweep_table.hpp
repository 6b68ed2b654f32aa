#pragma once
// A collected sweep (`qtsim sweep collect`): every planned point in plan order
// with its parameters, status and, when it ran, the figures of its training
// step. Plain data, so that the writers (CSV, JSON, HTML) and the analyses
// (Pareto fronts, the FP32-BN vs int8-EOQ ratios) need nothing of sim/.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace qtsim::reports {

// The figures of one design point (sim/sweep/design_figures.hpp defines the efficiency ones).
struct SweepFigures {
  std::uint64_t cycles = 0, macs = 0, dram_bytes = 0;
  double latency_s = 0, energy_j = 0, area_mm2 = 0, power_w = 0;
  double pj_per_mac = 0, tops_per_w = 0, tops_per_mm2 = 0;
  double utilization = 0;  // MAC array: useful MACs / (PEs x cycles)
  std::string technology;  // the technology table's name
};

// NaN figures (undefined ratios) are written as null and read back as NaN.
nlohmann::ordered_json figures_to_json(const SweepFigures& f);
// Throws nlohmann::json::exception for a malformed object.
SweepFigures figures_from_json(const nlohmann::json& j);

enum class PointStatus { ok, failed, skipped, missing };
std::string to_string(PointStatus s);

struct SweepPoint {
  std::string id;
  nlohmann::ordered_json parameters;  // name -> value, in the sweep's parameter order
  PointStatus status = PointStatus::missing;
  std::string detail;  // failed: the error; skipped: the constraint it violates
  std::string mode;    // timing | exact (points that ran)
  SweepFigures figures;  // ok points
};

// The value of parameter `name` as text, "" when the point has none.
std::string parameter_of(const SweepPoint& p, const std::string& name);

struct SweepTable {
  std::string name, description;
  std::vector<std::string> parameter_names;
  std::uint64_t grid_points = 0;
  std::optional<std::uint64_t> sampled;  // points drawn, when a sample
  std::vector<SweepPoint> points;        // plan order
  std::size_t count(PointStatus s) const;
};

// "workload=resnet18 variant=int8-eoq array=16" (string values unquoted).
std::string parameters_line(const nlohmann::ordered_json& parameters);
// One parameter's value as text ("16", "os").
std::string parameter_text(const nlohmann::ordered_json& value);

}  // namespace qtsim::reports
