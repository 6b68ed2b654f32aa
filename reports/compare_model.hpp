#pragma once
// The side-by-side comparison of `qtsim compare`, computed from the designs'
// simulated kernels alone (no SystemC): every design's cost under a
// technology table, its ratios to the baseline, the normalization stage in
// its three scopes (norm_stage.hpp), what drives each ratio, the same ratios
// under a low-leakage SRAM assumption and under each --vary range (costs are
// re-estimated from the same action counts: no figure of a table changes a
// count or a cycle).
//
// Ratios are baseline / design: above 1 the design uses less energy, area or
// power than the baseline, or is faster (latency).
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/cost/cost_model.hpp"
#include "models/cost/tech_table.hpp"
#include "reports/norm_stage.hpp"
#include "reports/ratio_drivers.hpp"
#include "reports/run_performance.hpp"

namespace qtsim::reports {

struct CompareDesign {
  std::string key;            // baseline, candidate, iso-area, wageubn, dfp
  std::string label;          // "FP32-BN 16x16"
  std::string role;           // one sentence: what it is in the comparison
  std::string derivation;     // how its hardware was chosen: a preset, as given, or derived from another design
  std::string workload;       // the workload variant's name
  std::string scheme;         // scheme preset name
  nlohmann::json hardware;    // the checked hardware document
  hw::HwConfig config;
  nlohmann::json stats;       // its stats.json document (kernel rows in "ops")
  nlohmann::json ideal_stats; // the same design run with ideal memory (null when not run)
};

struct CompareInput {
  std::string workload_file;              // as given
  std::string workload_name;
  std::vector<CompareDesign> designs;     // the baseline first, the candidate second
  std::map<std::string, cost::TechTable> tables;  // by the designs' technology (hw "technology", or the --tech table)
  std::map<std::string, std::string> design_table;  // design key -> tables key
  nlohmann::ordered_json workloads;       // the derived workload documents, embedded in compare.json
  nlohmann::ordered_json iso_area;        // how the iso-area design was matched
  std::vector<std::string> notes;         // choices a reader should know (defaults, overrides)
  std::vector<std::string> warnings;      // what makes a ratio mean less than it seems (also on stdout)
  // False when the network has nothing to normalize (no batchnorm layer in its
  // BN variant): the normalization-stage ratios are then undefined (NaN, "n/a").
  bool has_normalization = true;
  std::vector<cost::VariationRange> variations;  // --vary
  double low_leakage_factor = 0.01;       // the low-power SRAM assumption
};

// One design under one set of tables.
struct DesignCost {
  std::string key;
  cost::CostReport cost;
  RunPerformance performance;
  std::map<NormScope, StageCost> stages;
};

struct RatioSet {  // baseline / design
  double energy = 0, area = 0, latency = 0, power = 0;
};

struct StageRatios {  // baseline stage / design stage
  double energy = 0, latency = 0, power = 0, dynamic_power = 0, unit_power = 0, area = 0;
};

struct Evaluation {
  std::vector<DesignCost> designs;  // CompareInput order
  bool has_normalization = true;    // CompareInput::has_normalization
  const DesignCost& design(const std::string& key) const;
  RatioSet ratios(const std::string& key) const;                   // vs designs[0]
  StageRatios stage_ratios(const std::string& key, NormScope s) const;
};

// Costs every design under `tables` (the comparison's, or varied copies).
// `ideal_memory`: from each design's ideal_stats instead of its stats.
Evaluation evaluate(const CompareInput& in, const std::map<std::string, cost::TechTable>& tables, bool ideal_memory = false);

// Copies of the tables with one path set to `value` in each (throws
// input::InputError for a path a table does not have).
std::map<std::string, cost::TechTable> varied_tables(const std::map<std::string, cost::TechTable>& tables,
                                                     const std::string& path, double value);

struct RatioDrivers {
  std::string design;
  DriverSet energy, power, area;             // whole design vs baseline
  std::map<NormScope, DriverSet> stage_energy, stage_power;
  // Latency: cycles by unit (busy) and stalls, baseline vs design.
  DriverSet latency;
};
RatioDrivers drivers_for(const Evaluation& e, const std::string& key, std::size_t count = 5);

// One ratio followed across a --vary range.
struct SensitivityRow {
  std::string path;
  double low_value = 0, default_value = 0, high_value = 0;
  std::string quantity;  // "candidate energy", "candidate norm inference power", ...
  double low = 0, base = 0, high = 0;
};

// Everything the renderers need.
struct Comparison {
  const CompareInput& input;
  Evaluation base;                     // the tables as given
  Evaluation low_leakage;              // sram.leakage_factor = input.low_leakage_factor
  std::optional<Evaluation> ideal;     // every design with ideal memory (when every design has ideal_stats)
  std::vector<RatioDrivers> drivers;   // every design but the baseline
  std::vector<SensitivityRow> sensitivity;
};

// Throws input::InputError for a --vary path no table has.
Comparison compare(const CompareInput& in);

// The quantities followed by the sensitivity rows, and their value in an evaluation.
std::vector<std::string> sensitivity_quantities(const CompareInput& in);
double sensitivity_value(const Evaluation& e, const std::string& quantity);

}  // namespace qtsim::reports
