#pragma once
// What a simulated run cost, kernel by kernel, and its totals per layer, per
// phase and per unit: cycles, stall cycles, utilization, every action count,
// and the mapping the mapper chose for every GEMM. Written as stats.json and
// CSV files (docs/HARDWARE.md "Outputs"); the cost model (models/cost) turns
// the action counts into energy.
//
// Kernels on different units overlap in time, so each kernel's cycles are
// counted two ways: elapsed (its start to its last store) and attributed (its
// share of the step's wall-clock cycles: every cycle is split evenly among the
// kernels running then). Attributed cycles add up to the step's cycles; they
// are what a layer's or a phase's latency and leakage are charged with.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/hw/core/hw_config.hpp"
#include "models/hw/mapping/gemm_mapper.hpp"
#include "models/hw/units/controller.hpp"

namespace qtsim::hwsim {

struct OpRecord {
  std::int64_t step = 0;
  hw::KernelStats k;
  std::uint64_t attributed_cycles = 0;
};

// The mapping of one GEMM kernel and what it cost when it ran.
struct MappingRecord {
  std::string layer;
  hw::Phase phase = hw::Phase::forward;
  hw::GemmDims dims;                // of one group's GEMM
  std::int64_t groups = 1;          // a grouped convolution runs `groups` such GEMMs with the same mapping
  hw::MapperResult chosen;
  hw::GemmTraffic traffic;         // operand and output bytes the kernel moved
  std::uint64_t busy_cycles = 0;   // the MAC array's folds
  std::uint64_t output_stage_cycles = 0;  // on-chip requantization after the folds (0 when the results went to DRAM)
  std::uint64_t elapsed_cycles = 0;
  std::string outputs;             // where the results went: "to DRAM", "on chip: ...", or why not on chip
};

// A sum over kernels.
struct Totals {
  std::uint64_t cycles = 0;          // wall clock (a step, a run) or attributed (a group)
  std::uint64_t elapsed_cycles = 0;  // sum of the kernels' elapsed cycles
  std::uint64_t busy_cycles = 0, kernels = 0, tiles = 0;
  std::map<hw::Unit, std::uint64_t> unit_busy;
  hw::ActionCounts actions;
  void add(const OpRecord& r);
  // Cycles kernels spent waiting for transfers (elapsed but their unit idle).
  std::uint64_t stall_cycles() const { return elapsed_cycles - busy_cycles; }
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
  // The kernels of one completed step, in program order, and its cycles.
  void add_step(std::int64_t step, const std::vector<hw::KernelStats>& kernels, std::uint64_t cycles);
  void add_mapping(const MappingRecord& m) { mappings_.push_back(m); }
  const std::vector<OpRecord>& ops() const { return ops_; }
  const std::vector<MappingRecord>& mappings() const { return mappings_; }
  Totals total() const;
  // Sums keyed by layer (in first-seen order), by phase, by unit.
  std::vector<std::pair<std::string, Totals>> by_layer() const;
  std::vector<std::pair<std::string, Totals>> by_phase() const;
  std::vector<std::pair<std::string, Totals>> by_unit() const;
  // Keyed by the kernel's labels (layer, op, phase, path, unit), in first-seen order.
  std::vector<KernelTotals> by_kernel() const;

  nlohmann::ordered_json to_json() const;  // totals, phases, units, layers, mappings, ops (per kernel, summed over steps)
  std::string ops_csv() const;
  std::string layers_csv() const;
  std::string phases_csv() const;
  std::string mappings_csv() const;
  // Fraction of the MAC array's PE-cycles doing useful MACs over `cycles`.
  double array_utilization(const Totals& t) const;

 private:
  nlohmann::ordered_json totals_json(const Totals& t) const;
  std::string csv(const std::string& key, const std::vector<std::pair<std::string, Totals>>& rows) const;

  hw::HwConfig config_;
  std::vector<OpRecord> ops_;
  std::vector<std::pair<std::int64_t, std::uint64_t>> steps_;  // step, wall cycles
  std::vector<MappingRecord> mappings_;
};

// Each kernel's share of the wall clock: every cycle from the first start to
// the last end is split evenly among the kernels running in it (remainders to
// the earliest started). The shares add up to the span.
std::vector<std::uint64_t> attributed_cycles(const std::vector<hw::KernelStats>& kernels);

}  // namespace qtsim::hwsim
