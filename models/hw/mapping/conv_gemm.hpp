#pragma once
// The three GEMMs of a convolution (a linear layer is a 1x1 convolution of 1x1
// images), with their indices in the order the tensors store them:
//   forward           rows m = (n, p, q)  columns = k          reduction = (c, r, s)
//   backward-data     rows m = (n, h, w)  columns = c          reduction = (k, r, s)  (taps of the dilated error)
//   backward-weights  rows m = k          columns = (c, r, s)  reduction = (n, p, q)
// The reduction runs in the canonical order of docs/NUMERICS.md §5 in every
// dataflow and mapping, so saturating narrow accumulators give the reference's
// results.
// A grouped convolution (groups > 1: filter group g reads only input-channel
// group g) is `groups` independent GEMMs of these shapes, one per group, with
// c / groups channels and k / groups filters each.
#include <cstdint>
#include <string>

#include "models/hw/mapping/fold_model.hpp"

namespace qtsim::hw {

enum class ConvPass { forward, backward_data, backward_weights };
std::string to_string(ConvPass p);

struct ConvShape {
  std::int64_t n = 1, c = 1, h = 1, w = 1;  // input
  std::int64_t k = 1, r = 1, s = 1;         // filters
  std::int64_t stride = 1, pad = 0;
  std::int64_t groups = 1;                  // c and k are multiples of it
  std::int64_t p() const { return (h + 2 * pad - r) / stride + 1; }
  std::int64_t q() const { return (w + 2 * pad - s) / stride + 1; }
  std::int64_t group_channels() const { return c / groups; }
  std::int64_t group_filters() const { return k / groups; }
  // One group's convolution: its channels and filters, groups = 1.
  ConvShape one_group() const;
  bool operator==(const ConvShape&) const = default;
};

// M, N, K of a pass (of each group's GEMM).
GemmDims gemm_dims(ConvPass pass, const ConvShape& s);

}  // namespace qtsim::hw
