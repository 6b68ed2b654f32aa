#pragma once
// A mapping of one GEMM onto the MAC array and its buffers (Timeloop's word):
// tile sizes along M, N and K and the loop order that visits the tiles. The
// array runs folds (fold_model.hpp): two indices of the GEMM are spread over
// the array's rows and columns, the third streams through. Tiles are aligned
// to the array along the two spread indices (multiples of R and C, or the
// whole index), so they cut no fold in two and the folds of all tiles are
// exactly the folds of the GEMM as one block. When the streamed index is cut
// into chunks, the loop over chunks is innermost, each tile holds a single
// fold and the chunks are at least as long as the array's skew (max(R, C)),
// the fold's stream goes on from chunk to chunk: partial sums stay in
// the array (output-stationary) or the stationary operand stays (weight- and
// input-stationary), and the fill and drain are paid once per fold, as
// SCALE-Sim's double-buffered scratchpad assumes. Otherwise each tile's folds
// pay their own fill and drain.
//
// The output block is the part of the output that stays in the output buffer
// while the reduction runs: the tile, widened to the whole index for each
// output loop inside the reduction loop.
#include <array>
#include <cstdint>
#include <string>

#include "models/hw/core/hw_config.hpp"
#include "models/hw/mapping/gemm_geometry.hpp"

namespace qtsim::hw {

enum class GemmLoop : std::uint8_t { m, n, k };
char to_char(GemmLoop l);

// The indices a dataflow spreads over the array's rows and columns and the one
// it streams (fold_model.hpp).
struct FoldAxes {
  GemmLoop rows, cols, stream;
};
FoldAxes fold_axes(Dataflow df);
// Fill and drain cycles of one fold: R + C - 2 (OS), 2R + C - 2 (WS, IS).
std::int64_t fold_overhead(Dataflow df, std::int64_t rows, std::int64_t cols);

// Bytes a GEMM's tiles moved between DRAM and its buffers (the boxes' bytes;
// the DMA rounds each transfer up to whole bursts), and how often each operand
// was loaded.
struct GemmTraffic {
  std::uint64_t a_bytes = 0, b_bytes = 0, out_bytes = 0;
  std::uint64_t a_loads = 0, b_loads = 0;
};

// Where a tile sits in the mapping's loop nest.
struct TilePlace {
  GemmTile tile;
  std::array<std::int64_t, 3> index{};  // tile index along m, n, k
  std::int64_t block = 0;               // output block number
  IndexRange block_m, block_n;          // the output block's rows and columns
  bool block_first = false, block_last = false;  // first / last tile of its output block
  bool first_k = false, last_k = false;          // first / last chunk of the reduction for this tile's outputs
  std::int64_t folds = 0;                        // folds of the array this tile runs (or continues)
  std::int64_t cycles = 0;                       // MAC array busy cycles of the tile
  bool continues = false;                        // continues the previous tile's folds
};

struct GemmMapping {
  Dataflow dataflow = Dataflow::os;
  std::int64_t array_rows = 1, array_cols = 1;
  GemmDims whole;
  std::array<std::int64_t, 3> tile_size{1, 1, 1};  // along m, n, k
  std::array<GemmLoop, 3> order{GemmLoop::m, GemmLoop::n, GemmLoop::k};  // outer to inner

  std::int64_t extent(GemmLoop l) const;                 // the GEMM's size along l
  std::int64_t size(GemmLoop l) const { return tile_size[static_cast<std::size_t>(l)]; }
  std::int64_t trips(GemmLoop l) const;                  // tiles along l
  std::int64_t tiles() const { return trips(GemmLoop::m) * trips(GemmLoop::n) * trips(GemmLoop::k); }
  int position(GemmLoop l) const;                        // 0 outermost .. 2 innermost
  // The streamed chunks continue their folds (see above).
  bool continues_folds() const;
  // Output block extents along m and n.
  std::int64_t block_rows() const;
  std::int64_t block_cols() const;
  std::int64_t blocks() const;
  // Times operand A (m, k), operand B (k, n) is loaded: once per change of its
  // tile between consecutive tiles of the loop nest.
  std::int64_t a_loads() const;
  std::int64_t b_loads() const;
  // MAC array busy cycles of all tiles (the GEMM's last cycle is cycle N-1:
  // one less than the sum, as SCALE-Sim counts), its folds, and the same GEMM
  // as one block (SCALE-Sim's compute cycles).
  std::int64_t array_cycles() const;
  std::int64_t folds() const;
  std::int64_t whole_cycles() const;
  // Tile number t of the loop nest.
  TilePlace place(std::int64_t t) const;
  std::string order_string() const;  // "m>n>k", outermost first
  std::string tile_string() const;   // "64x32x576" (m x n x k)
};

}  // namespace qtsim::hw
