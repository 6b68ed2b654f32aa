#pragma once
// Kernel builders for the vector and normalization units: every layer other
// than conv/linear, the loss stage and the parameter update, in integers and
// in FP32. Each appends its kernels (one or more passes) to the program and
// returns the tensors it produces.
#include <cstdint>
#include <string>
#include <vector>

#include "models/ref/graph.hpp"
#include "sim/lower/lowering_context.hpp"
#include "sim/lower/param_store.hpp"

namespace qtsim::lower {

using hw::HwTensor;
using hw::KernelLabel;

// ---- integer schemes ----
HwTensor int_float_entry(LoweringContext& ctx, const KernelLabel& label, const HwTensor& f,
                         const ref::QuantizerSpec& spec, const ref::RandomStream& random, const std::string& name);
HwTensor dequantize(LoweringContext& ctx, const KernelLabel& label, const HwTensor& q, const std::string& name);
HwTensor int_relu_forward(LoweringContext& ctx, const KernelLabel& label, const HwTensor& x, const std::string& name);
HwTensor int_relu_backward(LoweringContext& ctx, const KernelLabel& label, const HwTensor& dy, const HwTensor& y,
                           const std::string& name);
// Aligned sum of integer tensors, quantized (residual add, fan-out error sums).
HwTensor int_add(LoweringContext& ctx, const KernelLabel& label, const std::vector<HwTensor>& inputs,
                 const ref::QuantizerSpec& spec, const ref::RandomStream& random, const std::string& name);
HwTensor int_scalar_bias_forward(LoweringContext& ctx, const KernelLabel& label, const HwTensor& x, const HwTensor& b,
                                 const ref::QuantizerSpec& spec, const ref::RandomStream& random, const std::string& name);
HwTensor int_scale_forward(LoweringContext& ctx, const KernelLabel& label, const HwTensor& x, const HwTensor& m,
                           const ref::QuantizerSpec& spec, const ref::RandomStream& random, const std::string& name);
HwTensor int_scale_backward_data(LoweringContext& ctx, const KernelLabel& label, const HwTensor& dy, const HwTensor& m,
                                 const ref::QuantizerSpec& spec, const ref::RandomStream& random, const std::string& name);
// Reductions followed by the G quantizer: sum of dy, sum of dy*x, per-channel sum of dy.
HwTensor int_sum_all(LoweringContext& ctx, const KernelLabel& label, const HwTensor& dy, const ref::QuantizerSpec& spec,
                     const ref::RandomStream& random, const std::string& name);
HwTensor int_dot(LoweringContext& ctx, const KernelLabel& label, const HwTensor& dy, const HwTensor& x,
                 const ref::QuantizerSpec& spec, const ref::RandomStream& random, const std::string& name);
HwTensor int_channel_sum(LoweringContext& ctx, const KernelLabel& label, const HwTensor& dy,
                         const ref::QuantizerSpec& spec, const ref::RandomStream& random, const std::string& name);

struct PoolForward {
  HwTensor y;
  HwTensor argmax;  // max-pool: where each output came from
};
PoolForward int_pool_forward(LoweringContext& ctx, const KernelLabel& label, const ref::Node& node, const HwTensor& x,
                             const ref::QuantizerSpec& spec, const ref::RandomStream& random, const std::string& name);
HwTensor int_pool_backward(LoweringContext& ctx, const KernelLabel& label, const ref::Node& node, const HwTensor& dy,
                           const PoolForward& fwd, const hw::Dims4& x_dims, const ref::QuantizerSpec& spec,
                           const ref::RandomStream& random, const std::string& name);

struct LossOutputs {
  HwTensor dlogits;
  int loss_reg = -1, correct_reg = -1;
};
LossOutputs softmax_cross_entropy(LoweringContext& ctx, const KernelLabel& label, const HwTensor& logits,
                                  const HwTensor& labels, const std::string& name);

struct IntUpdateOutputs {
  HwTensor v, u, master_new, w_new;  // v and master_new only when the scheme has them
};
IntUpdateOutputs int_update(LoweringContext& ctx, const KernelLabel& label, const ParamSlot& slot, int bank,
                            const HwTensor& g, std::int64_t lr_int, std::int64_t decay_int,
                            const ref::RandomStream& update_random, const ref::RandomStream& momentum_random);

struct IntBnForward {
  HwTensor y, mean, stddev, xhat, inv;
  int inv_r_reg = -1;
};
IntBnForward int_batchnorm_forward(LoweringContext& ctx, const KernelLabel& label, const ref::Node& node,
                                   const HwTensor& x, const HwTensor& gamma, const HwTensor& beta, const BnSlot& bn,
                                   int bank, const ref::RandomStream& random, const std::string& name);
struct IntBnBackward {
  HwTensor dx, dgamma, dbeta;
};
IntBnBackward int_batchnorm_backward(LoweringContext& ctx, const KernelLabel& label, const ref::Node& node,
                                     const HwTensor& dy, const HwTensor& gamma, const IntBnForward& fwd,
                                     const ref::QuantizerSpec& g_spec, const ref::RandomStream& dx_random,
                                     const ref::RandomStream& dgamma_random, const ref::RandomStream& dbeta_random,
                                     const std::string& dx_name, const std::string& dgamma_name,
                                     const std::string& dbeta_name);

// ---- FP32 schemes ----
HwTensor float_relu_forward(LoweringContext& ctx, const KernelLabel& label, const HwTensor& x, const std::string& name);
HwTensor float_relu_backward(LoweringContext& ctx, const KernelLabel& label, const HwTensor& dy, const HwTensor& y,
                             const std::string& name);
HwTensor float_add(LoweringContext& ctx, const KernelLabel& label, const std::vector<HwTensor>& inputs,
                   const std::string& name);
HwTensor float_scalar_bias_forward(LoweringContext& ctx, const KernelLabel& label, const HwTensor& x, const HwTensor& b,
                                   const std::string& name);
HwTensor float_scale_forward(LoweringContext& ctx, const KernelLabel& label, const HwTensor& x, const HwTensor& m,
                             const std::string& name);
HwTensor float_scale_backward_data(LoweringContext& ctx, const KernelLabel& label, const HwTensor& dy, const HwTensor& m,
                                   const std::string& name);
HwTensor float_sum_all(LoweringContext& ctx, const KernelLabel& label, const HwTensor& dy, const std::string& name);
HwTensor float_dot(LoweringContext& ctx, const KernelLabel& label, const HwTensor& dy, const HwTensor& x,
                   const std::string& name);
void float_channel_bias_forward(LoweringContext& ctx, const KernelLabel& label, HwTensor& y, const HwTensor& b);
HwTensor float_channel_sum(LoweringContext& ctx, const KernelLabel& label, const HwTensor& dy, const std::string& name);
PoolForward float_pool_forward(LoweringContext& ctx, const KernelLabel& label, const ref::Node& node, const HwTensor& x,
                               const std::string& name);
HwTensor float_pool_backward(LoweringContext& ctx, const KernelLabel& label, const ref::Node& node, const HwTensor& dy,
                             const PoolForward& fwd, const hw::Dims4& x_dims, const std::string& name);
struct FloatBnForward {
  HwTensor y, xhat, inv_std;
};
FloatBnForward float_batchnorm_forward(LoweringContext& ctx, const KernelLabel& label, const ref::Node& node,
                                       const HwTensor& x, const HwTensor& gamma, const HwTensor& beta, const BnSlot& bn,
                                       int bank, const std::string& name);
struct FloatBnBackward {
  HwTensor dx, dgamma, dbeta;
};
FloatBnBackward float_batchnorm_backward(LoweringContext& ctx, const KernelLabel& label, const ref::Node& node,
                                         const HwTensor& dy, const HwTensor& gamma, const FloatBnForward& fwd,
                                         const std::string& dx_name, const std::string& dgamma_name,
                                         const std::string& dbeta_name);
struct FloatUpdateOutputs {
  HwTensor w_new;
};
FloatUpdateOutputs float_update(LoweringContext& ctx, const KernelLabel& label, const ParamSlot& slot, int bank,
                                const HwTensor& g, double lr, double momentum, double weight_decay);

}  // namespace qtsim::lower
