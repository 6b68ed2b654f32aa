#pragma once
// SCALE-Sim v2's per-layer figures in COMPUTE_REPORT.csv, computed its way
// (scalesim/compute/systolic_compute_{os,ws,is}.py and single_layer_sim.py in
// scalesim-project/scale-sim-v2):
//
//   Overall Util %       = MACs * 100 / (Total Cycles * rows * cols)
//                          (MACs = ofmap pixels * filters * window; Total Cycles
//                          includes the stall cycles)
//   Mapping Efficiency % = mean over folds of (PEs mapped in the fold / all PEs) * 100
//   Compute Util %       = mean over folds of MACs of the fold / (PEs * fold cycles) * 100
//
// A fold maps a block of the operand matrices onto the array: OS maps output
// pixels x filters (SCALE-Sim's Sr x Sc), WS window x filters, IS window x
// output pixels; the PEs mapped are rows_used * cols_used, the fold's MACs are
// rows_used * cols_used * T with T the streamed dimension (OS window, WS output
// pixels, IS filters). SCALE-Sim's fold cycles here are the fold's demand-matrix
// length plus its width minus one: T + R + C - 2 for OS (the fold's length),
// but 2R + 2C + T - 3 for WS and IS (their demand matrices are not skewed, and
// the width C is added once more than the fold lasts). We reproduce both as
// SCALE-Sim computes them. Folds are visited in SCALE-Sim's order (column folds
// outer, row folds inner) and averaged in double precision as Python does, so
// the printed figures match SCALE-Sim's digit for digit.
#include <cstdint>
#include <string>

#include "models/hw/core/hw_config.hpp"
#include "models/hw/mapping/fold_model.hpp"

namespace qtsim::scalesim {

struct FoldMetrics {
  std::int64_t folds = 0;
  double mapping_sum = 0.0;  // sum over folds of mapped PEs / all PEs
  double util_sum = 0.0;     // sum over folds of MACs / (PEs * SCALE-Sim's fold cycles)

  // Adds the folds of one GEMM block (rows m, columns n, reduction k).
  void add(hw::Dataflow df, std::int64_t rows, std::int64_t cols, const hw::GemmDims& g);
  double mapping_efficiency_percent() const { return folds ? mapping_sum / static_cast<double>(folds) * 100.0 : 0.0; }
  double compute_util_percent() const { return folds ? util_sum / static_cast<double>(folds) * 100.0 : 0.0; }
};

double overall_util_percent(std::int64_t macs, std::int64_t total_cycles, std::int64_t pes);

// A double as Python's str() prints it (shortest round-trip digits, ".0" on
// whole numbers, exponent below 1e-4 and from 1e16), as in SCALE-Sim's CSVs.
std::string python_float(double v);

}  // namespace qtsim::scalesim
