#include "fp32_bn_backward_data_kernel.hpp"

#include "models/hw/kernels/norm/norm_datapath.hpp"

namespace qtsim::hw {

namespace {

enum Operand { kDy, kXhat, kMeanDy, kMeanDyXhat, kScale, kDx };

std::vector<StreamOperand> operand_list(const HwTensor& dy, const HwTensor& xhat, const FloatBnBackwardCoefficients& k,
                                    const HwTensor& dx) {
  auto ch = [](const HwTensor& t) { return StreamOperand{t, OperandRole::channel, false, false, false}; };
  return {{dy, OperandRole::same, false, false, false},
          {xhat, OperandRole::same, false, false, false},
          ch(k.mean_dy),
          ch(k.mean_dy_xhat),
          ch(k.scale),
          {dx, OperandRole::same, true, false, false}};
}

}  // namespace

FloatBnBackwardDataKernel::FloatBnBackwardDataKernel(KernelLabel label, const HwTensor& dy, const HwTensor& xhat,
                                                     const FloatBnBackwardCoefficients& coefficients,
                                                     const HwTensor& dx, const HwConfig& config)
    : StreamKernel(std::move(label), dy.data.dims, Chunking::rows_by_channel, operand_list(dy, xhat, coefficients, dx),
                   config) {
  const char* k = "fp32 bn backward data";
  const Dims4& d = dy.data.dims;
  for (const HwTensor* t : {&dy, &xhat, &dx}) norm::require_tensor(*t, d, DType::f32, k);
  for (const HwTensor* t : {&coefficients.mean_dy, &coefficients.mean_dy_xhat, &coefficients.scale})
    norm::require_channel_vector(*t, d.c, DType::f32, k);
}

void FloatBnBackwardDataKernel::cost(const Chunk& chunk, Tile& tile) const {
  const auto n = static_cast<std::uint64_t>(chunk.elements);
  tile.actions.add(Action::norm_fp_add, 2 * n);
  tile.actions.add(Action::norm_fp_mul, 2 * n);
  tile.cycles = stream_cycles(chunk.elements, 4, unit_lanes());
}

void FloatBnBackwardDataKernel::compute(const Chunk& chunk, KernelEnv&) {
  const Box& b = chunk.box;
  for (std::int64_t i = 0; i < chunk.elements; ++i) {
    const std::int64_t c = norm::channel_of(b, i) - b.c0;
    const float dy = norm::load_f32(chunk.data[kDy], i), xhat = norm::load_f32(chunk.data[kXhat], i);
    const float mean_dy = norm::load_f32(chunk.data[kMeanDy], c);
    const float mean_dy_xhat = norm::load_f32(chunk.data[kMeanDyXhat], c);
    norm::store_f32(chunk.data[kDx], i, norm::load_f32(chunk.data[kScale], c) * ((dy - mean_dy) - xhat * mean_dy_xhat));
  }
}

}  // namespace qtsim::hw
