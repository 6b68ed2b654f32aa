#include "fp32_bn_normalize_kernel.hpp"

#include "models/hw/kernels/norm/norm_datapath.hpp"

namespace qtsim::hw {

namespace {

std::vector<StreamOperand> operand_list(const HwTensor& x, const HwTensor& mean, const HwTensor& inv_std,
                                    const HwTensor& gamma, const HwTensor& beta, const HwTensor& y,
                                    const HwTensor& xhat) {
  return {{x, OperandRole::same, false, false, false},     {mean, OperandRole::channel, false, false, false},
          {inv_std, OperandRole::channel, false, false, false}, {gamma, OperandRole::channel, false, false, false},
          {beta, OperandRole::channel, false, false, false},  {y, OperandRole::same, true, false, false},
          {xhat, OperandRole::same, true, false, false}};
}

}  // namespace

FloatBnNormalizeKernel::FloatBnNormalizeKernel(KernelLabel label, const HwTensor& x, const HwTensor& mean,
                                               const HwTensor& inv_std, const HwTensor& gamma, const HwTensor& beta,
                                               const HwTensor& y, const HwTensor& xhat, const HwConfig& config)
    : StreamKernel(std::move(label), x.data.dims, Chunking::rows_by_channel,
                   operand_list(x, mean, inv_std, gamma, beta, y, xhat), config) {
  const char* k = "fp32 bn normalize";
  const Dims4& d = x.data.dims;
  norm::require_tensor(x, d, DType::f32, k);
  norm::require_tensor(y, d, DType::f32, k);
  norm::require_tensor(xhat, d, DType::f32, k);
  norm::require_channel_vector(mean, d.c, DType::i64, k);
  for (const HwTensor* t : {&inv_std, &gamma, &beta}) norm::require_channel_vector(*t, d.c, DType::f32, k);
}

void FloatBnNormalizeKernel::cost(const Chunk& chunk, Tile& tile) const {
  const auto n = static_cast<std::uint64_t>(chunk.elements);
  tile.actions.add(Action::norm_fp_add, 2 * n);
  tile.actions.add(Action::norm_fp_mul, 2 * n);
  tile.cycles = stream_cycles(chunk.elements, 4, unit_lanes());
}

void FloatBnNormalizeKernel::compute(const Chunk& chunk, KernelEnv&) {
  const Box& b = chunk.box;
  const std::uint8_t* x = chunk.data[0];
  for (std::int64_t i = 0; i < chunk.elements; ++i) {
    const std::int64_t c = norm::channel_of(b, i) - b.c0;
    const auto mean = static_cast<float>(norm::load_f64(chunk.data[1], c));
    const float normalized = (norm::load_f32(x, i) - mean) * norm::load_f32(chunk.data[2], c);
    norm::store_f32(chunk.data[6], i, normalized);
    norm::store_f32(chunk.data[5], i, norm::load_f32(chunk.data[3], c) * normalized + norm::load_f32(chunk.data[4], c));
  }
}

}  // namespace qtsim::hw
