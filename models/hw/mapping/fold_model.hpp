#pragma once
// How a GEMM block maps onto an R x C systolic array in each dataflow, after
// SCALE-Sim v2 (no DRAM stalls): a block of M rows (output pixels), N columns
// (filters) and a reduction of length K runs as folds; each fold keeps one
// operand stationary and streams the other through.
//   OS: folds ceil(M/R) * ceil(N/C), each K + R + C - 2 cycles
//   WS: folds ceil(K/R) * ceil(N/C), each M + 2R + C - 2 cycles
//   IS: folds ceil(K/R) * ceil(M/C), each N + 2R + C - 2 cycles
// A layer computed as one block takes folds * fold_cycles - 1 cycles (SCALE-Sim
// counts from cycle 0). The clocked cycle-by-cycle array in tests/hw
// (systolic_clocked_test.cpp) proves these under SCALE-Sim's conventions: a
// fold lasts from the edge latching its first operand into the array to the
// edge completing its last result in an array register (OS accumulator, WS/IS
// bottom-row partial sum), inclusive; WS/IS include the R cycles that shift the
// stationary operand in; folds run back to back without overlap; moving a
// result into the output register below the array takes one more edge, which
// is the next fold's first edge and is not counted; a partial fold is charged
// the full length (null operands pad the unused rows and columns, although its
// last valid result is earlier: OS K + r + c - 2 for r rows and c columns used).
#include <cstdint>

#include "models/hw/core/hw_config.hpp"

namespace qtsim::hw {

struct GemmDims {
  std::int64_t m = 0, n = 0, k = 0;  // rows, columns, reduction
};

struct FoldPlan {
  std::int64_t folds = 0;        // number of folds
  std::int64_t fold_cycles = 0;  // cycles of each fold
  std::int64_t reduction_folds = 1;  // folds along the reduction (partial sums revisit the output buffer)
  constexpr std::int64_t cycles() const { return folds * fold_cycles; }
};

constexpr std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return (a + b - 1) / b; }

constexpr FoldPlan fold_plan(Dataflow df, std::int64_t rows, std::int64_t cols, const GemmDims& g) {
  switch (df) {
    case Dataflow::os: return {ceil_div(g.m, rows) * ceil_div(g.n, cols), g.k + rows + cols - 2, 1};
    case Dataflow::ws: return {ceil_div(g.k, rows) * ceil_div(g.n, cols), g.m + 2 * rows + cols - 2, ceil_div(g.k, rows)};
    case Dataflow::is: return {ceil_div(g.k, rows) * ceil_div(g.m, cols), g.n + 2 * rows + cols - 2, ceil_div(g.k, rows)};
  }
  return {};
}

// SCALE-Sim's compute cycles of a layer computed as one block.
constexpr std::int64_t scalesim_cycles(Dataflow df, std::int64_t rows, std::int64_t cols, const GemmDims& g) {
  return fold_plan(df, rows, cols, g).cycles() - 1;
}

}  // namespace qtsim::hw
