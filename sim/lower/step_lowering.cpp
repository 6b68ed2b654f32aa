#include "step_lowering.hpp"

#include <fmt/format.h>
#include <optional>
#include <stdexcept>

#include "models/ref/optimizer.hpp"
#include "sim/lower/gemm_builders.hpp"
#include "sim/lower/vector_builders.hpp"

namespace qtsim::lower {

using hw::HwTensor;
using hw::KernelLabel;
using hw::Phase;
using hw::Unit;
using ref::OpKind;
using ref::RandomPurpose;

std::string hardware_mismatch(const ref::Model& model, const hw::HwConfig& config) {
  const ref::Scheme& s = model.scheme();
  const bool int_array = config.array.datapath == hw::ArrayDatapath::int8;
  if (s.is_float() && int_array)
    return fmt::format("scheme '{}' computes in FP32 but the hardware '{}' has an int8 MAC array (use an fp32 configuration)",
                       s.name, config.name);
  if (!s.is_float() && !int_array)
    return fmt::format("scheme '{}' computes in integers but the hardware '{}' has an fp32 MAC array", s.name, config.name);
  if (!s.is_float() && (s.fp32_first_last || s.normalization == ref::NormKind::fp32))
    return fmt::format("scheme '{}' keeps some layers in FP32 (fp32_first_last or FP32 batchnorm); the hardware model "
                       "runs one datapath per configuration and cannot run mixed schemes", s.name);
  bool has_bn = false;
  for (const auto& n : model.network().nodes) has_bn = has_bn || n.op == OpKind::batchnorm;
  if (has_bn) {
    const hw::NormUnitKind need = s.is_float() ? hw::NormUnitKind::fp32_bn : hw::NormUnitKind::int_bn;
    if (config.norm.kind != need)
      return fmt::format("the network has batchnorm layers, which scheme '{}' computes with a '{}' normalization unit, "
                         "but the hardware '{}' has a '{}' unit", s.name, hw::to_string(need), config.name,
                         hw::to_string(config.norm.kind));
  }
  const bool stochastic = !s.is_float() && (s.A.rounding == ref::Rounding::stochastic || s.E.rounding == ref::Rounding::stochastic ||
                                            s.G.rounding == ref::Rounding::stochastic || s.U.rounding == ref::Rounding::stochastic);
  if (stochastic && config.random.lanes < 1)
    return fmt::format("scheme '{}' rounds stochastically but the hardware '{}' has no random-bit unit (random_unit.lanes: {})",
                       s.name, config.name, config.random.lanes);
  if (!s.is_float() && config.array.accumulator_bits > 32)
    return fmt::format("the hardware '{}' has {}-bit accumulators; the MAC array stores at most 32-bit partial sums",
                       config.name, config.array.accumulator_bits);
  return "";
}

namespace {

constexpr std::uint32_t kParamBase = ref::kParameterTensorBase;

// A batch of per-sample (C, H, W) or (F) tensors as N x C x H x W.
hw::Dims4 batch_dims(std::int64_t batch, const ref::Shape& per_sample) {
  const auto dim = [&](std::size_t i) { return i < per_sample.rank() ? per_sample[i] : std::int64_t{1}; };
  return {batch, dim(0), dim(1), dim(2)};
}

ref::Shape ref_shape_of(const hw::Dims4& d, const ref::Shape& per_sample) {
  std::vector<std::int64_t> dims{d.n};
  dims.insert(dims.end(), per_sample.dims.begin(), per_sample.dims.end());
  return ref::Shape(dims);
}

// Kernels built while one lives go to the deferred list (lowering_context.hpp).
class Deferred {
 public:
  explicit Deferred(LoweringContext& ctx) : ctx_(ctx), was_(ctx.deferring) { ctx.deferring = true; }
  ~Deferred() { ctx_.deferring = was_; }
  Deferred(const Deferred&) = delete;
  Deferred& operator=(const Deferred&) = delete;

