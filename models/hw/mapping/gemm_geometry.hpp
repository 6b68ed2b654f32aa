#pragma once
// The tensors behind index ranges of a convolution pass's GEMM (conv_gemm.hpp).
// A tile of the GEMM is a range of rows, of columns and of the reduction. The
// DMA moves boxes of 4-D tensors, so a tile's operand is the set of boxes that
// covers it: one box per run of images (a partial first image, whole middle
// images, a partial last image), whole rows and whole channels. A tile's
// outputs are an exact partition of its rows x columns into boxes, each with
// the strides at which its elements sit in the array's output buffer (a
// row-major matrix of the output block), so that the DMA writes them back to
// their tensor. A grouped convolution's geometry is that of one group; a
// tile names its group, and its boxes sit at that group's channels.
#include <array>
#include <cstdint>
#include <vector>

#include "models/hw/core/tensor_region.hpp"
#include "models/hw/mapping/conv_gemm.hpp"

namespace qtsim::hw {

struct IndexRange {
  std::int64_t lo = 0, hi = 0;  // [lo, hi)
  std::int64_t size() const { return hi - lo; }
  bool operator==(const IndexRange&) const = default;
};

struct GemmTile {
  IndexRange m, n, k;
  std::int64_t group = 0;  // grouped convolution: which group's GEMM
};

// Where group g's channels start: in x (and dx), g * C / groups; in y, dy
// and the weights' filters, g * K / groups.
struct GroupOffsets {
  std::int64_t x_channel = 0, y_channel = 0;
};

// Boxes of one tensor held densely one after another in an SRAM buffer.
struct BoxSet {
  std::vector<Box> boxes;
  std::int64_t numel() const;
  bool operator==(const BoxSet&) const = default;
  // Element offset of (n, c, h, w) in the buffer; the element must lie in a box.
  std::int64_t offset_of(std::int64_t n, std::int64_t c, std::int64_t h, std::int64_t w) const;
  // The box holding image n and the element offset where that box starts.
  const Box& box_of_image(std::int64_t n, std::int64_t& base) const;
};

// A box of an output tensor and where its elements sit in the output buffer:
// element (n0 + a, c0 + b, h0 + c, w0 + d) at base + a*stride[0] + b*stride[1]
// + c*stride[2] + d*stride[3] (elements).
struct StridedBox {
  Box box;
  std::int64_t base = 0;
  std::array<std::int64_t, 4> stride{};
};

class GemmGeometry {
 public:
  GemmGeometry(ConvPass pass, const ConvShape& shape);

  ConvPass pass() const { return pass_; }
  // One group's convolution (the whole one when groups is 1).
  const ConvShape& shape() const { return shape_; }
  // One group's GEMM.
  const GemmDims& dims() const { return dims_; }
  std::int64_t groups() const { return groups_; }
  GroupOffsets group_offsets(std::int64_t group) const;

  // The boxes of operand A (x forward, the error dy backward) and of operand B
  // (the weights, or x for backward-weights) that a tile reads.
  BoxSet a_boxes(const GemmTile& t) const;
  BoxSet b_boxes(const GemmTile& t) const;
  // The output boxes of rows m x columns n of group `group`'s GEMM, in a block
  // whose output matrix starts at (block_m0, block_n0) and has `block_cols` columns.
  std::vector<StridedBox> out_boxes(IndexRange m, IndexRange n, std::int64_t block_m0, std::int64_t block_n0,
                                    std::int64_t block_cols, std::int64_t group = 0) const;

  // Upper bounds of a_boxes(t).numel() and b_boxes(t).numel() over every tile
  // of these sizes whose ranges start at multiples of the sizes.
  std::int64_t a_elements_bound(std::int64_t tm, std::int64_t tk) const;
  std::int64_t b_elements_bound(std::int64_t tk, std::int64_t tn) const;

  // The smallest step along each index that keeps operand boxes tight: whole
  // output rows of a pixel index, whole channels of a (c, r, s) index.
  std::int64_t m_granule() const;
  std::int64_t n_granule() const;
  std::int64_t k_granule() const;

 private:
  ConvPass pass_;
  ConvShape shape_;  // one group
  std::int64_t groups_ = 1;
  GemmDims dims_;
};

}  // namespace qtsim::hw
