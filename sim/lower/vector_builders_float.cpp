// Builders of the FP32 schemes' vector-unit kernels (vector_builders.hpp).
#include "models/hw/kernels/vector/fp32_avgpool_backward_kernel.hpp"
#include "models/hw/kernels/vector/fp32_avgpool_forward_kernel.hpp"
#include "models/hw/kernels/vector/fp32_elementwise_kernel.hpp"
#include "models/hw/kernels/vector/fp32_maxpool_backward_kernel.hpp"
#include "models/hw/kernels/vector/fp32_sgd_update_kernel.hpp"
#include "models/hw/kernels/vector/fp32_sum_kernel.hpp"
#include "models/hw/kernels/vector/maxpool_forward_kernel.hpp"
#include "sim/lower/vector_builders.hpp"

namespace qtsim::lower {

using hw::Fp32ElementwiseOp;

namespace {

HwTensor elementwise(LoweringContext& ctx, const KernelLabel& label, Fp32ElementwiseOp op, const HwTensor& a,
                     const HwTensor* b, const std::string& name) {
  HwTensor y = ctx.float_tensor(name, a.data.dims);
  ctx.add(std::make_unique<hw::Fp32ElementwiseKernel>(label, op, a, b, y, ctx.config));
  return y;
}

HwTensor sum(LoweringContext& ctx, const KernelLabel& label, hw::Fp32SumOp op, const HwTensor& a, const HwTensor* b,
             const hw::Dims4& out_dims, const std::string& name) {
  HwTensor s = ctx.float_tensor(name, out_dims);
  ctx.add(std::make_unique<hw::Fp32SumKernel>(label, op, a, b, s, ctx.config));
  return s;
}

hw::PoolWindow window_of(const ref::Node& n, const hw::Dims4& x) {
  return n.op == ref::OpKind::global_avgpool ? hw::PoolWindow::whole_plane(x) : hw::PoolWindow::square(n.kernel, n.stride, n.padding);
}

}  // namespace

HwTensor float_relu_forward(LoweringContext& ctx, const KernelLabel& label, const HwTensor& x, const std::string& name) {
  return elementwise(ctx, label, Fp32ElementwiseOp::relu, x, nullptr, name);
}

HwTensor float_relu_backward(LoweringContext& ctx, const KernelLabel& label, const HwTensor& dy, const HwTensor& y,
                             const std::string& name) {
  return elementwise(ctx, label, Fp32ElementwiseOp::relu_backward, dy, &y, name);
}

HwTensor float_add(LoweringContext& ctx, const KernelLabel& label, const std::vector<HwTensor>& inputs,
                   const std::string& name) {
  // The reference sums fan-out errors left to right in float: one add pass per extra input.
  HwTensor acc = inputs.at(0);
  for (std::size_t i = 1; i < inputs.size(); ++i)
    acc = elementwise(ctx, label, Fp32ElementwiseOp::add, acc, &inputs[i], i + 1 == inputs.size() ? name : name + ".partial" + std::to_string(i));
  return acc;
}

HwTensor float_scalar_bias_forward(LoweringContext& ctx, const KernelLabel& label, const HwTensor& x, const HwTensor& b,
                                   const std::string& name) {
  return elementwise(ctx, label, Fp32ElementwiseOp::scalar_add, x, &b, name);
}

HwTensor float_scale_forward(LoweringContext& ctx, const KernelLabel& label, const HwTensor& x, const HwTensor& m,
                             const std::string& name) {
  return elementwise(ctx, label, Fp32ElementwiseOp::scalar_mul, x, &m, name);
}

HwTensor float_scale_backward_data(LoweringContext& ctx, const KernelLabel& label, const HwTensor& dy, const HwTensor& m,
                                   const std::string& name) {
  return elementwise(ctx, label, Fp32ElementwiseOp::scalar_mul, dy, &m, name);
}

HwTensor float_sum_all(LoweringContext& ctx, const KernelLabel& label, const HwTensor& dy, const std::string& name) {
  return sum(ctx, label, hw::Fp32SumOp::sum, dy, nullptr, {1, 1, 1, 1}, name);
}

HwTensor float_dot(LoweringContext& ctx, const KernelLabel& label, const HwTensor& dy, const HwTensor& x,
                   const std::string& name) {
  return sum(ctx, label, hw::Fp32SumOp::dot, dy, &x, {1, 1, 1, 1}, name);
}

void float_channel_bias_forward(LoweringContext& ctx, const KernelLabel& label, HwTensor& y, const HwTensor& b) {
  // In place: the GEMM's float output gets its bias (the reference adds it to y).
  ctx.add(std::make_unique<hw::Fp32ElementwiseKernel>(label, Fp32ElementwiseOp::channel_add, y, &b, y, ctx.config));
}

HwTensor float_channel_sum(LoweringContext& ctx, const KernelLabel& label, const HwTensor& dy, const std::string& name) {
  return sum(ctx, label, hw::Fp32SumOp::channel_sum, dy, nullptr, {1, dy.data.dims.c, 1, 1}, name);
}

PoolForward float_pool_forward(LoweringContext& ctx, const KernelLabel& label, const ref::Node& node, const HwTensor& x,
                               const std::string& name) {
  const hw::PoolWindow w = window_of(node, x.data.dims);
  const hw::Dims4 out = w.output_dims(x.data.dims);
  PoolForward f;
  f.y = ctx.float_tensor(name, out);
  if (node.op == ref::OpKind::maxpool) {
    f.argmax = HwTensor(ctx.alloc.allocate(name + ".argmax", w.argmax_dtype(), out));
    ctx.add(std::make_unique<hw::MaxPoolForwardKernel>(label, x, f.y, f.argmax, w, ctx.config));
  } else {
    ctx.add(std::make_unique<hw::Fp32AvgPoolForwardKernel>(label, x, f.y, w, ctx.config));
  }
  return f;
}

HwTensor float_pool_backward(LoweringContext& ctx, const KernelLabel& label, const ref::Node& node, const HwTensor& dy,
                             const PoolForward& fwd, const hw::Dims4& x_dims, const std::string& name) {
  const hw::PoolWindow w = window_of(node, x_dims);
  HwTensor dx = ctx.float_tensor(name, x_dims);
  if (node.op == ref::OpKind::maxpool)
    ctx.add(std::make_unique<hw::Fp32MaxPoolBackwardKernel>(label, dy, fwd.argmax, dx, w, ctx.config));
  else
    ctx.add(std::make_unique<hw::Fp32AvgPoolBackwardKernel>(label, dy, dx, w, ctx.config));
  return dx;
}

FloatUpdateOutputs float_update(LoweringContext& ctx, const KernelLabel& label, const ParamSlot& slot, int bank,
                                const HwTensor& g, double lr, double momentum, double weight_decay) {
  const int next = 1 - bank;
  hw::Fp32SgdHyper h;
  h.lr = static_cast<float>(lr);
  h.momentum = static_cast<float>(momentum);
  h.weight_decay = slot.role == ref::ParamRole::weight ? static_cast<float>(weight_decay) : 0.0f;
  ctx.add(std::make_unique<hw::Fp32SgdUpdateKernel>(label, slot.value[bank], g, &slot.fvelocity[bank], slot.value[next],
                                                    &slot.fvelocity[next], h, ctx.config));
  return {slot.value[next]};
}

}  // namespace qtsim::lower