 private:
  LoweringContext& ctx_;
  bool was_;
};

class Lowering {
 public:
  Lowering(const StepInputs& in, hw::DramAllocator& alloc, hw::ScalarRegs& regs, StepProgram& out)
      : in_(in), model_(*in.model), net_(model_.network()), scheme_(model_.scheme()), params_(*in.params),
        out_(out), ctx_{*in.config, scheme_, alloc, regs, out.kernels, in.step, in.seed, false, {}},
        bank_(static_cast<int>(in.step & 1)) {
    values_.resize(net_.nodes.size());
    pool_.resize(net_.nodes.size());
    int_bn_.resize(net_.nodes.size());
    float_bn_.resize(net_.nodes.size());
    contributions_.resize(net_.nodes.size());
    trainable_.assign(net_.nodes.size(), false);
    for (std::size_t i = 1; i < net_.nodes.size(); ++i) {
      const OpKind op = net_.nodes[i].op;
      bool t = op == OpKind::conv2d || op == OpKind::linear || op == OpKind::batchnorm || op == OpKind::bias || op == OpKind::scale;
      for (int inp : net_.nodes[i].inputs) t = t || trainable_[static_cast<std::size_t>(inp)];
      trainable_[i] = t;
    }
    grads_.resize(params_.params().size());
    gradient_constant_log2_ = scheme_.G.constant_log2;
    for (const auto& [from_epoch, log2c] : scheme_.optimizer.gradient_constant_schedule)
      if (in.hyper.epoch >= from_epoch) gradient_constant_log2_ = log2c;
  }

  void run() {
    input();
    for (std::size_t j = 1; j < net_.nodes.size(); ++j) forward(static_cast<int>(j));
    loss();
    for (int j = net_.output(); j >= 1; --j) {
      if (!trainable_[static_cast<std::size_t>(j)]) continue;
      backward(j);
      const Deferred off_critical_path(ctx_);
      const auto& slots = params_.params();
      for (std::size_t k = 0; k < slots.size(); ++k)
        if (slots[k].node == j && grads_[k]) update(k);
    }
    ctx_.flush_deferred();
  }

 private:
  bool is_float() const { return scheme_.is_float(); }
  const ref::Node& node(int j) const { return net_.nodes[static_cast<std::size_t>(j)]; }
  KernelLabel label(const std::string& layer, const char* op, Phase phase, const char* path,
                    Unit unit = Unit::vector_unit) const {
    return {layer, op, phase, path, unit};
  }
  // Fixup scalar work runs on the normalization unit when it is the square-root-free Fixup unit.
  Unit scalar_unit() const { return in_.config->norm.kind == hw::NormUnitKind::fixup ? Unit::norm_unit : Unit::vector_unit; }
  void record(const std::string& name, const HwTensor& t, const ref::Shape& shape) {
    out_.records.push_back({name, t, shape});
  }
  ref::Shape shape_of(int j) const { return ref_shape_of(values_[static_cast<std::size_t>(j)].data.dims, node(j).out_shape); }
  const ParamSlot& param(int j, int k = 0) const {
    return params_.params()[static_cast<std::size_t>(params_.first_param(j) + k)];
  }
  int param_index(int j, int k = 0) const { return params_.first_param(j) + k; }
  HwTensor weight(int j, int k = 0) const { return is_float() ? param(j, k).value[bank_] : param(j, k).w[bank_]; }
  std::uint32_t id(int j) const { return static_cast<std::uint32_t>(j); }

  void input() {
    const ref::Shape& per = net_.input;
    const hw::Dims4 d = batch_dims(in_.batch, per);
    out_.images = ctx_.float_tensor("input/images", d);
    out_.labels = HwTensor(ctx_.alloc.allocate("input/labels", hw::DType::i32, {in_.batch, 1, 1, 1}));
    record("input/y", out_.images, ref_shape_of(d, per));
    if (is_float()) {
      values_[0] = out_.images;
      return;
    }
    values_[0] = int_float_entry(ctx_, label("input", "float-entry", Phase::forward, "A"), out_.images, scheme_.A,
                                 ctx_.stream(0, RandomPurpose::quantize_input), "input/y_as_int");
    record("input/y_as_int", values_[0], ref_shape_of(d, per));
  }

