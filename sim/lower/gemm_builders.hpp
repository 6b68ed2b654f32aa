#pragma once
// Kernel builders for the MAC array (conv and linear GEMMs) and the
// requantization of their outputs on the vector unit.
#include <string>

#include "models/hw/kernels/gemm/gemm_kernel.hpp"
#include "models/hw/mapping/conv_gemm.hpp"
#include "models/ref/graph.hpp"
#include "sim/lower/lowering_context.hpp"

namespace qtsim::lower {

// The convolution a conv2d or linear node computes on an input of `x` dims
// (a linear layer is a 1x1 convolution of 1x1 images).
hw::ConvShape conv_shape(const ref::Node& node, const hw::Dims4& x);

struct WideResult {
  hw::HwTensor wide;  // int32 accumulators (or float32 results)
  int max_reg = -1;   // max|wide| tracked by the output stage (integer)
  hw::GemmKernel* producer = nullptr;  // the GEMM that computes it (owned by the program)
};

// One GEMM pass: forward (a = x, b = w), backward-data (a = dy, b = w),
// backward-weights (a = dy, b = x). The output is int32 for integer operands,
// float32 for float operands.
WideResult gemm(LoweringContext& ctx, const hw::KernelLabel& label, hw::ConvPass pass, const hw::ConvShape& shape,
                const hw::HwTensor& a, const hw::HwTensor& b, const std::string& out_name);

// Quantizes a wide tensor with `spec` (adding a per-channel bias first if given;
// then a max pass runs, else the max must be in `max_reg`).
hw::HwTensor requantize(LoweringContext& ctx, const hw::KernelLabel& label, const WideResult& in,
                        const hw::HwTensor* bias, const ref::QuantizerSpec& spec, const ref::RandomStream& random,
                        const std::string& out_name);

}  // namespace qtsim::lower
