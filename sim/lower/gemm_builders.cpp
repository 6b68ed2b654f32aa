#include "gemm_builders.hpp"

#include "models/hw/kernels/gemm/gemm_kernel.hpp"
#include "models/hw/kernels/vector/requantize_kernel.hpp"

namespace qtsim::lower {

hw::ConvShape conv_shape(const ref::Node& node, const hw::Dims4& x) {
  hw::ConvShape s;
  s.n = x.n;
  if (node.op == ref::OpKind::linear) {
    s.c = x.c * x.h * x.w;
    s.k = node.out_features;
    return s;
  }
  s.c = x.c;
  s.h = x.h;
  s.w = x.w;
  s.k = node.out_channels;
  s.r = s.s = node.kernel;
  s.stride = node.stride;
  s.pad = node.padding;
  s.groups = node.groups;
  return s;
}

WideResult gemm(LoweringContext& ctx, const hw::KernelLabel& label, hw::ConvPass pass, const hw::ConvShape& s,
                const hw::HwTensor& a, const hw::HwTensor& b, const std::string& out_name) {
  hw::Dims4 out;
  switch (pass) {
    case hw::ConvPass::forward: out = {s.n, s.k, s.p(), s.q()}; break;
    case hw::ConvPass::backward_data: out = {s.n, s.c, s.h, s.w}; break;
    case hw::ConvPass::backward_weights: out = {s.k, s.group_channels(), s.r, s.s}; break;
  }
  const bool is_float = a.is_float();
  // Views of the operands in the convolution's own dimensions (linear: 1x1).
  auto view = [&](hw::HwTensor t, const hw::Dims4& d) { return reshaped(std::move(t), d); };
  const hw::Dims4 xd{s.n, s.c, s.h, s.w}, wd{s.k, s.group_channels(), s.r, s.s}, yd{s.n, s.k, s.p(), s.q()};
  hw::HwTensor av, bv;
  switch (pass) {
    case hw::ConvPass::forward: av = view(a, xd), bv = view(b, wd); break;
    case hw::ConvPass::backward_data: av = view(a, yd), bv = view(b, wd); break;
    case hw::ConvPass::backward_weights: av = view(a, yd), bv = view(b, xd); break;
  }
  WideResult r;
  r.wide = is_float ? ctx.float_tensor(out_name, out) : ctx.wide_tensor(out_name, out, hw::DType::i32);
  if (!is_float) r.max_reg = ctx.regs.allocate();
  auto kernel = std::make_unique<hw::GemmKernel>(label, pass, s, hw::GemmOperands{av, bv, r.wide, r.max_reg}, ctx.config);
  r.producer = kernel.get();
  ctx.add(std::move(kernel));
  return r;
}

hw::HwTensor requantize(LoweringContext& ctx, const hw::KernelLabel& label, const WideResult& in, const hw::HwTensor* bias,
                        const ref::QuantizerSpec& spec, const ref::RandomStream& random, const std::string& out_name) {
  hw::QuantizeTarget target{ctx.quantized(out_name, in.wide.data.dims, spec), spec, random, in.max_reg};
  // Results that fit the ofmap buffer never leave it: the GEMM's output stage requantizes them.
  if (!bias && in.producer && in.max_reg >= 0 && in.producer->requantize_on_chip(target)) {
    in.producer->absorb_label(label);
    return target.out;
  }
  hw::KernelLabel l = label;
  l.unit = hw::Unit::vector_unit;
  if (bias || target.max_reg < 0) {
    target.max_reg = ctx.regs.allocate();
    l.op = "max";
    ctx.add(std::make_unique<hw::RequantizeKernel>(l, in.wide, bias, hw::QuantizePass::max, target, ctx.config));
  }
  l.op = "requantize";
  ctx.add(std::make_unique<hw::RequantizeKernel>(l, in.wide, bias, hw::QuantizePass::quantize, target, ctx.config));
  return target.out;
}

}  // namespace qtsim::lower
