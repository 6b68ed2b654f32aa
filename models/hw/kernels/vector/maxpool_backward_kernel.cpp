#include "maxpool_backward_kernel.hpp"

#include <stdexcept>

#include "models/hw/host/tensor_io.hpp"
#include "models/hw/kernels/vector/widen_lane.hpp"

namespace qtsim::hw {

namespace {

std::vector<StreamOperand> operands_of(const HwTensor& dy, const HwTensor& argmax) {
  return {{dy, OperandRole::planes, false, dy.flagged}, {argmax, OperandRole::planes, false, false}};
}

}  // namespace

MaxPoolBackwardKernel::MaxPoolBackwardKernel(KernelLabel label, const HwTensor& dy, const HwTensor& argmax,
                                             const Dims4& x_dims, const PoolWindow& window, QuantizePass pass,
                                             QuantizeTarget target, const HwConfig& config)
    : QuantizePassKernel(std::move(label), x_dims, Chunking::planes_by_image, operands_of(dy, argmax), pass,
                         std::move(target), config),
      window_(window), out_(window.output_dims(x_dims)), candidates_(window.candidates(out_)), dy_reg_(dy.exp_reg) {
  if (!(dy.data.dims == out_) || !(argmax.data.dims == out_) || argmax.data.type != window.argmax_dtype())
    throw std::invalid_argument("max-pool backward: dy " + dy.data.dims.str() + " / argmax " + argmax.data.dims.str() +
                                " do not match the pooled dims " + out_.str() + " of " + x_dims.str());
  if (dy.is_float()) throw std::invalid_argument("max-pool backward: integer kernel given a float32 dy");
}

int MaxPoolBackwardKernel::wide_exp(KernelEnv& env) const {
  return WidenLane::finest(operands()[0].tensor, static_cast<int>((*env.regs)[dy_reg_]));
}

void MaxPoolBackwardKernel::wide_values(const Chunk& chunk, KernelEnv&, std::int64_t* out) const {
  const HwTensor& dy = operands()[0].tensor;
  const WidenLane lane(dy, 0, WidenLane::finest(dy, 0));  // onto dy's finest grid
  const DType at = operands()[1].tensor.data.type;
  const Dims4& in = shape();
  const std::int64_t in_plane = in.h * in.w, out_plane = out_.h * out_.w;
  const std::int64_t planes = chunk.box.nn * chunk.box.nc;
  for (std::int64_t p = 0; p < planes; ++p)
    window_.gather<std::int64_t>(
        in, out_,
        [&](std::int64_t o, std::int64_t offset) -> std::int64_t {
          const std::int64_t at_o = p * out_plane + o;
          return load_element(chunk.data[1], at, at_o) == offset ? lane(chunk.data[0], chunk.flags[0], at_o) : 0;
        },
        [&](std::int64_t i, std::int64_t sum) { out[p * in_plane + i] = sum; });
}

}  // namespace qtsim::hw
