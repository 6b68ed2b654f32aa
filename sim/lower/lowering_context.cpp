#include "lowering_context.hpp"

#include <stdexcept>

#include "models/hw/kernels/vector/quantize_pass.hpp"
#include "models/hw/kernels/vector/relu_kernels.hpp"

namespace qtsim::lower {

hw::HwTensor LoweringContext::int_tensor(const std::string& name, const hw::Dims4& dims, int bits, bool flagged) {
  hw::HwTensor t(alloc.allocate(name, hw::int_dtype_for_bits(bits), dims), regs.allocate(), bits);
  if (flagged) {
    t.flagged = true;
    t.flags = alloc.allocate(name + ".flags", hw::DType::u8, dims);
    t.flag_shift = bits - 1;
  }
  return t;
}

hw::HwTensor LoweringContext::wide_tensor(const std::string& name, const hw::Dims4& dims, hw::DType type) {
  return hw::HwTensor(alloc.allocate(name, type, dims), regs.allocate(), type == hw::DType::i32 ? 32 : 64);
}

hw::HwTensor LoweringContext::float_tensor(const std::string& name, const hw::Dims4& dims) {
  return hw::HwTensor(alloc.allocate(name, hw::DType::f32, dims));
}

hw::HwTensor LoweringContext::quantized(const std::string& name, const hw::Dims4& dims, const ref::QuantizerSpec& spec) {
  return int_tensor(name, dims, spec.bits, spec.kind == ref::QuantizerKind::flag);
}

namespace {

// Fuses `k` into `prev` when prev's output stage can take it.
bool fuse_into(hw::Kernel& prev, std::unique_ptr<hw::Kernel>& k) {
  auto* q = dynamic_cast<hw::QuantizePassKernel*>(&prev);
  if (!q) return false;
  if (auto* relu = dynamic_cast<hw::ReluForwardKernel*>(k.get())) {
    const hw::HwTensor& x = relu->operands()[0].tensor;
    const hw::HwTensor& y = relu->operands()[1].tensor;
    if (x.data.addr != q->final_output().data.addr || !q->can_fuse_relu(y)) return false;
    q->fuse_relu(y);
    q->absorb_label(relu->label());
    return true;
  }
  if (auto* next = dynamic_cast<hw::QuantizePassKernel*>(k.get()); next && q->can_fuse_next_max(*next)) {
    q->absorb_label(next->label());
    k.release();
    q->fuse_next_max(std::unique_ptr<hw::QuantizePassKernel>(next));
    return true;
  }
  return false;
}

}  // namespace

void LoweringContext::add(std::unique_ptr<hw::Kernel> k) {
  auto& list = deferring ? deferred : program;
  if (!list.empty() && fuse_into(*list.back(), k)) return;
  list.push_back(std::move(k));
}

hw::HwTensor reshaped(hw::HwTensor t, const hw::Dims4& dims) {
  if (dims.numel() != t.data.dims.numel()) throw std::logic_error("reshape changes the element count of " + t.data.name);
  t.data.dims = dims;
  if (t.flagged) t.flags.dims = dims;
  return t;
}

}  // namespace qtsim::lower