  void forward(int j) {
    const ref::Node& n = node(j);
    const HwTensor x = values_[static_cast<std::size_t>(n.inputs[0])];
    const hw::Dims4 out_d = batch_dims(in_.batch, n.out_shape);
    const std::string y_name = n.name + "/y";
    const ref::QuantizerSpec& A = scheme_.A;
    const auto rs = ctx_.stream(id(j), RandomPurpose::quantize_activation);
    HwTensor y;
    switch (n.op) {
      case OpKind::conv2d:
      case OpKind::linear: {
        const hw::ConvShape s = conv_shape(n, x.data.dims);
        WideResult acc = gemm(ctx_, label(n.name, "gemm", Phase::forward, "A", Unit::mac_array), hw::ConvPass::forward, s,
                              x, weight(j), n.name + "/acc");
        acc.wide = reshaped(acc.wide, out_d);
        if (is_float()) {
          y = acc.wide;
          if (n.has_bias) float_channel_bias_forward(ctx_, label(n.name, "bias", Phase::forward, "A"), y, weight(j, 1));
        } else {
          HwTensor bias;
          if (n.has_bias) bias = weight(j, 1);
          y = requantize(ctx_, label(n.name, "requantize", Phase::forward, "A"), acc, n.has_bias ? &bias : nullptr, A, rs,
                         y_name);
        }
        break;
      }
      case OpKind::relu:
        y = is_float() ? float_relu_forward(ctx_, label(n.name, "relu", Phase::forward, "A"), x, y_name)
                       : int_relu_forward(ctx_, label(n.name, "relu", Phase::forward, "A"), x, y_name);
        break;
      case OpKind::maxpool:
      case OpKind::avgpool:
      case OpKind::global_avgpool: {
        PoolForward p = is_float() ? float_pool_forward(ctx_, label(n.name, "pool", Phase::forward, "A"), n, x, y_name)
                                   : int_pool_forward(ctx_, label(n.name, "pool", Phase::forward, "A"), n, x, A, rs, y_name);
        y = p.y;
        pool_[static_cast<std::size_t>(j)] = p;
        break;
      }
      case OpKind::add: {
        const HwTensor b = values_[static_cast<std::size_t>(n.inputs[1])];
        y = is_float() ? float_add(ctx_, label(n.name, "add", Phase::forward, "A"), {x, b}, y_name)
                       : int_add(ctx_, label(n.name, "add", Phase::forward, "A"), {x, b}, A, rs, y_name);
        break;
      }
      case OpKind::flatten: y = reshaped(x, out_d); break;
      case OpKind::bias:
        y = is_float() ? float_scalar_bias_forward(ctx_, label(n.name, "bias", Phase::forward, "A", scalar_unit()), x, weight(j), y_name)
                       : int_scalar_bias_forward(ctx_, label(n.name, "bias", Phase::forward, "A", scalar_unit()), x, weight(j), A, rs, y_name);
        break;
      case OpKind::scale:
        y = is_float() ? float_scale_forward(ctx_, label(n.name, "scale", Phase::forward, "A", scalar_unit()), x, weight(j), y_name)
                       : int_scale_forward(ctx_, label(n.name, "scale", Phase::forward, "A", scalar_unit()), x, weight(j), A, rs, y_name);
        break;
      case OpKind::batchnorm: {
        const BnSlot& bn = params_.batchnorms()[static_cast<std::size_t>(j)];
        const KernelLabel l = label(n.name, "batchnorm", Phase::forward, "BN", Unit::norm_unit);
        if (is_float()) {
          FloatBnForward f = float_batchnorm_forward(ctx_, l, n, x, weight(j), weight(j, 1), bn, bank_, y_name);
          y = f.y;
          float_bn_[static_cast<std::size_t>(j)] = std::move(f);
        } else {
          IntBnForward f = int_batchnorm_forward(ctx_, l, n, x, weight(j), weight(j, 1), bn, bank_, rs, y_name);
          y = f.y;
          const ref::Shape c_shape{n.out_shape[0]};
          record(n.name + "/mean", f.mean, c_shape);
          record(n.name + "/std", f.stddev, c_shape);
          record(n.name + "/xhat", f.xhat, ref_shape_of(x.data.dims, node(n.inputs[0]).out_shape));
          int_bn_[static_cast<std::size_t>(j)] = std::move(f);
        }
        break;
      }
      case OpKind::input: throw std::logic_error("input node in the forward pass");
    }
    values_[static_cast<std::size_t>(j)] = y;
    record(y_name, y, ref_shape_of(out_d, n.out_shape));
  }

