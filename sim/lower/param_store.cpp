#include "param_store.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "models/hw/host/tensor_io.hpp"

namespace qtsim::lower {

using hw::DType;
using hw::HwTensor;

hw::Dims4 dims_of(const ref::Shape& s) {
  switch (s.rank()) {
    case 0: return {1, 1, 1, 1};
    case 1: return {1, s[0], 1, 1};
    case 2: return {s[0], s[1], 1, 1};
    case 3: return {1, s[0], s[1], s[2]};
    default: return {s[0], s[1], s[2], s[3]};
  }
}

namespace {

std::int64_t velocity_nonzero(const ref::Parameter& p) {
  return std::any_of(p.velocity_q.q.begin(), p.velocity_q.q.end(), [](std::int32_t q) { return q != 0; }) ? 1 : 0;
}

}  // namespace

ParamStore::ParamStore(const ref::Model& model, hw::DramAllocator& alloc, hw::ScalarRegs& regs) {
  const ref::Scheme& scheme = model.scheme();
  const auto& ps = model.parameters();
  first_.assign(model.network().nodes.size(), -1);
  for (std::size_t i = 0; i < ps.size(); ++i) {
    const ref::Parameter& p = ps[i];
    if (first_[static_cast<std::size_t>(p.node)] < 0) first_[static_cast<std::size_t>(p.node)] = static_cast<int>(i);
    ParamSlot s;
    s.name = p.name;
    s.node = p.node;
    s.role = p.role;
    s.is_float = p.is_float;
    const hw::Dims4 d = dims_of(p.shape);
    for (int b = 0; b < 2; ++b) {
      const std::string bank = fmt::format("[{}]", b);
      if (p.is_float) {
        s.value[b] = HwTensor(alloc.allocate(p.name + bank, DType::f32, d));
        s.fvelocity[b] = HwTensor(alloc.allocate(p.name + ".velocity" + bank, DType::f32, d));
        continue;
      }
      const int wreg = b == 0 ? regs.allocate(p.w.exp) : s.w[0].exp_reg;
      s.w[b] = HwTensor(alloc.allocate(p.name + bank, hw::int_dtype_for_bits(p.w.bits), d), wreg, p.w.bits);
      s.has_master = p.master.bits != p.w.bits;
      if (s.has_master) {
        const int mreg = b == 0 ? regs.allocate(p.master.exp) : s.master[0].exp_reg;
        s.master[b] = HwTensor(alloc.allocate(p.name + ".master" + bank, hw::int_dtype_for_bits(p.master.bits), d), mreg,
                               p.master.bits);
      } else {
        s.master[b] = s.w[b];
      }
      s.has_velocity = p.has_velocity;
      if (p.has_velocity) {
        // V's exponent changes every step: one register per bank.
        const int bits = scheme.optimizer.momentum.buffer_bits;
        s.velocity[b] = HwTensor(alloc.allocate(p.name + ".velocity" + bank, hw::int_dtype_for_bits(bits), d),
                                 regs.allocate(p.velocity_q.exp), bits);
        if (b == 0) s.velocity_nonzero_reg = regs.allocate(velocity_nonzero(p));
      }
    }
    params_.push_back(std::move(s));
  }
  const auto& nodes = model.network().nodes;
  bn_.resize(nodes.size());
  for (std::size_t j = 0; j < nodes.size(); ++j) {
    if (nodes[j].op != ref::OpKind::batchnorm) continue;
    BnSlot& b = bn_[j];
    b.node = static_cast<int>(j);
    b.is_float = model.node_is_float(static_cast<int>(j));
    const hw::Dims4 d{1, nodes[j].out_shape[0], 1, 1};
    for (int k = 0; k < 2; ++k) {
      const std::string bank = fmt::format("[{}]", k);
      const DType t = b.is_float ? DType::f32 : DType::i64;
      b.running_mean[k] = HwTensor(alloc.allocate(nodes[j].name + ".running_mean" + bank, t, d),
                                   b.is_float ? -1 : regs.allocate(ref::kIntBnRunningMeanExp), 64);
      b.running_var[k] = HwTensor(alloc.allocate(nodes[j].name + ".running_var" + bank, t, d),
                                  b.is_float ? -1 : regs.allocate(ref::kIntBnRunningVarExp), 64);
    }
    if (!b.is_float) b.initialised_reg = regs.allocate(0);
  }
}

void ParamStore::load(ref::Model& model, hw::Dram& dram, hw::ScalarRegs& regs, int bank) const {
  const auto& ps = model.parameters();
  for (std::size_t i = 0; i < ps.size(); ++i) {
    const ref::Parameter& p = ps[i];
    const ParamSlot& s = params_[i];
    if (p.is_float) {
      hw::write_floats(dram, s.value[bank].data, p.value.data);
      hw::write_floats(dram, s.fvelocity[bank].data, p.velocity.data);
      continue;
    }
    hw::write_ints(dram, s.w[bank].data, {p.w.q.begin(), p.w.q.end()});
    regs[s.w[bank].exp_reg] = p.w.exp;
    if (s.has_master) {
      hw::write_ints(dram, s.master[bank].data, {p.master.q.begin(), p.master.q.end()});
      regs[s.master[bank].exp_reg] = p.master.exp;
    }
    if (s.has_velocity) {
      hw::write_ints(dram, s.velocity[bank].data, {p.velocity_q.q.begin(), p.velocity_q.q.end()});
      regs[s.velocity[bank].exp_reg] = p.velocity_q.exp;
      regs[s.velocity_nonzero_reg] = velocity_nonzero(p);
    }
  }
  for (std::size_t j = 0; j < bn_.size(); ++j) {
    const BnSlot& b = bn_[j];
    if (b.node < 0) continue;
    if (b.is_float) {
      hw::write_floats(dram, b.running_mean[bank].data, model.float_bn_state()[j].running_mean.data);
      hw::write_floats(dram, b.running_var[bank].data, model.float_bn_state()[j].running_var.data);
    } else {
      const ref::IntBatchNormRunning& r = model.int_bn_state()[j];
      const auto c = static_cast<std::size_t>(b.running_mean[bank].data.dims.numel());
      std::vector<std::int64_t> m = r.mean, v = r.var;
      m.resize(c, 0);
      v.resize(c, 0);
      hw::write_ints(dram, b.running_mean[bank].data, m);
      hw::write_ints(dram, b.running_var[bank].data, v);
      regs[b.initialised_reg] = r.initialised ? 1 : 0;
    }
  }
}

}  // namespace qtsim::lower
