#include "momentum_buffer_kernel.hpp"

#include <algorithm>
#include <stdexcept>

#include "models/hw/host/tensor_io.hpp"
#include "models/hw/kernels/vector/align_grid.hpp"

namespace qtsim::hw {

MomentumBufferKernel::MomentumBufferKernel(KernelLabel label, const HwTensor& velocity, const HwTensor& grad,
                                           int coefficient_int, int coefficient_frac, int nonzero_reg, QuantizePass pass,
                                           QuantizeTarget target, const HwConfig& config)
    : QuantizePassKernel(std::move(label), velocity.data.dims, Chunking::flat,
                         {{velocity, OperandRole::same, false, false}, {grad, OperandRole::same, false, grad.flagged}},
                         pass, std::move(target), config),
      coefficient_int_(coefficient_int), coefficient_frac_(coefficient_frac), v_reg_(velocity.exp_reg),
      g_reg_(grad.exp_reg), nonzero_reg_(nonzero_reg) {
  if (nonzero_reg < 0) throw std::invalid_argument("momentum buffer: the register saying whether V is all zero is needed");
  if (velocity.is_float() || grad.is_float() || velocity.flagged)
    throw std::invalid_argument("momentum buffer: integer, unflagged buffer and integer gradient expected");
  if (grad.data.dims.numel() != velocity.data.dims.numel())
    throw std::invalid_argument("momentum buffer: gradient " + grad.data.dims.str() + " vs buffer " +
                                velocity.data.dims.str());
}

void MomentumBufferKernel::start(KernelEnv& env) {
  if (env.exact()) {
    const int scaled = static_cast<int>((*env.regs)[v_reg_]) - coefficient_frac_;  // mu * V
    const HwTensor& g = operands()[1].tensor;
    const int e_g = static_cast<int>((*env.regs)[g_reg_]);
    v_zero_ = (*env.regs)[nonzero_reg_] == 0;
    if (v_zero_) {
      exp_ = WidenLane::finest(g, e_g);  // V is all zero: the sum is g on its own grid
    } else {
      // mu * V has the buffer's width plus the bits of mu_int.
      int mu_bits = 0;
      while (mu_bits < 31 && (coefficient_int_ >> mu_bits) != 0) ++mu_bits;
      const HwTensor& v = operands()[0].tensor;
      exp_ = common_grid({{scaled, stored_width(v) + mu_bits}, {WidenLane::finest(g, e_g), stored_width(g)}});
    }
    v_shift_ = scaled - exp_;
    g_lane_ = WidenLane(g, e_g, exp_);
  }
  QuantizePassKernel::start(env);  // may overwrite V's register (in place) after the latch above
}

void MomentumBufferKernel::finish(KernelEnv& env) {
  QuantizePassKernel::finish(env);
  if (env.exact() && pass() == QuantizePass::quantize) (*env.regs)[nonzero_reg_] = stored_nonzero() ? 1 : 0;
}

void MomentumBufferKernel::element_actions(ActionCounts& per_element) const {
  per_element.add(Action::vec_int_mul, 1);
  per_element.add(Action::vec_int_add, 1);
}

void MomentumBufferKernel::wide_values(const Chunk& chunk, KernelEnv&, std::int64_t* out) const {
  const HwTensor& v = operands()[0].tensor;
  for (std::int64_t i = 0; i < chunk.elements; ++i) {
    if (v_zero_) {  // the adder's V input gated off
      out[i] = g_lane_(chunk.data[1], chunk.flags[1], i);
      continue;
    }
    const std::int64_t scaled = load_element(chunk.data[0], v.data.type, i) * coefficient_int_;
    out[i] = barrel_shift(scaled, v_shift_) + g_lane_(chunk.data[1], chunk.flags[1], i);
  }
}

}  // namespace qtsim::hw
