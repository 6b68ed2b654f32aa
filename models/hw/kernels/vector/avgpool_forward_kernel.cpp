#include "avgpool_forward_kernel.hpp"

#include <stdexcept>

#include "models/hw/host/tensor_io.hpp"
#include "models/hw/kernels/vector/widen_lane.hpp"

namespace qtsim::hw {

AvgPoolForwardKernel::AvgPoolForwardKernel(KernelLabel label, const HwTensor& x, const PoolWindow& window,
                                           QuantizePass pass, QuantizeTarget target, const HwConfig& config)
    : QuantizePassKernel(std::move(label), window.output_dims(x.data.dims), Chunking::planes_by_image,
                         {{x, OperandRole::planes, false, x.flagged}}, pass, std::move(target), config),
      window_(window), in_(x.data.dims), x_reg_(x.exp_reg) {
  if (x.is_float()) throw std::invalid_argument("avg-pool forward: integer kernel given a float32 x");
}

int AvgPoolForwardKernel::wide_exp(KernelEnv& env) const {
  return WidenLane::finest(operands()[0].tensor, static_cast<int>((*env.regs)[x_reg_])) - PoolWindow::kAvgFracBits;
}

void AvgPoolForwardKernel::element_actions(ActionCounts& per_element) const {
  per_element.add(Action::vec_int_add, static_cast<std::uint64_t>(window_.area()));
  per_element.add(Action::vec_int_mul, 1);
}

void AvgPoolForwardKernel::wide_values(const Chunk& chunk, KernelEnv&, std::int64_t* out) const {
  const HwTensor& x = operands()[0].tensor;
  const WidenLane lane(x, 0, WidenLane::finest(x, 0));  // onto x's finest grid
  const Dims4& o = shape();
  const std::int64_t m = window_.avg_multiplier();
  const std::int64_t in_plane = in_.h * in_.w, out_plane = o.h * o.w;
  const std::int64_t planes = chunk.box.nn * chunk.box.nc;
  for (std::int64_t p = 0; p < planes; ++p)
    for (std::int64_t oh = 0; oh < o.h; ++oh)
      for (std::int64_t ow = 0; ow < o.w; ++ow) {
        std::int64_t sum = 0;
        for (std::int64_t r = 0; r < window_.kernel_h; ++r) {
          const std::int64_t ih = window_.start(oh) + r;
          if (ih < 0 || ih >= in_.h) continue;
          for (std::int64_t s = 0; s < window_.kernel_w; ++s) {
            const std::int64_t iw = window_.start(ow) + s;
            if (iw < 0 || iw >= in_.w) continue;
            sum += lane(chunk.data[0], chunk.flags[0], p * in_plane + ih * in_.w + iw);
          }
        }
        out[p * out_plane + oh * o.w + ow] = sum * m;
      }
}

}  // namespace qtsim::hw
