#pragma once
// Time and utilization of a simulated run, from the per-kernel rows ("ops")
// of stats.json: cycles, busy and stall cycles, and the MAC array's useful
// work, summed by layer, phase and unit in first-seen order. Read from the
// kernel rows rather than stats.json's own sums so every breakdown of a report
// comes from the same rows as the cost model's.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/hw/core/hw_config.hpp"

namespace qtsim::reports {

// Kernels on different units overlap: `cycles` is the row's share of the
// wall clock (attributed cycles, docs/HARDWARE.md), `elapsed_cycles` the sum
// of its kernels' start-to-finish times, of which the unit was busy for
// `busy_cycles` and stalled on transfers for the rest.
struct PerfRow {
  std::string key;
  std::uint64_t kernels = 0, cycles = 0, elapsed_cycles = 0, busy_cycles = 0;
  std::uint64_t macs = 0, pe_cycles = 0;  // useful MACs; PE-cycles of folds (array.pe_cycles)
  std::uint64_t stall_cycles() const { return elapsed_cycles - busy_cycles; }
  double stall_share() const {
    return elapsed_cycles ? static_cast<double>(stall_cycles()) / static_cast<double>(elapsed_cycles) : 0.0;
  }
};

struct RunPerformance {
  double clock_mhz = 0;
  int rows = 0, cols = 0;
  PerfRow total;
  std::vector<PerfRow> layers, phases, units;  // layer "" as "(step)"
  double seconds(const PerfRow& r) const { return clock_mhz > 0 ? static_cast<double>(r.cycles) / (clock_mhz * 1e6) : 0.0; }
  // Useful MACs per PE per cycle of the row's elapsed time.
  double array_utilization(const PerfRow& r) const;
  // Useful MACs per PE-cycle of the array's folds (how full the folds are).
  double array_compute_utilization(const PerfRow& r) const;
  // Busy cycles of `unit` over the whole run's cycles.
  double unit_busy_share(const std::string& unit) const;
};

// Throws input::InputError naming `file` and the JSON pointer of a missing or
// malformed row or field.
RunPerformance performance_from_stats(const nlohmann::json& stats, const hw::HwConfig& config, const std::string& file);

}  // namespace qtsim::reports