  void loss() {
    const int out = net_.output();
    const HwTensor& y = values_[static_cast<std::size_t>(out)];
    const ref::Shape logit_shape = shape_of(out);
    HwTensor logits = y;
    if (!is_float()) {
      logits = dequantize(ctx_, label("loss", "dequantize", Phase::forward, "A"), y, node(out).name + "/y_as_float");
      record(node(out).name + "/y_as_float", logits, logit_shape);
    }
    record("loss/logits", logits, logit_shape);
    LossOutputs l = softmax_cross_entropy(ctx_, label("loss", "softmax-xent", Phase::forward, "E"), logits, out_.labels,
                                          "loss/dlogits");
    record("loss/dlogits", l.dlogits, logit_shape);
    out_.loss_reg = l.loss_reg;
    out_.correct_reg = l.correct_reg;
    contributions_[static_cast<std::size_t>(out)].push_back(l.dlogits);
  }

  // The error at node j's output: its consumers' contributions, summed (docs/NUMERICS.md §6 fan-out).
  HwTensor output_error(int j) {
    auto& c = contributions_[static_cast<std::size_t>(j)];
    if (c.empty()) throw std::logic_error("no error reached layer " + node(j).name);
    const std::string name = node(j).name + "/dy";
    const KernelLabel l = label(node(j).name, "error-sum", Phase::backward_data, "E");
    if (is_float()) return c.size() == 1 ? c[0] : float_add(ctx_, l, c, name);
    if (c.size() == 1 && !c[0].is_float()) return c[0];
    const auto rs = ctx_.stream(id(j), RandomPurpose::quantize_output_error);
    if (c.size() == 1) return int_float_entry(ctx_, label(node(j).name, "float-entry", Phase::backward_data, "E"), c[0], scheme_.E, rs, name);
    for (const HwTensor& t : c)
      if (t.is_float()) throw std::logic_error("float and integer errors meet at " + node(j).name);
    return int_add(ctx_, l, c, scheme_.E, rs, name);
  }

  void send(int j, int input, const HwTensor& dx) {
    record(node(j).name + (input == node(j).inputs[0] ? "/dx0" : "/dx1"), dx,
           ref_shape_of(dx.data.dims, node(input).out_shape));
    contributions_[static_cast<std::size_t>(input)].push_back(dx);
  }

  void gradient(int j, int k, const HwTensor& g) {
    const std::size_t p = static_cast<std::size_t>(param_index(j, k));
    grads_[p] = g;
  }

  ref::QuantizerSpec gradient_spec() const {
    ref::QuantizerSpec g = scheme_.G;
    g.constant_log2 = gradient_constant_log2_;
    return g;
  }
  ref::RandomStream grad_stream(int j, int k) const {
    return ctx_.stream(kParamBase + static_cast<std::uint32_t>(param_index(j, k)), RandomPurpose::quantize_gradient);
  }

