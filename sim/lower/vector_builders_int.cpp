// Builders of the integer schemes' vector-unit kernels (vector_builders.hpp).
#include <functional>

#include "models/hw/kernels/vector/aligned_sum_kernel.hpp"
#include "models/hw/kernels/vector/avgpool_backward_kernel.hpp"
#include "models/hw/kernels/vector/avgpool_forward_kernel.hpp"
#include "models/hw/kernels/vector/dequantize_kernel.hpp"
#include "models/hw/kernels/vector/float_entry_kernel.hpp"
#include "models/hw/kernels/vector/int_parameter_update_kernel.hpp"
#include "models/hw/kernels/vector/maxpool_backward_kernel.hpp"
#include "models/hw/kernels/vector/maxpool_forward_kernel.hpp"
#include "models/hw/kernels/vector/momentum_buffer_kernel.hpp"
#include "models/hw/kernels/vector/relu_kernels.hpp"
#include "models/hw/kernels/vector/requantize_kernel.hpp"
#include "models/hw/kernels/vector/scalar_bias_kernel.hpp"
#include "models/hw/kernels/vector/scalar_scale_kernel.hpp"
#include "models/hw/kernels/vector/softmax_cross_entropy_kernel.hpp"
#include "models/hw/kernels/vector/sum_reduction_kernel.hpp"
#include "sim/lower/gemm_builders.hpp"
#include "sim/lower/vector_builders.hpp"

