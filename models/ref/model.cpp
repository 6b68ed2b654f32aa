#include "model.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <fmt/format.h>
#include <stdexcept>

#include "alignment.hpp"
#include "init.hpp"
#include "model_pass.hpp"
#include "ops/layers_float.hpp"
#include "ops/layers_int.hpp"
#include "optimizer.hpp"

namespace qtsim::ref {

namespace {

constexpr std::uint32_t kEvaluationStep = 0xFFFFFFFFU;

bool is_dense(OpKind op) { return op == OpKind::conv2d || op == OpKind::linear; }

std::vector<bool> float_node_map(const Network& net, const Scheme& scheme) {
  std::vector<bool> f(net.nodes.size(), scheme.is_float());
  if (scheme.is_float()) return f;
  int first_dense = -1, last_dense = -1;
  for (std::size_t i = 0; i < net.nodes.size(); ++i) {
    const OpKind op = net.nodes[i].op;
    if (op == OpKind::batchnorm && scheme.normalization == NormKind::fp32) f[i] = true;
    if (is_dense(op)) {
      if (first_dense < 0) first_dense = static_cast<int>(i);
      last_dense = static_cast<int>(i);
    }
  }
  if (scheme.fp32_first_last && first_dense >= 0) {
    f[static_cast<std::size_t>(first_dense)] = true;
    f[static_cast<std::size_t>(last_dense)] = true;
  }
  return f;
}

bool has_parameters(OpKind op) {
  return is_dense(op) || op == OpKind::batchnorm || op == OpKind::bias || op == OpKind::scale;
}

}  // namespace

void Model::Pass::check_finite(const std::string& name, const FTensor& f) {
  if (stats.first_fault) return;
  // A float is NaN or Inf exactly when its exponent bits are all ones: blocks are
  // tested with that branch-free (vectorized) rule, and only a failing block is
  // searched for its first non-finite element.
  constexpr std::size_t kBlock = 4096;
  constexpr std::uint32_t kExponentBits = 0x7f800000U;
  for (std::size_t b = 0; b < f.size(); b += kBlock) {
    const std::size_t e = std::min(f.size(), b + kBlock);
    std::uint32_t bad = 0;
    for (std::size_t i = b; i < e; ++i)
      bad |= static_cast<std::uint32_t>((std::bit_cast<std::uint32_t>(f.data[i]) & kExponentBits) == kExponentBits);
    if (bad == 0) continue;
    for (std::size_t i = b; i < e; ++i)
      if (!std::isfinite(f.data[i])) {
        stats.first_fault = NumericFault{name, i, std::isnan(f.data[i]) ? "NaN" : "Inf"};
        return;
      }
  }
}

Model::Model(Network net, Scheme scheme, std::uint32_t seed, InitialValues values) : net_(std::move(net)), scheme_(std::move(scheme)), seed_(seed) {
  for (const auto& n : net_.nodes)
    if (n.op == OpKind::batchnorm && scheme_.normalization == NormKind::none)
      throw std::invalid_argument(fmt::format(
          "scheme '{}' has no batch normalization (normalization: none) but layer '{}' is a batchnorm layer", scheme_.name, n.name));
  float_nodes_ = float_node_map(net_, scheme_);
  upstream_trainable_.assign(net_.nodes.size(), false);
  for (std::size_t i = 1; i < net_.nodes.size(); ++i) {
    bool t = has_parameters(net_.nodes[i].op);
    for (int in : net_.nodes[i].inputs) t = t || upstream_trainable_[static_cast<std::size_t>(in)];
    upstream_trainable_[i] = t;
  }
  params_ = create_parameters(net_, scheme_, float_nodes_, seed_, values);
  first_param_.assign(net_.nodes.size(), -1);
  for (std::size_t p = params_.size(); p-- > 0;) first_param_[static_cast<std::size_t>(params_[p].node)] = static_cast<int>(p);
  float_bn_.resize(net_.nodes.size());
  int_bn_.resize(net_.nodes.size());
  for (std::size_t i = 0; i < net_.nodes.size(); ++i)
    if (net_.nodes[i].op == OpKind::batchnorm && float_nodes_[i]) {
      const Shape c{net_.nodes[i].out_shape[0]};
      float_bn_[i] = {FTensor(c, 0.0f), FTensor(c, 1.0f)};
    }
}

const QTensor& Model::int_output(Pass& pass, int node) const {
  Value& v = pass.values[static_cast<std::size_t>(node)];
  if (!v.q) {
    const RandomPurpose purpose = node == 0 ? RandomPurpose::quantize_input : RandomPurpose::quantize_activation;
    QuantStats st;
    v.q = quantize(*v.f, scheme_.A, pass.stream(static_cast<std::uint32_t>(node), purpose), &st);
    pass.stats.paths[node == 0 ? "input" : "A"].add(st);
    pass.record(net_.nodes[static_cast<std::size_t>(node)].name + "/y_as_int", *v.q, &st);
  }
  return *v.q;
}

const FTensor& Model::float_output(Pass& pass, int node) const {
  Value& v = pass.values[static_cast<std::size_t>(node)];
  if (!v.f) {
    v.f = dequantize(*v.q);
    pass.record(net_.nodes[static_cast<std::size_t>(node)].name + "/y_as_float", *v.f);
  }
  return *v.f;
}

QTensor Model::quantize_path(Pass& pass, const WideTensor& v, const QuantizerSpec& spec, const char* path,
                             std::uint32_t tensor_id, RandomPurpose purpose) const {
  QuantStats st;
  QTensor q = quantize(v, spec, pass.stream(tensor_id, purpose), &st);
  pass.stats.paths[path].add(st);
  return q;
}

Model::Value Model::output_error(Pass& pass, int node) const {
  auto& contributions = pass.error_contributions[static_cast<std::size_t>(node)];
  if (contributions.empty()) throw std::logic_error("no error reached layer " + net_.nodes[static_cast<std::size_t>(node)].name);
  Value dy;
  const auto id = static_cast<std::uint32_t>(node);
  if (float_nodes_[static_cast<std::size_t>(node)]) {
    FTensor sum = contributions[0].f ? std::move(*contributions[0].f) : dequantize(*contributions[0].q);
    for (std::size_t k = 1; k < contributions.size(); ++k) {
      const FTensor add = contributions[k].f ? *contributions[k].f : dequantize(*contributions[k].q);
      for (std::size_t i = 0; i < sum.size(); ++i) sum.data[i] += add.data[i];
    }
    dy.f = std::move(sum);
  } else if (contributions.size() == 1 && contributions[0].q) {
    dy.q = std::move(*contributions[0].q);
  } else {
    // Float errors enter exactly (float entry); the errors are summed aligned
    // (all at once, docs/NUMERICS.md §1.1); one E quantization.
    WideTensor sum;
    if (contributions.size() == 2 && contributions[0].q && contributions[1].q) {
      sum = add_aligned(*contributions[0].q, *contributions[1].q);  // a residual fan-out: no widened copies
    } else {
      std::vector<WideTensor> wides;
      std::vector<WideSummand> summands;
      wides.reserve(contributions.size());
      for (Value& c : contributions) {
        QuantStats st;
        wides.push_back(c.q ? to_wide(*c.q) : to_wide(*c.f, &st));
        pass.stats.paths["E"].add(st);
        summands.push_back({&wides.back(), c.q ? width_of(*c.q) : measured_width(wides.back())});
      }
      sum = aligned_sum(summands);
    }
    dy.q = quantize_path(pass, sum, scheme_.E, "E", id, RandomPurpose::quantize_output_error);
  }
  contributions.clear();
  return dy;
}

StepStats Model::train_step(const FTensor& images, const std::vector<int>& labels, const StepHyper& hyper,
                            TensorSink* sink) {
  Pass pass;
  pass.images = &images;
  pass.step = hyper.step;
  pass.seed = seed_;
  pass.sink = sink;
  pass.training = true;
  pass.gradient_constant_log2 = scheme_.G.constant_log2;
  for (const auto& [from_epoch, log2c] : scheme_.optimizer.gradient_constant_schedule)
    if (hyper.epoch >= from_epoch) pass.gradient_constant_log2 = log2c;
  forward(pass);

  const int out = net_.output();
  const FTensor& logits = float_output(pass, out);
  LossResult loss = softmax_cross_entropy(logits, labels);
  pass.record("loss/logits", logits);
  pass.record("loss/dlogits", loss.dlogits);
  pass.check_finite("loss/dlogits", loss.dlogits);
  pass.stats.loss = loss.loss;
  pass.stats.correct = loss.correct;
  pass.stats.samples = static_cast<std::int64_t>(labels.size());
  pass.error_contributions.assign(net_.nodes.size(), {});
  pass.error_contributions[static_cast<std::size_t>(out)].push_back(Value{std::move(loss.dlogits), std::nullopt});

  backward(pass);
  update(pass, hyper);
  return pass.stats;
}

StepStats Model::evaluate(const FTensor& images, const std::vector<int>& labels) {
  Pass pass;
  pass.images = &images;
  pass.step = kEvaluationStep;
  pass.seed = seed_;
  pass.training = false;
  forward(pass);
  const FTensor& logits = float_output(pass, net_.output());
  const LossResult loss = softmax_cross_entropy(logits, labels);
  pass.stats.loss = loss.loss;
  pass.stats.correct = loss.correct;
  pass.stats.samples = static_cast<std::int64_t>(labels.size());
  return pass.stats;
}

void Model::forward(Pass& pass) {
  pass.values.assign(net_.nodes.size(), {});
  pass.argmax.assign(net_.nodes.size(), {});
  pass.float_bn_saved.assign(net_.nodes.size(), {});
  pass.int_bn_saved.assign(net_.nodes.size(), {});
  pass.values[0].f = *pass.images;
  pass.record("input/y", *pass.images);
  for (std::size_t j = 1; j < net_.nodes.size(); ++j) forward_node(pass, static_cast<int>(j));
}

void Model::forward_node(Pass& pass, int j) {
  if (float_nodes_[static_cast<std::size_t>(j)]) {
    forward_float(pass, j);
    const FTensor& y = *pass.values[static_cast<std::size_t>(j)].f;
    pass.check_finite(net_.nodes[static_cast<std::size_t>(j)].name + "/y", y);
    pass.record(net_.nodes[static_cast<std::size_t>(j)].name + "/y", y);
  } else {
    forward_int(pass, j);
    pass.record(net_.nodes[static_cast<std::size_t>(j)].name + "/y", *pass.values[static_cast<std::size_t>(j)].q);
  }
}

void Model::backward(Pass& pass) const {
  pass.float_grads.assign(params_.size(), std::nullopt);
  pass.int_grads.assign(params_.size(), std::nullopt);
  for (int j = net_.output(); j >= 1; --j) {
    if (!upstream_trainable_[static_cast<std::size_t>(j)]) continue;
    const std::string& name = net_.nodes[static_cast<std::size_t>(j)].name;
    Value dy = output_error(pass, j);
    if (dy.f) {
      pass.check_finite(name + "/dy", *dy.f);
      pass.record(name + "/dy", *dy.f);
      backward_float(pass, j, *dy.f);
    } else {
      pass.record(name + "/dy", *dy.q);
      backward_int(pass, j, *dy.q);
    }
  }
}

void Model::update(Pass& pass, const StepHyper& hyper) {
  for (std::size_t k = 0; k < params_.size(); ++k) {
    Parameter& p = params_[k];
    const bool scalar = p.role == ParamRole::scalar_bias || p.role == ParamRole::scalar_scale;
    const double lr = scalar ? hyper.lr * hyper.scalar_lr_factor : hyper.lr;
    if (p.is_float) {
      if (!pass.float_grads[k]) continue;
      pass.record(p.name + "/w", p.value);
      pass.record(p.name + "/g", *pass.float_grads[k]);
      sgd_update(p, *pass.float_grads[k], {lr, hyper.momentum, hyper.weight_decay});
      pass.check_finite(p.name + "/w_new", p.value);
      pass.record(p.name + "/w_new", p.value);
      continue;
    }
    if (!pass.int_grads[k]) continue;
    const auto id = kParameterTensorBase + static_cast<std::uint32_t>(k);
    pass.record(p.name + "/w", p.w);
    const std::int64_t lr_int = learning_rate_integer(lr, scheme_.optimizer.lr_frac_bits);
    const std::int64_t decay_int = weight_decay_integer(hyper.weight_decay, scheme_.optimizer.weight_decay_frac_bits);
    const IntUpdateRecord rec = int_update(p, *pass.int_grads[k], lr_int, decay_int, scheme_,
                                           pass.stream(id, RandomPurpose::quantize_update),
                                           pass.stream(id, RandomPurpose::quantize_momentum));
    pass.stats.paths["U"].add(rec.update_stats);
    if (p.has_velocity) {
      pass.stats.paths["momentum"].add(rec.momentum_stats);
      pass.record(p.name + "/v", p.velocity_q, &rec.momentum_stats);
    }
    pass.record(p.name + "/u", rec.update, &rec.update_stats);
    if (p.master.bits != p.w.bits) pass.record(p.name + "/master_new", p.master);
    pass.record(p.name + "/w_new", p.w);
  }
}

}  // namespace qtsim::ref
