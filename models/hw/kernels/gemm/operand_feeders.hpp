#pragma once
// The MAC array's operand feeders, in exact mode: they read a tile's operand
// boxes from the ifmap and filter buffers and generate the streams the array
// consumes (im2col patches of the input, the taps of the dilated error, the
// weights), here as dense matrices: A is the tile's m x k, B its k x n, both
// row-major. Positions that fall into padding (or between the elements of a
// dilated error) are zeros the feeder inserts. Flag-quantized elements at the
// coarse exponent are shifted left onto the fine grid (docs/NUMERICS.md §4.4).
#include <cstdint>
#include <vector>

#include "models/hw/core/tensor_region.hpp"
#include "models/hw/mapping/gemm_geometry.hpp"

namespace qtsim::hw {

// An operand as it sits in a buffer slot: the boxes, densely one after another.
struct OperandInSram {
  const std::uint8_t* data = nullptr;
  const std::uint8_t* flags = nullptr;  // flag plane (1 = fine exponent), or null
  DType type = DType::i8;
  int flag_shift = 0;
  const BoxSet* boxes = nullptr;
};

template <typename T>
void feed_a(const GemmGeometry& g, const GemmTile& t, const OperandInSram& a, std::vector<T>& out);
template <typename T>
void feed_b(const GemmGeometry& g, const GemmTile& t, const OperandInSram& b, std::vector<T>& out);

}  // namespace qtsim::hw
