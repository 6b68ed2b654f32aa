#include "lowering_context.hpp"

#include <stdexcept>

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

hw::HwTensor reshaped(hw::HwTensor t, const hw::Dims4& dims) {
  if (dims.numel() != t.data.dims.numel()) throw std::logic_error("reshape changes the element count of " + t.data.name);
  t.data.dims = dims;
  if (t.flagged) t.flags.dims = dims;
  return t;
}

}  // namespace qtsim::lower
