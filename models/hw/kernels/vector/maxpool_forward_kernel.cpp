#include "maxpool_forward_kernel.hpp"

#include <cmath>
#include <stdexcept>

#include "models/hw/host/tensor_io.hpp"
#include "models/hw/kernels/vector/float_lane.hpp"

namespace qtsim::hw {

namespace {

std::vector<StreamOperand> operands_of(const HwTensor& x, const HwTensor& y, const HwTensor& argmax) {
  return {{x, OperandRole::planes, false, false},
          {y, OperandRole::same, true, false},
          {argmax, OperandRole::same, true, false}};
}

}  // namespace

MaxPoolForwardKernel::MaxPoolForwardKernel(KernelLabel label, const HwTensor& x, const HwTensor& y,
                                           const HwTensor& argmax, const PoolWindow& window, const HwConfig& config)
    : StreamKernel(std::move(label), window.output_dims(x.data.dims), Chunking::planes_by_image,
                   operands_of(x, y, argmax), config),
      window_(window), in_(x.data.dims), x_reg_(x.exp_reg), y_reg_(y.exp_reg), float_(x.is_float()) {
  const Dims4 out = window.output_dims(x.data.dims);
  if (!(y.data.dims == out) || !(argmax.data.dims == out))
    throw std::invalid_argument("max-pool forward: y " + y.data.dims.str() + " and argmax " + argmax.data.dims.str() +
                                " should be " + out.str());
  if (y.data.type != x.data.type || argmax.data.type != window.argmax_dtype())
    throw std::invalid_argument("max-pool forward: y must have x's type and argmax " + to_string(window.argmax_dtype()));
  if (x.flagged) throw std::invalid_argument("max-pool forward: flag-quantized input (activations are never flagged)");
}

void MaxPoolForwardKernel::start(KernelEnv& env) {
  StreamKernel::start(env);
  if (env.exact() && !float_ && y_reg_ != x_reg_) (*env.regs)[y_reg_] = (*env.regs)[x_reg_];
}

void MaxPoolForwardKernel::cost(const Chunk& chunk, Tile& tile) const {
  const auto compares = static_cast<std::uint64_t>(chunk.elements * window_.area());
  tile.actions.add(float_ ? Action::vec_fp_add : Action::vec_int_add, compares);
  tile.cycles = stream_cycles(chunk.elements, static_cast<int>(window_.area()), unit_lanes());
}

void MaxPoolForwardKernel::compute(const Chunk& chunk, KernelEnv&) {
  const Dims4& out = shape();
  const std::int64_t in_plane = in_.h * in_.w, out_plane = out.h * out.w;
  const std::int64_t planes = chunk.box.nn * chunk.box.nc;
  const DType xt = operands()[0].tensor.data.type, at = operands()[2].tensor.data.type;
  const std::uint8_t* x = chunk.data[0];
  std::uint8_t* y = chunk.data[1];
  std::uint8_t* arg = chunk.data[2];
  for (std::int64_t p = 0; p < planes; ++p)
    for (std::int64_t oh = 0; oh < out.h; ++oh)
      for (std::int64_t ow = 0; ow < out.w; ++ow) {
        const std::int64_t o = p * out_plane + oh * out.w + ow;
        std::int64_t best = -1, best_q = 0;
        float best_f = 0.0f;
        for (std::int64_t r = 0; r < window_.kernel_h; ++r) {
          const std::int64_t ih = window_.start(oh) + r;
          if (ih < 0 || ih >= in_.h) continue;
          for (std::int64_t s = 0; s < window_.kernel_w; ++s) {
            const std::int64_t iw = window_.start(ow) + s;
            if (iw < 0 || iw >= in_.w) continue;
            const std::int64_t i = p * in_plane + ih * in_.w + iw, offset = r * window_.kernel_w + s;
            if (float_) {
              const float v = load_f32(x, i);
              if (best < 0 || (!std::isnan(best_f) && (v > best_f || std::isnan(v)))) {
                best = offset;
                best_f = v;
              }
            } else {
              const std::int64_t v = load_element(x, xt, i);
              if (best < 0 || v > best_q) {
                best = offset;
                best_q = v;
              }
            }
          }
        }
        if (float_) store_f32(y, o, best_f); else store_element(y, xt, o, best_q);
        store_element(arg, at, o, best);
      }
}

}  // namespace qtsim::hw
