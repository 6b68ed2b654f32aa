#include "avgpool_backward_kernel.hpp"

#include <stdexcept>

#include "models/hw/host/tensor_io.hpp"
#include "models/hw/kernels/vector/widen_lane.hpp"

namespace qtsim::hw {

AvgPoolBackwardKernel::AvgPoolBackwardKernel(KernelLabel label, const HwTensor& dy, const Dims4& x_dims,
                                             const PoolWindow& window, QuantizePass pass, QuantizeTarget target,
                                             const HwConfig& config)
    : QuantizePassKernel(std::move(label), x_dims, Chunking::planes_by_image,
                         {{dy, OperandRole::planes, false, dy.flagged}}, pass, std::move(target), config),
      window_(window), out_(window.output_dims(x_dims)), candidates_(window.candidates(out_)), dy_reg_(dy.exp_reg) {
  if (!(dy.data.dims == out_))
    throw std::invalid_argument("avg-pool backward: dy " + dy.data.dims.str() + " does not match the pooled dims " +
                                out_.str() + " of " + x_dims.str());
  if (dy.is_float()) throw std::invalid_argument("avg-pool backward: integer kernel given a float32 dy");
}

int AvgPoolBackwardKernel::wide_exp(KernelEnv& env) const {
  return WidenLane::finest(operands()[0].tensor, static_cast<int>((*env.regs)[dy_reg_])) - PoolWindow::kAvgFracBits;
}

void AvgPoolBackwardKernel::element_actions(ActionCounts& per_element) const {
  per_element.add(Action::vec_int_add, static_cast<std::uint64_t>(candidates_));
  per_element.add(Action::vec_int_mul, 1);
}

void AvgPoolBackwardKernel::wide_values(const Chunk& chunk, KernelEnv&, std::int64_t* out) const {
  const HwTensor& dy = operands()[0].tensor;
  const WidenLane lane(dy, 0, WidenLane::finest(dy, 0));  // onto dy's finest grid
  const Dims4& in = shape();
  const std::int64_t m = window_.avg_multiplier();
  const std::int64_t in_plane = in.h * in.w, out_plane = out_.h * out_.w;
  const std::int64_t planes = chunk.box.nn * chunk.box.nc;
  for (std::int64_t p = 0; p < planes; ++p)
    window_.gather<std::int64_t>(
        in, out_, [&](std::int64_t o, std::int64_t) { return lane(chunk.data[0], chunk.flags[0], p * out_plane + o); },
        [&](std::int64_t i, std::int64_t sum) { out[p * in_plane + i] = sum * m; });
}

}  // namespace qtsim::hw