  void backward(int j) {
    const ref::Node& n = node(j);
    const int in0 = n.inputs[0];
    const bool need_dx = trainable_[static_cast<std::size_t>(in0)];
    const HwTensor x = values_[static_cast<std::size_t>(in0)];
    const HwTensor dy = output_error(j);
    record(n.name + "/dy", dy, shape_of(j));
    const auto e_rs = ctx_.stream(id(j), RandomPurpose::quantize_error);
    const ref::QuantizerSpec& E = scheme_.E;
    const std::string dx_name = n.name + "/dx0";
    switch (n.op) {
      case OpKind::conv2d:
      case OpKind::linear: {
        const hw::ConvShape s = conv_shape(n, x.data.dims);
        if (need_dx) {
          WideResult d = gemm(ctx_, label(n.name, "gemm", Phase::backward_data, "E", Unit::mac_array), hw::ConvPass::backward_data,
                              s, dy, weight(j), n.name + "/dx.acc");
          ctx_.flush_deferred();
          d.wide = reshaped(d.wide, x.data.dims);
          send(j, in0, is_float() ? d.wide
                                  : requantize(ctx_, label(n.name, "requantize", Phase::backward_data, "E"), d, nullptr, E, e_rs, dx_name));
        }
        WideResult g = gemm(ctx_, label(n.name, "gemm", Phase::backward_weights, "G", Unit::mac_array),
                            hw::ConvPass::backward_weights, s, dy, x, n.name + "/dw.acc");
        const Deferred off_critical_path(ctx_);
        gradient(j, 0, is_float() ? g.wide
                                  : requantize(ctx_, label(n.name, "requantize", Phase::backward_weights, "G"), g, nullptr,
                                               gradient_spec(), grad_stream(j, 0), param(j).name + "/g"));
        if (n.has_bias) {
          const KernelLabel l = label(n.name, "bias-grad", Phase::backward_weights, "G");
          gradient(j, 1, is_float() ? float_channel_sum(ctx_, l, dy, param(j, 1).name + "/g")
                                    : int_channel_sum(ctx_, l, dy, gradient_spec(), grad_stream(j, 1), param(j, 1).name + "/g"));
        }
        break;
      }
      case OpKind::relu: {
        const HwTensor& y = values_[static_cast<std::size_t>(j)];
        send(j, in0, is_float() ? float_relu_backward(ctx_, label(n.name, "relu", Phase::backward_data, "E"), dy, y, dx_name)
                                : int_relu_backward(ctx_, label(n.name, "relu", Phase::backward_data, "E"), dy, y, dx_name));
        break;
      }
      case OpKind::maxpool:
      case OpKind::avgpool:
      case OpKind::global_avgpool: {
        const KernelLabel l = label(n.name, "pool", Phase::backward_data, "E");
        const PoolForward& f = pool_[static_cast<std::size_t>(j)];
        send(j, in0, is_float() ? float_pool_backward(ctx_, l, n, dy, f, x.data.dims, dx_name)
                                : int_pool_backward(ctx_, l, n, dy, f, x.data.dims, E, e_rs, dx_name));
        break;
      }
      case OpKind::add:
        if (need_dx) send(j, in0, dy);
        if (trainable_[static_cast<std::size_t>(n.inputs[1])]) send(j, n.inputs[1], dy);
        break;
      case OpKind::flatten: send(j, in0, reshaped(dy, x.data.dims)); break;
      case OpKind::bias: {
        if (need_dx) send(j, in0, dy);
        const Deferred off_critical_path(ctx_);
        const KernelLabel l = label(n.name, "bias-grad", Phase::backward_weights, "G", scalar_unit());
        gradient(j, 0, is_float() ? float_sum_all(ctx_, l, dy, param(j).name + "/g")
                                  : int_sum_all(ctx_, l, dy, gradient_spec(), grad_stream(j, 0), param(j).name + "/g"));
        break;
      }
      case OpKind::scale: {
        if (need_dx) {
          const KernelLabel l = label(n.name, "scale", Phase::backward_data, "E", scalar_unit());
          send(j, in0, is_float() ? float_scale_backward_data(ctx_, l, dy, weight(j), dx_name)
                                  : int_scale_backward_data(ctx_, l, dy, weight(j), E, e_rs, dx_name));
        }
        const Deferred off_critical_path(ctx_);
        const KernelLabel l = label(n.name, "scale-grad", Phase::backward_weights, "G", scalar_unit());
        gradient(j, 0, is_float() ? float_dot(ctx_, l, dy, x, param(j).name + "/g")
                                  : int_dot(ctx_, l, dy, x, gradient_spec(), grad_stream(j, 0), param(j).name + "/g"));
        break;
      }
      case OpKind::batchnorm: {
        const KernelLabel l = label(n.name, "batchnorm", Phase::backward_data, "BN", Unit::norm_unit);
        if (is_float()) {
          FloatBnBackward b = float_batchnorm_backward(ctx_, l, n, dy, weight(j), float_bn_[static_cast<std::size_t>(j)], dx_name,
                                                       param(j, 0).name + "/g", param(j, 1).name + "/g");
          if (need_dx) send(j, in0, b.dx);
          gradient(j, 0, b.dgamma);
          gradient(j, 1, b.dbeta);
        } else {
          IntBnBackward b = int_batchnorm_backward(ctx_, l, n, dy, weight(j), int_bn_[static_cast<std::size_t>(j)],
                                                   gradient_spec(), e_rs, grad_stream(j, 0), grad_stream(j, 1), dx_name,
                                                   param(j, 0).name + "/g", param(j, 1).name + "/g");
          if (need_dx) send(j, in0, b.dx);
          gradient(j, 0, b.dgamma);
          gradient(j, 1, b.dbeta);
        }
        break;
      }
      case OpKind::input: throw std::logic_error("input node in the backward pass");
    }
  }

