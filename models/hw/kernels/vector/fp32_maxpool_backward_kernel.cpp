#include "fp32_maxpool_backward_kernel.hpp"

#include <stdexcept>

#include "models/hw/host/tensor_io.hpp"
#include "models/hw/kernels/vector/float_lane.hpp"

namespace qtsim::hw {

namespace {

std::vector<StreamOperand> operands_of(const HwTensor& dy, const HwTensor& argmax, const HwTensor& dx) {
  return {{dy, OperandRole::planes, false, false},
          {argmax, OperandRole::planes, false, false},
          {dx, OperandRole::same, true, false}};
}

}  // namespace

Fp32MaxPoolBackwardKernel::Fp32MaxPoolBackwardKernel(KernelLabel label, const HwTensor& dy, const HwTensor& argmax,
                                                     const HwTensor& dx, const PoolWindow& window,
                                                     const HwConfig& config)
    : StreamKernel(std::move(label), dx.data.dims, Chunking::planes_by_image, operands_of(dy, argmax, dx), config),
      window_(window), out_(window.output_dims(dx.data.dims)), candidates_(window.candidates(out_)) {
  if (!dy.is_float() || !dx.is_float() || !(dy.data.dims == out_) || !(argmax.data.dims == out_) ||
      argmax.data.type != window.argmax_dtype())
    throw std::invalid_argument("fp32 max-pool backward: dy " + dy.data.dims.str() + ", argmax " +
                                argmax.data.dims.str() + ", dx " + dx.data.dims.str() + " do not fit the window");
}

void Fp32MaxPoolBackwardKernel::cost(const Chunk& chunk, Tile& tile) const {
  const auto n = static_cast<std::uint64_t>(chunk.elements * candidates_);
  tile.actions.add(Action::vec_int_add, n);
  tile.actions.add(Action::vec_fp_add, n);
  tile.cycles = stream_cycles(chunk.elements, static_cast<int>(2 * candidates_), unit_lanes());
}

void Fp32MaxPoolBackwardKernel::compute(const Chunk& chunk, KernelEnv&) {
  const Dims4& in = shape();
  const DType at = operands()[1].tensor.data.type;
  const std::int64_t in_plane = in.h * in.w, out_plane = out_.h * out_.w;
  const std::int64_t planes = chunk.box.nn * chunk.box.nc;
  for (std::int64_t p = 0; p < planes; ++p)
    window_.gather<double>(
        in, out_,
        [&](std::int64_t o, std::int64_t offset) {
          const std::int64_t at_o = p * out_plane + o;
          return load_element(chunk.data[1], at, at_o) == offset ? static_cast<double>(load_f32(chunk.data[0], at_o)) : 0.0;
        },
        [&](std::int64_t i, double sum) { store_f32(chunk.data[2], p * in_plane + i, static_cast<float>(sum)); });
}

}  // namespace qtsim::hw
