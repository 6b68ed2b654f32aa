// Builders of the normalization unit's batchnorm kernels (vector_builders.hpp):
// FP32 BN (mean, variance with square root and divide, normalize; backward
// reduce and data passes) and WAGEUBN's integer BN (statistics, x-hat max and
// quantize passes, affine; backward reduce, data max and quantize passes).
#include "models/hw/kernels/norm/fp32_bn_backward_data_kernel.hpp"
#include "models/hw/kernels/norm/fp32_bn_backward_reduce_kernel.hpp"
#include "models/hw/kernels/norm/fp32_bn_normalize_kernel.hpp"
#include "models/hw/kernels/norm/fp32_bn_stats_kernel.hpp"
#include "models/hw/kernels/norm/int_bn_affine_kernel.hpp"
#include "models/hw/kernels/norm/int_bn_backward_data_kernel.hpp"
#include "models/hw/kernels/norm/int_bn_backward_reduce_kernel.hpp"
#include "models/hw/kernels/norm/int_bn_normalize_kernel.hpp"
#include "models/hw/kernels/norm/int_bn_stats_kernel.hpp"
#include "sim/lower/vector_builders.hpp"

namespace qtsim::lower {

using hw::QuantizePass;
using hw::QuantizeTarget;

namespace {

hw::Dims4 channels_of(const HwTensor& x) { return {1, x.data.dims.c, 1, 1}; }

KernelLabel with_op(KernelLabel l, const char* op) {
  l.op = op;
  return l;
}

}  // namespace

IntBnForward int_batchnorm_forward(LoweringContext& ctx, const KernelLabel& label, const ref::Node& node,
                                   const HwTensor& x, const HwTensor& gamma, const HwTensor& beta, const BnSlot& bn,
                                   int bank, const ref::RandomStream& random, const std::string& name) {
  const ref::IntBatchNormSpec& spec = ctx.scheme.int_bn;
  const hw::Dims4 cv = channels_of(x);
  const std::string& layer = node.name;
  IntBnForward f;
  hw::IntBnStatistics stats{ctx.int_tensor(layer + "/mean", cv, spec.mean_bits), ctx.int_tensor(layer + "/std", cv, spec.std_bits),
                            HwTensor(ctx.alloc.allocate(layer + "/inv", hw::DType::i64, cv)), ctx.regs.allocate()};
  const hw::IntBnRunning running{bn.running_mean[bank], bn.running_var[bank], bn.running_mean[1 - bank],
                                 bn.running_var[1 - bank], bn.initialised_reg};
  ctx.add(std::make_unique<hw::IntBnStatsKernel>(with_op(label, "bn-stats"), x, spec, stats, running, ctx.config));
  const hw::IntBnXhatTarget xh{ctx.int_tensor(layer + "/xhat", x.data.dims, spec.norm_bits), ctx.regs.allocate(),
                               ctx.regs.allocate(), ctx.regs.allocate()};
  ctx.add(std::make_unique<hw::IntBnNormalizeKernel>(with_op(label, "bn-xhat/max"), QuantizePass::max, x, stats, gamma,
                                                     beta, xh, spec, ctx.config));
  ctx.add(std::make_unique<hw::IntBnNormalizeKernel>(with_op(label, "bn-xhat/quantize"), QuantizePass::quantize, x, stats,
                                                     gamma, beta, xh, spec, ctx.config));
  const QuantizeTarget y{ctx.quantized(name, x.data.dims, ctx.scheme.A), ctx.scheme.A, random, xh.y_max_reg};
  KernelLabel affine = with_op(label, "bn-affine");
  affine.path = "A";
  ctx.add(std::make_unique<hw::IntBnAffineKernel>(affine, xh.xhat, gamma, beta, y, ctx.config));
  f.y = y.out;
  f.mean = stats.mean;
  f.stddev = stats.stddev;
  f.xhat = xh.xhat;
  f.inv = stats.inv;
  f.inv_r_reg = stats.inv_r_reg;
  return f;
}

IntBnBackward int_batchnorm_backward(LoweringContext& ctx, const KernelLabel& label, const ref::Node&, const HwTensor& dy,
                                     const HwTensor& gamma, const IntBnForward& fwd, const ref::QuantizerSpec& g_spec,
                                     const ref::RandomStream& dx_random, const ref::RandomStream& dgamma_random,
                                     const ref::RandomStream& dbeta_random, const std::string& dx_name,
                                     const std::string& dgamma_name, const std::string& dbeta_name) {
  const hw::Dims4 cv = channels_of(dy);
  const QuantizeTarget dgamma{ctx.quantized(dgamma_name, cv, g_spec), g_spec, dgamma_random, ctx.regs.allocate()};
  const QuantizeTarget dbeta{ctx.quantized(dbeta_name, cv, g_spec), g_spec, dbeta_random, ctx.regs.allocate()};
  const hw::IntBnBackwardMeans means{HwTensor(ctx.alloc.allocate(dx_name + ".m1", hw::DType::i64, cv)),
                                     HwTensor(ctx.alloc.allocate(dx_name + ".m2", hw::DType::i64, cv))};
  KernelLabel reduce = with_op(label, "bn-backward-reduce");
  reduce.phase = hw::Phase::backward_weights;
  reduce.path = "G";
  ctx.add(std::make_unique<hw::IntBnBackwardReduceKernel>(reduce, dy, fwd.xhat, gamma, dgamma, dbeta, means, ctx.config));
  const hw::IntBnStatistics stats{fwd.mean, fwd.stddev, fwd.inv, fwd.inv_r_reg};
  const QuantizeTarget dx{ctx.quantized(dx_name, dy.data.dims, ctx.scheme.E), ctx.scheme.E, dx_random, ctx.regs.allocate()};
  const int narrow = ctx.regs.allocate();
  KernelLabel data = label;
  data.path = "E";
  data.op = "bn-dx/max";
  ctx.add(std::make_unique<hw::IntBnBackwardDataKernel>(data, QuantizePass::max, dy, fwd.xhat, gamma, means, stats, narrow,
                                                        dx, ctx.config));
  data.op = "bn-dx/quantize";
  ctx.add(std::make_unique<hw::IntBnBackwardDataKernel>(data, QuantizePass::quantize, dy, fwd.xhat, gamma, means, stats,
                                                        narrow, dx, ctx.config));
  return {dx.out, dgamma.out, dbeta.out};
}

FloatBnForward float_batchnorm_forward(LoweringContext& ctx, const KernelLabel& label, const ref::Node& node,
                                       const HwTensor& x, const HwTensor& gamma, const HwTensor& beta, const BnSlot& bn,
                                       int bank, const std::string& name) {
  const hw::Dims4 cv = channels_of(x);
  const std::string& layer = node.name;
  const HwTensor mean(ctx.alloc.allocate(layer + "/mean64", hw::DType::i64, cv));
  FloatBnForward f;
  f.inv_std = ctx.float_tensor(layer + "/inv_std", cv);
  f.xhat = ctx.float_tensor(layer + "/xhat", x.data.dims);
  f.y = ctx.float_tensor(name, x.data.dims);
  const hw::FloatBnRunning running{bn.running_mean[bank], bn.running_var[bank], bn.running_mean[1 - bank],
                                   bn.running_var[1 - bank]};
  ctx.add(std::make_unique<hw::FloatBnMeanKernel>(with_op(label, "bn-mean"), x, mean, ctx.config));
  ctx.add(std::make_unique<hw::FloatBnVarianceKernel>(with_op(label, "bn-variance"), x, mean, running, f.inv_std, node.bn_eps,
                                                      node.bn_momentum, ctx.config));
  KernelLabel normalize = with_op(label, "bn-normalize");
  normalize.path = "A";
  ctx.add(std::make_unique<hw::FloatBnNormalizeKernel>(normalize, x, mean, f.inv_std, gamma, beta, f.y, f.xhat, ctx.config));
  return f;
}

FloatBnBackward float_batchnorm_backward(LoweringContext& ctx, const KernelLabel& label, const ref::Node&,
                                         const HwTensor& dy, const HwTensor& gamma, const FloatBnForward& fwd,
                                         const std::string& dx_name, const std::string& dgamma_name,
                                         const std::string& dbeta_name) {
  const hw::Dims4 cv = channels_of(dy);
  FloatBnBackward b;
  b.dgamma = ctx.float_tensor(dgamma_name, cv);
  b.dbeta = ctx.float_tensor(dbeta_name, cv);
  b.dx = ctx.float_tensor(dx_name, dy.data.dims);
  const hw::FloatBnBackwardCoefficients k{ctx.float_tensor(dx_name + ".mean_dy", cv),
                                          ctx.float_tensor(dx_name + ".mean_dy_xhat", cv),
                                          ctx.float_tensor(dx_name + ".scale", cv)};
  KernelLabel reduce = with_op(label, "bn-backward-reduce");
  reduce.phase = hw::Phase::backward_weights;
  reduce.path = "G";
  ctx.add(std::make_unique<hw::FloatBnBackwardReduceKernel>(reduce, dy, fwd.xhat, gamma, fwd.inv_std, b.dgamma, b.dbeta, k,
                                                            ctx.config));
  KernelLabel data = with_op(label, "bn-backward-data");
  data.path = "E";
  ctx.add(std::make_unique<hw::FloatBnBackwardDataKernel>(data, dy, fwd.xhat, k, b.dx, ctx.config));
  return b;
}

}  // namespace qtsim::lower
