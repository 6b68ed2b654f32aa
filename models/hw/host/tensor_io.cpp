#include "tensor_io.hpp"

#include <cstring>
#include <stdexcept>

namespace qtsim::hw {

std::int64_t load_element(const std::uint8_t* base, DType type, std::int64_t index) {
  const auto i = static_cast<std::size_t>(index);
  switch (type) {
    case DType::i8: return reinterpret_cast<const std::int8_t*>(base)[i];
    case DType::u8: return base[i];
    case DType::i16: {
      std::int16_t v;
      std::memcpy(&v, base + 2 * i, 2);
      return v;
    }
    case DType::i32: {
      std::int32_t v;
      std::memcpy(&v, base + 4 * i, 4);
      return v;
    }
    case DType::i64: {
      std::int64_t v;
      std::memcpy(&v, base + 8 * i, 8);
      return v;
    }
    case DType::f32: break;
  }
  throw std::logic_error("load_element: not an integer type");
}

void store_element(std::uint8_t* base, DType type, std::int64_t index, std::int64_t value) {
  const auto i = static_cast<std::size_t>(index);
  switch (type) {
    case DType::i8: reinterpret_cast<std::int8_t*>(base)[i] = static_cast<std::int8_t>(value); return;
    case DType::u8: base[i] = static_cast<std::uint8_t>(value); return;
    case DType::i16: {
      const auto v = static_cast<std::int16_t>(value);
      std::memcpy(base + 2 * i, &v, 2);
      return;
    }
    case DType::i32: {
      const auto v = static_cast<std::int32_t>(value);
      std::memcpy(base + 4 * i, &v, 4);
      return;
    }
    case DType::i64: std::memcpy(base + 8 * i, &value, 8); return;
    case DType::f32: break;
  }
  throw std::logic_error("store_element: not an integer type");
}

void write_ints(Dram& dram, const TensorRegion& r, const std::vector<std::int64_t>& values) {
  if (static_cast<std::int64_t>(values.size()) != r.dims.numel()) throw std::logic_error("write_ints: size mismatch for " + r.name);
  std::uint8_t* p = dram.host_pointer(r.addr, r.bytes());
  for (std::size_t i = 0; i < values.size(); ++i) store_element(p, r.type, static_cast<std::int64_t>(i), values[i]);
}

std::vector<std::int64_t> read_ints(Dram& dram, const TensorRegion& r) {
  const std::uint8_t* p = dram.host_pointer(r.addr, r.bytes());
  std::vector<std::int64_t> v(static_cast<std::size_t>(r.dims.numel()));
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = load_element(p, r.type, static_cast<std::int64_t>(i));
  return v;
}

void write_floats(Dram& dram, const TensorRegion& r, const std::vector<float>& values) {
  if (r.type != DType::f32 || static_cast<std::int64_t>(values.size()) != r.dims.numel())
    throw std::logic_error("write_floats: type or size mismatch for " + r.name);
  std::memcpy(dram.host_pointer(r.addr, r.bytes()), values.data(), r.bytes());
}

std::vector<float> read_floats(Dram& dram, const TensorRegion& r) {
  if (r.type != DType::f32) throw std::logic_error("read_floats: not float32: " + r.name);
  std::vector<float> v(static_cast<std::size_t>(r.dims.numel()));
  std::memcpy(v.data(), dram.host_pointer(r.addr, r.bytes()), r.bytes());
  return v;
}

}  // namespace qtsim::hw
