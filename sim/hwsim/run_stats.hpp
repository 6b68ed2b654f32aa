#pragma once
// What a simulated run cost, kernel by kernel, and its totals per layer, per
// phase and per unit: cycles, stall cycles, utilization, every action count.
// Written as stats.json and CSV files (docs/HARDWARE.md "Outputs"); the cost
// model (models/cost) turns the action counts into energy.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/hw/core/hw_config.hpp"
#include "models/hw/units/controller.hpp"

namespace qtsim::hwsim {

struct OpRecord {
  std::int64_t step = 0;
  hw::KernelStats k;
};

// A sum over kernels.
struct Totals {
  std::uint64_t cycles = 0, busy_cycles = 0, kernels = 0, tiles = 0;
  std::map<hw::Unit, std::uint64_t> unit_busy;
  hw::ActionCounts actions;
  void add(const hw::KernelStats& k);
  std::uint64_t stall_cycles() const { return cycles - busy_cycles; }
};

// One kernel of the step program (same labels), summed over the steps.
struct KernelTotals {
  hw::KernelLabel label;
  Totals totals;
};

// A CSV field, quoted when it holds a comma, a quote or a newline.
std::string csv_cell(const std::string& v);

class RunStats {
 public:
  explicit RunStats(const hw::HwConfig& config) : config_(config) {}
  void add(std::int64_t step, const hw::KernelStats& k);
  const std::vector<OpRecord>& ops() const { return ops_; }
  Totals total() const;
  // Sums keyed by layer (in first-seen order), by phase, by unit.
  std::vector<std::pair<std::string, Totals>> by_layer() const;
  std::vector<std::pair<std::string, Totals>> by_phase() const;
  std::vector<std::pair<std::string, Totals>> by_unit() const;
  // Keyed by the kernel's labels (layer, op, phase, path, unit), in first-seen order.
  std::vector<KernelTotals> by_kernel() const;

  nlohmann::ordered_json to_json() const;  // totals, phases, units, layers, ops (per kernel, summed over steps)
  std::string ops_csv() const;
  std::string layers_csv() const;
  std::string phases_csv() const;
  // Fraction of the MAC array's PE-cycles doing useful MACs over `cycles`.
  double array_utilization(const Totals& t) const;

 private:
  nlohmann::ordered_json totals_json(const Totals& t) const;
  std::string csv(const std::string& key, const std::vector<std::pair<std::string, Totals>>& rows) const;

  hw::HwConfig config_;
  std::vector<OpRecord> ops_;
};

}  // namespace qtsim::hwsim
