#pragma once
// The three GEMMs of a convolution (a linear layer is a 1x1 convolution of
// 1x1 images) and how they are cut into blocks that fit the SRAM buffers.
//   forward           rows (n, p, q)  columns k        reduction (c, r, s)
//   backward-data     rows (n, h, w)  columns c        reduction (k, r, s)  (taps of the dilated error)
//   backward-weights  rows k          columns (c, r, s) reduction (n, p, q)
// The reduction runs in the canonical order of docs/NUMERICS.md §5 in every
// dataflow, so saturating narrow accumulators give the reference's results.
// A block is a range of images, a range of spatial rows, a range of columns
// and a range of the reduction's outer index; its operands are boxes of the
// tensors in DRAM, which the DMA brings into SRAM whole.
#include <cstdint>
#include <string>

#include "models/hw/core/tensor_region.hpp"
#include "models/hw/kernels/gemm/fold_model.hpp"

namespace qtsim::hw {

enum class ConvPass { forward, backward_data, backward_weights };
std::string to_string(ConvPass p);

struct ConvShape {
  std::int64_t n = 1, c = 1, h = 1, w = 1;  // input
  std::int64_t k = 1, r = 1, s = 1;         // filters
  std::int64_t stride = 1, pad = 0;
  std::int64_t p() const { return (h + 2 * pad - r) / stride + 1; }
  std::int64_t q() const { return (w + 2 * pad - s) / stride + 1; }
};

// Block sizes. `images` and `rows` cut the batch and the spatial rows (output
// rows p for forward and backward-weights, input rows h for backward-data);
// `cols` cuts the column index (k forward, c backward); `red` cuts the
// reduction's outer index (c forward, k backward-data) or, for
// backward-weights, the GEMM rows k. For backward-weights images and rows are
// the reduction.
struct ConvBlocking {
  std::int64_t images = 1, rows = 1, cols = 1, red = 1;
};

// One block: its ranges, operand boxes and GEMM dimensions.
struct ConvBlock {
  std::int64_t n0 = 0, nn = 1;  // images
  std::int64_t y0 = 0, ny = 1;  // spatial rows
  std::int64_t c0 = 0, nc = 1;  // column outer index
  std::int64_t r0 = 0, nr = 1;  // reduction outer index (backward-weights: GEMM rows k)
  bool first_reduction = true;  // first block of its output block
  bool last_reduction = true;   // last block of its output block
  std::int64_t output_block = 0;
  Box a, b, out;                // boxes of operand A, operand B and the output
  GemmDims dims;
};

class ConvTiling {
 public:
  // Chooses blocks whose operands fit the given slot sizes (bytes); throws
  // std::runtime_error naming the buffer when even the smallest block does not.
  // `whole_reduction`: never split the reduction's outer index across blocks
  // (FP32 backward-data accumulates per-tap partial sums over all k in the block).
  ConvTiling(ConvPass pass, const ConvShape& shape, std::uint64_t a_bytes_per_element, std::uint64_t b_bytes_per_element,
             std::uint64_t out_bytes_per_element, std::uint64_t ifmap_slot, std::uint64_t filter_slot,
             std::uint64_t ofmap_slot, std::int64_t array_cols, bool whole_reduction = false);

  ConvPass pass() const { return pass_; }
  const ConvShape& shape() const { return shape_; }
  const ConvBlocking& blocking() const { return blk_; }
  GemmDims whole() const;
  std::int64_t block_count() const { return count_images_ * count_rows_ * count_cols_ * count_red_; }
  // Blocks are numbered output block by output block; the reduction is innermost.
  ConvBlock block(std::int64_t index) const;
  std::int64_t reduction_blocks() const { return count_red_; }
  // Footprints in elements of a block with the chosen sizes (for capacity checks).
  std::int64_t a_elements(const ConvBlocking& b) const;
  std::int64_t b_elements(const ConvBlocking& b) const;
  std::int64_t out_elements(const ConvBlocking& b) const;

 private:
  std::int64_t spatial_rows() const;  // P (fwd, bwd-weights) or H (bwd-data)
  std::int64_t images_in_role() const { return shape_.n; }
  std::int64_t col_outer() const;     // K (fwd), C (bwd-data, bwd-weights)
  std::int64_t red_outer() const;     // C (fwd), K (bwd-data), K rows (bwd-weights)
  void range(std::int64_t lo, std::int64_t len, std::int64_t limit, std::int64_t& out_lo, std::int64_t& out_len) const;

  ConvPass pass_;
  ConvShape shape_;
  ConvBlocking blk_;
  std::int64_t count_images_ = 1, count_rows_ = 1, count_cols_ = 1, count_red_ = 1;
};

}  // namespace qtsim::hw
