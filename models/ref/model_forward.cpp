// Forward pass of one node, in float or in integers (docs/NUMERICS.md §6, §9).
#include <stdexcept>

#include "model_pass.hpp"
#include "ops/conv_grouped.hpp"
#include "ops/dense.hpp"
#include "ops/layers_float.hpp"
#include "ops/layers_int.hpp"

namespace qtsim::ref {

namespace {

Shape batch_shape(std::int64_t batch, const Shape& per_sample) {
  std::vector<std::int64_t> d{batch};
  d.insert(d.end(), per_sample.dims.begin(), per_sample.dims.end());
  return Shape(d);
}

}  // namespace

void Model::forward_float(Pass& pass, int j) {
  const Node& n = net_.nodes[static_cast<std::size_t>(j)];
  const int in0 = n.inputs[0];
  const FTensor& x = float_output(pass, in0);
  FTensor y;
  switch (n.op) {
    case OpKind::conv2d:
      y = grouped_conv2d_forward(x, param(j).value, n.stride, n.padding, n.groups);
      if (n.has_bias) channel_bias_forward(y, param(j, 1).value);
      break;
    case OpKind::linear:
      y = linear_forward(x, param(j).value);
      if (n.has_bias) channel_bias_forward(y, param(j, 1).value);
      break;
    case OpKind::relu: y = relu_forward(x); break;
    case OpKind::maxpool: y = maxpool_forward(x, n.kernel, n.stride, n.padding, &pass.argmax[static_cast<std::size_t>(j)]); break;
    case OpKind::avgpool: y = avgpool_forward(x, n.kernel, n.stride, n.padding); break;
    case OpKind::global_avgpool: y = global_avgpool_forward(x); break;
    case OpKind::add: y = add_forward(x, float_output(pass, n.inputs[1])); break;
    case OpKind::flatten:
      y = x;
      y.shape = batch_shape(x.shape.n(), n.out_shape);
      break;
    case OpKind::batchnorm: {
      FloatBatchNormState& state = float_bn_[static_cast<std::size_t>(j)];
      if (pass.training)
        y = batchnorm_forward_train(x, param(j).value, param(j, 1).value, n.bn_eps, state.running_mean, state.running_var,
                                    n.bn_momentum, &pass.float_bn_saved[static_cast<std::size_t>(j)]);
      else
        y = batchnorm_forward_eval(x, param(j).value, param(j, 1).value, n.bn_eps, state.running_mean, state.running_var);
      break;
    }
    case OpKind::bias: y = bias_forward(x, param(j).value); break;
    case OpKind::scale: y = scale_forward(x, param(j).value); break;
    case OpKind::input: throw std::logic_error("input node has no forward");
  }
  pass.values[static_cast<std::size_t>(j)].f = std::move(y);
}

void Model::forward_int(Pass& pass, int j) {
  const Node& n = net_.nodes[static_cast<std::size_t>(j)];
  const auto id = static_cast<std::uint32_t>(j);
  const QTensor& x = int_output(pass, n.inputs[0]);
  auto to_activation = [&](const WideTensor& w) {
    return quantize_path(pass, w, scheme_.A, "A", id, RandomPurpose::quantize_activation);
  };
  const int acc = scheme_.accumulator_bits;
  std::uint64_t* acc_sat = &pass.stats.accumulator_saturations;
  QTensor y;
  switch (n.op) {
    case OpKind::conv2d: {
      WideTensor a = grouped_conv2d_forward(x, param(j).w, n.stride, n.padding, n.groups, acc, acc_sat);
      if (n.has_bias) a = channel_bias_forward(a, acc - 1, param(j, 1).w);  // |acc| <= 2^(acc-1) - 1
      y = to_activation(a);
      break;
    }
    case OpKind::linear: {
      WideTensor a = linear_forward(x, param(j).w, acc, acc_sat);
      if (n.has_bias) a = channel_bias_forward(a, acc - 1, param(j, 1).w);  // |acc| <= 2^(acc-1) - 1
      y = to_activation(a);
      break;
    }
    case OpKind::relu: y = relu_forward(x); break;
    case OpKind::maxpool: y = maxpool_forward(x, n.kernel, n.stride, n.padding, &pass.argmax[static_cast<std::size_t>(j)]); break;
    case OpKind::avgpool: y = to_activation(avgpool_forward(x, n.kernel, n.stride, n.padding)); break;
    case OpKind::global_avgpool: y = to_activation(global_avgpool_forward(x)); break;
    case OpKind::add: y = to_activation(add_aligned(x, int_output(pass, n.inputs[1]))); break;
    case OpKind::flatten:
      y = x;
      y.shape = batch_shape(x.shape.n(), n.out_shape);
      break;
    case OpKind::batchnorm: {
      QuantStats bn_stats;
      IntBatchNormRunning& running = int_bn_[static_cast<std::size_t>(j)];
      if (pass.training) {
        IntBatchNormSaved& saved = pass.int_bn_saved[static_cast<std::size_t>(j)];
        y = to_activation(int_batchnorm_forward_train(x, param(j).w, param(j, 1).w, scheme_.int_bn, running, &saved, &bn_stats));
        pass.record(n.name + "/mean", saved.mean);
        pass.record(n.name + "/std", saved.stddev);
        pass.record(n.name + "/xhat", saved.xhat);
      } else {
        y = to_activation(int_batchnorm_forward_eval(x, param(j).w, param(j, 1).w, scheme_.int_bn, running, &bn_stats));
      }
      pass.stats.paths["BN"].add(bn_stats);
      break;
    }
    case OpKind::bias: y = to_activation(bias_forward(x, param(j).w)); break;
    case OpKind::scale: y = to_activation(scale_forward(x, param(j).w)); break;
    case OpKind::input: throw std::logic_error("input node has no forward");
  }
  pass.values[static_cast<std::size_t>(j)].q = std::move(y);
}

}  // namespace qtsim::ref
