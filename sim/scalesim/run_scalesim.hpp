#pragma once
// SCALE-Sim v2 inputs: each row of the topology is one layer whose FORWARD
// convolution is a GEMM (M output pixels, N filters, K window). Two outputs:
//
// COMPUTE_REPORT.csv, SCALE-Sim's own format and definitions (same columns,
// same digits; scalesim_metrics.hpp):
//   - InterfaceBandwidth CALC (and --ideal-memory): Total Cycles are SCALE-Sim's
//     compute cycles, which do not depend on the SRAM sizes:
//       OS ceil(P/R) ceil(N/C) (K + R + C - 2) - 1, WS ceil(K/R) ceil(N/C) (P + 2R + C - 2) - 1,
//       IS ceil(K/R) ceil(P/C) (N + 2R + C - 2) - 1 (fold_model.hpp), no stalls;
//   - InterfaceBandwidth USER: the compute cycles plus the stalls of SCALE-Sim's
//     demand-driven double-buffered scratchpad (one interface of Bandwidth
//     words per cycle for each of ifmap, filter and ofmap), reproduced by
//     scratchpad_model.hpp.
//
// stats.json (scalesim_stats.hpp): qtsim's run of the layers as a qtsim-stats
// file, so `qtsim report DIR` gives its energy, area and power.
//
// QTSIM_LAYER_REPORT.csv: the same layers on qtsim's own accelerator (the
// SystemC model, timing mode): int8 array of the cfg's size and dataflow, the
// cfg's SRAM sizes double-buffered (SCALE-Sim's words are 1 byte; our ofmap
// holds int32 partial sums, so it gets 4 bytes per word), one DRAM bus of
// Bandwidth words per cycle (10 when the cfg gives none), no latency or DMA
// setup (SCALE-Sim has none), a 1 GHz clock, and only the least vector,
// normalization and random-bit hardware (GEMMs never use them, and their
// area and leakage would be charged to the run); the mapper chooses each layer's
// tiles (the mapping is in the report). With --ideal-memory the accelerator
// has ideal memory too. Its cycles are qtsim's, not SCALE-Sim's: one shared
// bus instead of three interfaces, tiles that must fit a buffer slot.
//
// SystemC can elaborate and simulate once per process: call simulate_layers
// (or run_scalesim) once per process.
#include <cstdint>
#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/hw/core/actions.hpp"
#include "models/hw/core/hw_config.hpp"
#include "scalesim_config.hpp"
#include "scalesim_metrics.hpp"
#include "scalesim_topology.hpp"

namespace qtsim::scalesim {

struct ScaleSimOptions {
  std::string cfg_path;       // SCALE-Sim .cfg
  std::string topology_path;  // topology .csv; empty: the cfg's TopologyCsvLoc (relative to the cfg's directory)
  std::string out_dir;        // created if missing; COMPUTE_REPORT.csv and QTSIM_LAYER_REPORT.csv go here
  bool ideal_memory = false;  // SCALE-Sim's no-stall compute cycles; qtsim's accelerator with ideal memory
  TopologyFormat topology_format = TopologyFormat::from_header;
  std::vector<std::string> previous_run_files;  // files of an earlier run in out_dir to remove (util::OutputFolder)
};

// A layer on qtsim's accelerator (QTSIM_LAYER_REPORT.csv).
struct QtsimLayerRun {
  std::int64_t tiles = 0, folds = 0;
  std::int64_t busy_cycles = 0;     // MAC array
  std::int64_t elapsed_cycles = 0;  // first load to last store
  std::int64_t start_cycle = 0;     // when its first load started
  std::string tile, loop_order;     // the mapping chosen
  hw::ActionCounts actions;
  std::int64_t stall_cycles() const { return elapsed_cycles - busy_cycles; }
};

struct ScaleSimLayerResult {
  TopologyLayer layer;
  hw::GemmDims gemm;                 // the layer's forward GEMM (M pixels, N filters, K window)
  std::int64_t compute_cycles = 0;   // SCALE-Sim's compute cycles (fold_model.hpp's closed form)
  std::int64_t total_cycles = 0;     // COMPUTE_REPORT's Total Cycles
  std::int64_t stall_cycles = 0;     // COMPUTE_REPORT's Stall Cycles
  FoldMetrics metrics;               // of the layer's folds, SCALE-Sim's way
  QtsimLayerRun qtsim;
};

// The accelerator a .cfg describes for qtsim's run (see above), as a hardware
// document (workloads/schema/hw.schema.json: written into stats.json, read back
// by `qtsim report`) and as the checked configuration.
nlohmann::json scalesim_hw_document(const ScaleSimConfig& cfg);
hw::HwConfig scalesim_hw_config(const ScaleSimConfig& cfg, bool ideal_memory);

// Runs the forward GEMM of every layer, in order, on one accelerator in timing
// mode. `cfg_file` names the .cfg in errors (a buffer too small for a layer).
// `stop`, if given, is asked between layers; the run then ends early (fewer
// results). Runs a SystemC simulation: once per process.
std::vector<QtsimLayerRun> simulate_layers(const hw::HwConfig& config, const std::vector<TopologyLayer>& layers,
                                           const std::string& cfg_file = "", const std::function<bool()>& stop = {});

// SCALE-Sim's figures of every layer (COMPUTE_REPORT), given qtsim's runs.
std::vector<ScaleSimLayerResult> scalesim_results(const ScaleSimConfig& cfg, bool ideal_memory,
                                                  const std::vector<TopologyLayer>& layers,
                                                  const std::vector<QtsimLayerRun>& runs,
                                                  const std::function<bool()>& stop = {});

// SCALE-Sim's COMPUTE_REPORT.csv, byte for byte in its format:
//   "LayerID, Total Cycles, Stall Cycles, Overall Util %, Mapping Efficiency %, Compute Util %,"
std::string compute_report_csv(const std::vector<ScaleSimLayerResult>& results, const hw::HwConfig& config);
// One row per layer: its shape, GEMM, SCALE-Sim's cycles, and qtsim's run of
// it (mapping, tiles, folds, busy and elapsed cycles, DRAM and SRAM traffic).
std::string layer_report_csv(const std::vector<ScaleSimLayerResult>& results, const hw::HwConfig& config);

// Loads the inputs, simulates, writes the reports (as one set, util::OutputFolder)
// into out_dir and a per-layer summary to `out`. Returns 0. Bad inputs throw
// input::InputError (the command line prints them and exits with code 2); a
// signal between layers writes nothing and returns 128 + the signal.
int run_scalesim(const ScaleSimOptions& options, std::ostream& out);

}  // namespace qtsim::scalesim
