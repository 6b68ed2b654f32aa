#pragma once
// Energy, area, latency and power of a simulated run from its action counts,
// the hardware configuration and a technology table (docs/COSTMODEL.md):
//
//   energy  = sum over kernels and actions of count x (pJ per count, action_map)
//           + leakage power x simulated time
//   area    = sum of instantiated units (PEs, array edge, SRAM banks, vector,
//             normalization and random-bit lanes) x (1 + area_overhead_fraction)
//   latency = cycles / clock;  average power = energy / latency
//
// Plain C++ (no SystemC), and nothing from sim/: it reads kernel records (the
// per-kernel rows of stats.json, read by sim/costinput), so `qtsim report DIR`
// can run from files alone.
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/cost/action_map.hpp"
#include "models/cost/tech_table.hpp"
#include "models/hw/core/actions.hpp"
#include "models/hw/core/hw_config.hpp"

namespace qtsim::cost {

// One kernel of a run: its labels, elapsed cycles and action counts (a row of
// stats.json "ops", written by sim/hwsim RunStats: a kernel of the step
// program summed over the steps, `runs` times in all).
struct KernelRecord {
  std::string layer;  // "" for step-level work (reported as "(step)")
  std::string op;
  std::string phase;  // forward | backward-data | backward-weights | update
  std::string path;   // W A E G U BN, or "" (reported as "(none)")
  std::string unit;   // mac_array | vector_unit | norm_unit
  std::uint64_t runs = 1;    // kernel runs the row sums ("kernels"; 1 when absent)
  std::uint64_t cycles = 0;  // its share of the wall clock ("attributed_cycles"; "cycles" when absent)
  hw::ActionCounts actions;
};

// sim/costinput/stats_kernels.hpp reads them from a stats.json.

// --- SRAM macros from the table's fits ----------------------------------------

struct SramMacro {
  std::string buffer;  // ifmap, filter, ofmap, vector
  double capacity_bytes = 0, bank_capacity_bytes = 0;
  int banks = 1, ports = 1, word_bytes = 8;
  double read_pj_per_access = 0, write_pj_per_access = 0;  // one word from one bank
  double read_pj_per_byte = 0, write_pj_per_byte = 0;      // per access / word_bytes
  double bank_area_um2 = 0, area_um2 = 0;                  // one bank with its ports; all banks
  double leakage_mw = 0;                                    // all banks
};
SramMacro sram_macro(const hw::SramSpec& spec, const TechTable& table);
const std::vector<std::string>& sram_buffers();  // ifmap, filter, ofmap, vector

// --- Area ------------------------------------------------------------------------

struct AreaItem {
  std::string component;  // mac_array.pe, mac_array.edge, sram.ifmap, vector_unit.lanes, ..., overhead
  std::string category;   // unit: mac_array, sram.ifmap, vector_unit, norm_unit, random_unit, overhead
  double instances = 0;
  double um2_each = 0;
  double um2 = 0;
  std::map<std::string, double> figures;  // plain figures in one instance: entry -> count ("sram.area_mm2" for a bank)
  std::string how;                        // in words
};

struct AreaBreakdown {
  std::vector<AreaItem> items;  // the overhead last
  double total_um2 = 0;
  double sram_um2 = 0;          // SRAM banks
  double logic_um2 = 0;         // everything else, overhead included
  std::map<std::string, double> by_figure_um2;  // total area behind each plain figure (overhead as area_overhead_fraction)
};

// Area of the instantiated units alone (no run needed: for iso-area sizing).
AreaBreakdown estimate_area(const hw::HwConfig& config, const TechTable& table);

// --- The report ----------------------------------------------------------------

struct ChargeCost {
  std::string figure;  // Charge::figure()
  double per_count = 0;
  double pj_each = 0;  // of the figure
};

struct ActionCost {  // one action of actions.hpp as charged in this run
  std::string action, category, why;
  std::uint64_t count = 0;
  std::vector<ChargeCost> charges;
  double pj_per_count = 0;
  double energy_pj = 0;
};

struct GroupCost {  // one layer, phase or data path
  std::string key;
  std::uint64_t kernels = 0, cycles = 0;
  double seconds = 0;
  double dynamic_pj = 0, leakage_pj = 0, energy_pj = 0;
  std::vector<std::pair<std::string, double>> by_unit_pj;  // unit_categories() order, leakage last
};

struct CostReport {
  std::string table_name, table_file, hw_name, technology;
  double clock_mhz = 0;
  std::uint64_t kernels = 0, cycles = 0;
  double seconds = 0;            // latency = cycles / clock
  double dynamic_pj = 0, leakage_pj = 0, energy_pj = 0;
  double leakage_mw = 0;         // static power
  double average_power_mw = 0;   // energy / latency
  std::vector<std::pair<std::string, double>> energy_by_unit_pj;   // unit_categories() order, leakage last
  std::vector<std::pair<std::string, double>> leakage_by_part_mw;  // sram.<buffer>..., logic
  std::vector<std::pair<std::string, double>> energy_by_figure_pj; // plain figures, largest first (leakage.* included)
  std::vector<ActionCost> actions;                                 // actions.hpp order, every action
  std::vector<SramMacro> sram;
  AreaBreakdown area;
  std::vector<GroupCost> by_layer, by_phase, by_path;              // in first-seen order
  std::vector<std::string> notes;                                  // facts a reader should know (mismatches)
};

// Every figure an action with a nonzero count needs must be in the table, or
// MissingFigure names the entry (or DRAM type) and what needs it. Area needs
// the entries of every instantiated unit (a unit with 0 lanes needs none).
CostReport estimate(const std::vector<KernelRecord>& kernels, const hw::HwConfig& config, const TechTable& table);

// Everything in the report, deterministic (no timestamps): re-running gives
// byte-identical text.
nlohmann::ordered_json to_json(const CostReport& report);

}  // namespace qtsim::cost
