#pragma once
// SCALE-Sim v2 inputs on qtsim's accelerator: each row of the topology is one
// layer whose FORWARD convolution runs as a GEMM on the MAC array (GemmKernel,
// int8 operands, int32 outputs) in timing mode, one layer after another; the
// outputs are SCALE-Sim's COMPUTE_REPORT.csv (same columns, same definitions,
// see scalesim_metrics.hpp) and our richer QTSIM_LAYER_REPORT.csv.
//
// The hardware comes from the .cfg: ArrayHeight x ArrayWidth, Dataflow, the
// three SRAM sizes (SCALE-Sim's words are 1 byte; our ofmap holds int32 partial
// sums, so it gets 4 bytes per word), double-buffered as SCALE-Sim's buffers
// are (half active); a 1 GHz clock, so a DRAM bandwidth of B words per cycle
// (InterfaceBandwidth USER, Bandwidth B) is B GB/s; with CALC the bandwidth is
// unlimited (SCALE-Sim then estimates the bandwidth the run needs, without
// stalls). No DRAM latency or DMA setup time (SCALE-Sim has none).
//
// Differences to keep in mind: our DRAM is one bus shared by all transfers,
// where SCALE-Sim gives each of its three buffers its own interface of that
// bandwidth; our buffers must hold a block's operands, so a small SRAM cuts a
// layer into blocks (more folds, partial folds) where SCALE-Sim only stalls.
// With `ideal_memory` the SRAMs are made large enough for any layer and the
// bandwidth unlimited: every layer is one block, no transfer stalls the array,
// and Total Cycles are SCALE-Sim's compute cycles exactly:
//   OS ceil(P/R) ceil(K/C) (W + R + C - 2) - 1, WS ceil(W/R) ceil(K/C) (P + 2R + C - 2) - 1,
//   IS ceil(W/R) ceil(P/C) (K + 2R + C - 2) - 1 (fold_model.hpp).
// Total Cycles = cycles from the layer's first DMA load to its last store;
// Stall Cycles = Total Cycles - the array's busy cycles.
//
// SystemC can elaborate and simulate once per process: call simulate_layers
// (or run_scalesim) once per process.
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

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
  bool ideal_memory = false;  // SRAMs as large as needed and unlimited bandwidth: SCALE-Sim's no-stall compute cycles
  std::vector<std::string> previous_run_files;  // files of an earlier run in out_dir to remove (util::OutputFolder)
};

struct ScaleSimLayerResult {
  TopologyLayer layer;
  hw::GemmDims gemm;                 // the layer's forward GEMM (M pixels, N filters, K window)
  std::int64_t blocks = 0;           // blocks the SRAM sizes cut it into
  std::int64_t folds = 0;            // folds over all blocks
  std::int64_t compute_cycles = 0;   // MAC array busy
  std::int64_t formula_cycles = 0;   // fold_model.hpp's closed form for the whole layer as one block
  std::int64_t total_cycles = 0;     // first load to last store
  std::int64_t stall_cycles = 0;     // total - compute
  FoldMetrics metrics;
  hw::ActionCounts actions;
};

// The accelerator a .cfg describes (see above).
hw::HwConfig scalesim_hw_config(const ScaleSimConfig& cfg, bool ideal_memory);

// Runs the forward GEMM of every layer, in order, on one accelerator in timing
// mode. `cfg_file` names the .cfg in errors (a buffer too small for a layer).
// Runs a SystemC simulation: once per process.
std::vector<ScaleSimLayerResult> simulate_layers(const hw::HwConfig& config, const std::vector<TopologyLayer>& layers,
                                                 const std::string& cfg_file = "");

// SCALE-Sim's COMPUTE_REPORT.csv, byte for byte in its format:
//   "LayerID, Total Cycles, Stall Cycles, Overall Util %, Mapping Efficiency %, Compute Util %,"
std::string compute_report_csv(const std::vector<ScaleSimLayerResult>& results, const hw::HwConfig& config);
// One row per layer with its shape, GEMM, folds, cycles, utilizations, DRAM and SRAM traffic.
std::string layer_report_csv(const std::vector<ScaleSimLayerResult>& results, const hw::HwConfig& config);

// Loads the inputs, simulates, writes the reports (as one set, util::OutputFolder)
// into out_dir and a per-layer summary to `out`. Returns 0. Bad inputs throw
// input::InputError (the command line prints them and exits with code 2); a
// signal between layers throws util::Interrupted and nothing is written.
int run_scalesim(const ScaleSimOptions& options, std::ostream& out);

}  // namespace qtsim::scalesim
