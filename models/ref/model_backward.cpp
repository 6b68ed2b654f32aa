// Backward pass of one node: errors for its inputs (pushed to their
// producers) and gradients of its parameters (docs/NUMERICS.md §6, §9).
#include <stdexcept>

#include "model_pass.hpp"
#include "ops/conv_grouped.hpp"
#include "ops/dense.hpp"
#include "ops/layers_float.hpp"
#include "ops/layers_int.hpp"

namespace qtsim::ref {

namespace {

template <typename T>
T reshaped(T t, const Shape& shape) {
  t.shape = shape;
  return t;
}

}  // namespace

void Model::backward_float(Pass& pass, int j, const FTensor& dy) const {
  const Node& n = net_.nodes[static_cast<std::size_t>(j)];
  const int in0 = n.inputs[0];
  const bool need_dx = upstream_trainable_[static_cast<std::size_t>(in0)];
  const FTensor& x = float_output(pass, in0);
  const int p0 = first_param_[static_cast<std::size_t>(j)];
  auto send = [&](int input, FTensor dx) {
    pass.record(n.name + (input == in0 ? "/dx0" : "/dx1"), dx);
    pass.error_contributions[static_cast<std::size_t>(input)].push_back(Value{std::move(dx), std::nullopt});
  };
  auto grad = [&](int k, FTensor g) { pass.float_grads[static_cast<std::size_t>(p0 + k)] = std::move(g); };

  switch (n.op) {
    case OpKind::conv2d:
      if (need_dx) send(in0, grouped_conv2d_backward_data(dy, param(j).value, x.shape, n.stride, n.padding, n.groups));
      grad(0, grouped_conv2d_backward_weights(x, dy, param(j).shape, n.stride, n.padding, n.groups));
      if (n.has_bias) grad(1, channel_bias_backward(dy));
      break;
    case OpKind::linear:
      if (need_dx) send(in0, linear_backward_data(dy, param(j).value, x.shape));
      grad(0, linear_backward_weights(x, dy, param(j).shape));
      if (n.has_bias) grad(1, channel_bias_backward(dy));
      break;
    case OpKind::relu: send(in0, relu_backward(dy, *pass.values[static_cast<std::size_t>(j)].f)); break;
    case OpKind::maxpool: send(in0, maxpool_backward(dy, pass.argmax[static_cast<std::size_t>(j)], x.shape)); break;
    case OpKind::avgpool: send(in0, avgpool_backward(dy, x.shape, n.kernel, n.stride, n.padding)); break;
    case OpKind::global_avgpool: send(in0, global_avgpool_backward(dy, x.shape)); break;
    case OpKind::add:
      if (need_dx) send(in0, dy);
      if (upstream_trainable_[static_cast<std::size_t>(n.inputs[1])]) send(n.inputs[1], dy);
      break;
    case OpKind::flatten: send(in0, reshaped(dy, x.shape)); break;
    case OpKind::batchnorm: {
      FloatBatchNormGrads g = batchnorm_backward(dy, param(j).value, pass.float_bn_saved[static_cast<std::size_t>(j)]);
      if (need_dx) send(in0, std::move(g.dx));
      grad(0, std::move(g.dgamma));
      grad(1, std::move(g.dbeta));
      break;
    }
    case OpKind::bias:
      if (need_dx) send(in0, dy);
      grad(0, bias_backward_param(dy));
      break;
    case OpKind::scale:
      if (need_dx) send(in0, scale_backward_data(dy, param(j).value));
      grad(0, scale_backward_param(dy, x));
      break;
    case OpKind::input: throw std::logic_error("input node has no backward");
  }
}

void Model::backward_int(Pass& pass, int j, const QTensor& dy) const {
  const Node& n = net_.nodes[static_cast<std::size_t>(j)];
  const auto id = static_cast<std::uint32_t>(j);
  const int in0 = n.inputs[0];
  const bool need_dx = upstream_trainable_[static_cast<std::size_t>(in0)];
  const QTensor& x = int_output(pass, in0);
  const int p0 = first_param_[static_cast<std::size_t>(j)];
  const int acc = scheme_.accumulator_bits;
  std::uint64_t* acc_sat = &pass.stats.accumulator_saturations;

  auto send = [&](int input, QTensor dx, const QuantStats* st) {
    pass.record(n.name + (input == in0 ? "/dx0" : "/dx1"), dx, st);
    pass.error_contributions[static_cast<std::size_t>(input)].push_back(Value{std::nullopt, std::move(dx)});
  };
  // E-quantizes a wide input error and sends it.
  auto send_error = [&](int input, const WideTensor& wide) {
    QuantStats st;
    QTensor q = quantize(wide, scheme_.E, pass.stream(id, RandomPurpose::quantize_error), &st);
    pass.stats.paths["E"].add(st);
    send(input, std::move(q), &st);
  };
  // G-quantizes a wide gradient of parameter k of this node.
  auto grad = [&](int k, const WideTensor& wide) {
    const auto index = static_cast<std::size_t>(p0 + k);
    QuantizerSpec spec = scheme_.G;
    spec.constant_log2 = pass.gradient_constant_log2;
    QuantStats st;
    QTensor g = quantize(wide, spec, pass.stream(kParameterTensorBase + static_cast<std::uint32_t>(index), RandomPurpose::quantize_gradient), &st);
    pass.stats.paths["G"].add(st);
    pass.record(params_[index].name + "/g", g, &st);
    pass.int_grads[index] = std::move(g);
  };

  switch (n.op) {
    case OpKind::conv2d:
      if (need_dx)
        send_error(in0, grouped_conv2d_backward_data(dy, param(j).w, x.shape, n.stride, n.padding, n.groups, acc, acc_sat));
      grad(0, grouped_conv2d_backward_weights(x, dy, param(j).shape, n.stride, n.padding, n.groups, acc, acc_sat));
      if (n.has_bias) grad(1, channel_sum(dy));
      break;
    case OpKind::linear:
      if (need_dx) send_error(in0, linear_backward_data(dy, param(j).w, x.shape, acc, acc_sat));
      grad(0, linear_backward_weights(x, dy, param(j).shape, acc, acc_sat));
      if (n.has_bias) grad(1, channel_sum(dy));
      break;
    case OpKind::relu: send(in0, relu_backward(dy, *pass.values[static_cast<std::size_t>(j)].q), nullptr); break;
    case OpKind::maxpool: send_error(in0, maxpool_backward(dy, pass.argmax[static_cast<std::size_t>(j)], x.shape)); break;
    case OpKind::avgpool: send_error(in0, avgpool_backward(dy, x.shape, n.kernel, n.stride, n.padding)); break;
    case OpKind::global_avgpool: send_error(in0, global_avgpool_backward(dy, x.shape)); break;
    case OpKind::add:
      if (need_dx) send(in0, dy, nullptr);
      if (upstream_trainable_[static_cast<std::size_t>(n.inputs[1])]) send(n.inputs[1], dy, nullptr);
      break;
    case OpKind::flatten: send(in0, reshaped(dy, x.shape), nullptr); break;
    case OpKind::batchnorm: {
      const IntBatchNormGrads g = int_batchnorm_backward(dy, param(j).w, pass.int_bn_saved[static_cast<std::size_t>(j)]);
      if (need_dx) send_error(in0, g.dx);
      grad(0, g.dgamma);
      grad(1, g.dbeta);
      break;
    }
    case OpKind::bias:
      if (need_dx) send(in0, dy, nullptr);
      grad(0, sum_all(dy));
      break;
    case OpKind::scale:
      if (need_dx) send_error(in0, scale_backward_data(dy, param(j).w));
      grad(0, scale_backward_param(dy, x));
      break;
    case OpKind::input: throw std::logic_error("input node has no backward");
  }
}

}  // namespace qtsim::ref