  // The update of parameter k (its gradient is known).
  void update(std::size_t k) {
    const auto& slots = params_.params();
    {
      const ParamSlot& p = slots[k];
      const bool scalar = p.role == ref::ParamRole::scalar_bias || p.role == ref::ParamRole::scalar_scale;
      const double lr = scalar ? in_.hyper.lr * in_.hyper.scalar_lr_factor : in_.hyper.lr;
      const ref::Shape shape = model_.parameters()[k].shape;
      const KernelLabel l = label(node(p.node).name, "update", Phase::update, "U");
      if (p.is_float) {
        record(p.name + "/w", p.value[bank_], shape);
        record(p.name + "/g", *grads_[k], shape);
        const FloatUpdateOutputs u = float_update(ctx_, l, p, bank_, *grads_[k], lr, in_.hyper.momentum, in_.hyper.weight_decay);
        record(p.name + "/w_new", u.w_new, shape);
        return;
      }
      record(p.name + "/g", *grads_[k], shape);
      record(p.name + "/w", p.w[bank_], shape);
      const auto id = kParamBase + static_cast<std::uint32_t>(k);
      const IntUpdateOutputs u =
          int_update(ctx_, l, p, bank_, *grads_[k], ref::learning_rate_integer(lr, scheme_.optimizer.lr_frac_bits),
                     ref::weight_decay_integer(in_.hyper.weight_decay, scheme_.optimizer.weight_decay_frac_bits),
                     ctx_.stream(id, RandomPurpose::quantize_update), ctx_.stream(id, RandomPurpose::quantize_momentum));
      if (p.has_velocity) record(p.name + "/v", u.v, shape);
      record(p.name + "/u", u.u, shape);
      if (p.has_master) record(p.name + "/master_new", u.master_new, shape);
      record(p.name + "/w_new", u.w_new, shape);
    }
  }

  const StepInputs& in_;
  const ref::Model& model_;
  const ref::Network& net_;
  const ref::Scheme& scheme_;
  const ParamStore& params_;
  StepProgram& out_;
  LoweringContext ctx_;
  int bank_;
  std::vector<HwTensor> values_;
  std::vector<PoolForward> pool_;
  std::vector<IntBnForward> int_bn_;
  std::vector<FloatBnForward> float_bn_;
  std::vector<std::vector<HwTensor>> contributions_;
  std::vector<bool> trainable_;
  std::vector<std::optional<HwTensor>> grads_;
  int gradient_constant_log2_ = 7;
};

}  // namespace

StepProgram lower_step(const StepInputs& in, hw::DramAllocator alloc, hw::ScalarRegs& regs) {
  const std::string mismatch = hardware_mismatch(*in.model, *in.config);
  if (!mismatch.empty()) throw std::invalid_argument(mismatch);
  StepProgram out;
  Lowering(in, alloc, regs, out).run();
  out.dram_end = alloc.used();
  return out;
}

}  // namespace qtsim::lower