namespace qtsim::lower {

using hw::QuantizePass;
using hw::QuantizeTarget;

namespace {

// The two passes of a dynamically quantized operation: max, then quantize.
using PassMaker = std::function<std::unique_ptr<hw::Kernel>(const KernelLabel&, QuantizePass, const QuantizeTarget&)>;

HwTensor two_pass(LoweringContext& ctx, KernelLabel label, const hw::Dims4& dims, const ref::QuantizerSpec& spec,
                  const ref::RandomStream& random, const std::string& name, const PassMaker& make) {
  const QuantizeTarget target{ctx.quantized(name, dims, spec), spec, random, ctx.regs.allocate()};
  const std::string op = label.op;
  label.op = op + "/max";
  ctx.add(make(label, QuantizePass::max, target));
  label.op = op + "/quantize";
  ctx.add(make(label, QuantizePass::quantize, target));
  return target.out;
}

hw::PoolWindow window_of(const ref::Node& n, const hw::Dims4& x) {
  return n.op == ref::OpKind::global_avgpool ? hw::PoolWindow::whole_plane(x) : hw::PoolWindow::square(n.kernel, n.stride, n.padding);
}

}  // namespace

HwTensor int_float_entry(LoweringContext& ctx, const KernelLabel& label, const HwTensor& f, const ref::QuantizerSpec& spec,
                         const ref::RandomStream& random, const std::string& name) {
  const hw::FloatEntryRegs regs = hw::FloatEntryRegs::allocate(ctx.regs);
  KernelLabel l = label;
  l.op = label.op + "/max";
  ctx.add(std::make_unique<hw::FloatEntryMaxKernel>(l, f, regs, ctx.config));
  const QuantizeTarget target{ctx.quantized(name, f.data.dims, spec), spec, random, regs.wide_max};
  l.op = label.op + "/quantize";
  ctx.add(std::make_unique<hw::FloatEntryKernel>(l, f, regs.grid_exp, QuantizePass::quantize, target, ctx.config));
  return target.out;
}

HwTensor dequantize(LoweringContext& ctx, const KernelLabel& label, const HwTensor& q, const std::string& name) {
  HwTensor y = ctx.float_tensor(name, q.data.dims);
  ctx.add(std::make_unique<hw::DequantizeKernel>(label, q, y, ctx.config));
  return y;
}

HwTensor int_relu_forward(LoweringContext& ctx, const KernelLabel& label, const HwTensor& x, const std::string& name) {
  HwTensor y = ctx.int_tensor(name, x.data.dims, x.bits);
  ctx.add(std::make_unique<hw::ReluForwardKernel>(label, x, y, ctx.config));
  return y;
}

HwTensor int_relu_backward(LoweringContext& ctx, const KernelLabel& label, const HwTensor& dy, const HwTensor& y,
                           const std::string& name) {
  HwTensor dx = ctx.int_tensor(name, dy.data.dims, dy.bits, dy.flagged);
  ctx.add(std::make_unique<hw::ReluBackwardKernel>(label, dy, y, dx, ctx.config));
  return dx;
}

HwTensor int_add(LoweringContext& ctx, const KernelLabel& label, const std::vector<HwTensor>& inputs,
                 const ref::QuantizerSpec& spec, const ref::RandomStream& random, const std::string& name) {
  return two_pass(ctx, label, inputs.at(0).data.dims, spec, random, name, [&](const KernelLabel& l, QuantizePass p, const QuantizeTarget& t) {
    return std::make_unique<hw::AlignedSumKernel>(l, inputs, p, t, ctx.config);
  });
}

HwTensor int_scalar_bias_forward(LoweringContext& ctx, const KernelLabel& label, const HwTensor& x, const HwTensor& b,
                                 const ref::QuantizerSpec& spec, const ref::RandomStream& random, const std::string& name) {
  return two_pass(ctx, label, x.data.dims, spec, random, name, [&](const KernelLabel& l, QuantizePass p, const QuantizeTarget& t) {
    return std::make_unique<hw::ScalarBiasKernel>(l, x, b, p, t, ctx.config);
  });
}

HwTensor int_scale_forward(LoweringContext& ctx, const KernelLabel& label, const HwTensor& x, const HwTensor& m,
                           const ref::QuantizerSpec& spec, const ref::RandomStream& random, const std::string& name) {
  return two_pass(ctx, label, x.data.dims, spec, random, name, [&](const KernelLabel& l, QuantizePass p, const QuantizeTarget& t) {
    return std::make_unique<hw::ScalarScaleKernel>(l, x, m, p, t, ctx.config);
  });
}

HwTensor int_scale_backward_data(LoweringContext& ctx, const KernelLabel& label, const HwTensor& dy, const HwTensor& m,
                                 const ref::QuantizerSpec& spec, const ref::RandomStream& random, const std::string& name) {
  return int_scale_forward(ctx, label, dy, m, spec, random, name);
}

namespace {

// A reduction into a small int64 tensor, then the G quantizer over it.
HwTensor reduce_then_quantize(LoweringContext& ctx, const KernelLabel& label, hw::SumOf what, const HwTensor& dy,
                              const HwTensor* x, const hw::Dims4& out_dims, const ref::QuantizerSpec& spec,
                              const ref::RandomStream& random, const std::string& name) {
  WideResult sum{ctx.wide_tensor(name + ".sum", out_dims), -1};
  KernelLabel l = label;
  l.op = label.op + "/sum";
  ctx.add(std::make_unique<hw::SumReductionKernel>(l, what, dy, x, sum.wide, ctx.config));
  return requantize(ctx, label, sum, nullptr, spec, random, name);
}

}  // namespace

HwTensor int_sum_all(LoweringContext& ctx, const KernelLabel& label, const HwTensor& dy, const ref::QuantizerSpec& spec,
                     const ref::RandomStream& random, const std::string& name) {
  return reduce_then_quantize(ctx, label, hw::SumOf::all, dy, nullptr, {1, 1, 1, 1}, spec, random, name);
}

HwTensor int_dot(LoweringContext& ctx, const KernelLabel& label, const HwTensor& dy, const HwTensor& x,
                 const ref::QuantizerSpec& spec, const ref::RandomStream& random, const std::string& name) {
  return reduce_then_quantize(ctx, label, hw::SumOf::product, dy, &x, {1, 1, 1, 1}, spec, random, name);
}

HwTensor int_channel_sum(LoweringContext& ctx, const KernelLabel& label, const HwTensor& dy,
                         const ref::QuantizerSpec& spec, const ref::RandomStream& random, const std::string& name) {
  return reduce_then_quantize(ctx, label, hw::SumOf::per_channel, dy, nullptr, {1, dy.data.dims.c, 1, 1}, spec, random, name);
}

PoolForward int_pool_forward(LoweringContext& ctx, const KernelLabel& label, const ref::Node& node, const HwTensor& x,
                             const ref::QuantizerSpec& spec, const ref::RandomStream& random, const std::string& name) {
  const hw::PoolWindow w = window_of(node, x.data.dims);
  const hw::Dims4 out = w.output_dims(x.data.dims);
  PoolForward f;
  if (node.op == ref::OpKind::maxpool) {
    f.y = ctx.int_tensor(name, out, x.bits);
    f.argmax = HwTensor(ctx.alloc.allocate(name + ".argmax", w.argmax_dtype(), out));
    ctx.add(std::make_unique<hw::MaxPoolForwardKernel>(label, x, f.y, f.argmax, w, ctx.config));
    return f;
  }
  f.y = two_pass(ctx, label, out, spec, random, name, [&](const KernelLabel& l, QuantizePass p, const QuantizeTarget& t) {
    return std::make_unique<hw::AvgPoolForwardKernel>(l, x, w, p, t, ctx.config);
  });
  return f;
}

HwTensor int_pool_backward(LoweringContext& ctx, const KernelLabel& label, const ref::Node& node, const HwTensor& dy,
                           const PoolForward& fwd, const hw::Dims4& x_dims, const ref::QuantizerSpec& spec,
                           const ref::RandomStream& random, const std::string& name) {
  const hw::PoolWindow w = window_of(node, x_dims);
  if (node.op == ref::OpKind::maxpool)
    return two_pass(ctx, label, x_dims, spec, random, name, [&](const KernelLabel& l, QuantizePass p, const QuantizeTarget& t) {
      return std::make_unique<hw::MaxPoolBackwardKernel>(l, dy, fwd.argmax, x_dims, w, p, t, ctx.config);
    });
  return two_pass(ctx, label, x_dims, spec, random, name, [&](const KernelLabel& l, QuantizePass p, const QuantizeTarget& t) {
    return std::make_unique<hw::AvgPoolBackwardKernel>(l, dy, x_dims, w, p, t, ctx.config);
  });
}

LossOutputs softmax_cross_entropy(LoweringContext& ctx, const KernelLabel& label, const HwTensor& logits,
                                  const HwTensor& labels, const std::string& name) {
  LossOutputs out;
  out.dlogits = ctx.float_tensor(name, logits.data.dims);
  hw::LossRegs regs{ctx.regs.allocate(), ctx.regs.allocate()};
  out.loss_reg = regs.loss_bits;
  out.correct_reg = regs.correct;
  ctx.add(std::make_unique<hw::SoftmaxCrossEntropyKernel>(label, logits, labels, out.dlogits, regs, ctx.config));
  return out;
}

IntUpdateOutputs int_update(LoweringContext& ctx, const KernelLabel& label, const ParamSlot& slot, int bank,
                            const HwTensor& g, std::int64_t lr_int, std::int64_t decay_int,
                            const ref::RandomStream& update_random, const ref::RandomStream& momentum_random) {
  const ref::Scheme& s = ctx.scheme;
  const int next = 1 - bank;
  IntUpdateOutputs out;
  HwTensor direction = g;
  if (slot.has_velocity) {
    const ref::MomentumSpec& m = s.optimizer.momentum;
    const ref::QuantizerSpec spec{ref::QuantizerKind::shift, m.buffer_bits, m.rounding};
    const QuantizeTarget target{slot.velocity[next], spec, momentum_random, ctx.regs.allocate()};
    KernelLabel l = label;
    l.op = "momentum/max";
    ctx.add(std::make_unique<hw::MomentumBufferKernel>(l, slot.velocity[bank], g, m.coefficient_int, m.coefficient_frac,
                                                       slot.velocity_nonzero_reg, QuantizePass::max, target, ctx.config));
    l.op = "momentum/quantize";
    ctx.add(std::make_unique<hw::MomentumBufferKernel>(l, slot.velocity[bank], g, m.coefficient_int, m.coefficient_frac,
                                                       slot.velocity_nonzero_reg, QuantizePass::quantize, target, ctx.config));
    out.v = slot.velocity[next];
    direction = out.v;
  }
  hw::IntUpdateTensors t;
  t.direction = direction;
  t.master = slot.master[bank];
  t.update = ctx.int_tensor(slot.name + "/u", g.data.dims, s.U.bits);
  t.master_out = slot.master[next];
  if (slot.has_master) t.weights_out = slot.w[next];
  const hw::IntUpdateRates rates{ctx.regs.allocate(lr_int), s.optimizer.lr_frac_bits,
                                 slot.role == ref::ParamRole::weight ? decay_int : 0, s.optimizer.weight_decay_frac_bits};
  ctx.add(std::make_unique<hw::IntParameterUpdateKernel>(label, t, rates, s.U.rounding, update_random, ctx.config));
  out.u = t.update;
  out.master_new = slot.master[next];
  out.w_new = slot.w[next];
  return out;
}

}  // namespace qtsim::lower
