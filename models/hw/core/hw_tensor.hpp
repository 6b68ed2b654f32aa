#pragma once
// A tensor as the hardware holds it: its DRAM region and, for integer tensors,
// the scalar register with its power-of-two exponent (value = q * 2^exp) and
// the optional flag plane of a flag-quantized error (docs/NUMERICS.md §4.4).
#include "models/hw/core/tensor_region.hpp"

namespace qtsim::hw {

struct HwTensor {
  HwTensor() = default;
  explicit HwTensor(TensorRegion d, int exp = -1, int b = 8) : data(std::move(d)), exp_reg(exp), bits(b) {}
  TensorRegion data;
  int exp_reg = -1;       // register with the exponent; -1 for float tensors
  int bits = 8;           // symmetric integer range of the values
  bool flagged = false;   // flag plane present
  TensorRegion flags;     // uint8 per element: 1 = at the fine exponent exp - flag_shift
  int flag_shift = 0;
  bool is_float() const { return data.type == DType::f32; }
};

}  // namespace qtsim::hw
