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

namespace {

// The element loops of write_ints and read_ints with the type resolved once
// (same conversions as store_element and load_element).
template <typename S>
void store_all(std::uint8_t* p, const std::vector<std::int64_t>& values) {
  for (std::size_t i = 0; i < values.size(); ++i) {
    const auto v = static_cast<S>(values[i]);
    std::memcpy(p + sizeof(S) * i, &v, sizeof(S));
  }
}

template <typename S>
void load_all(const std::uint8_t* p, std::vector<std::int64_t>& values) {
  for (std::size_t i = 0; i < values.size(); ++i) {
    S v;
    std::memcpy(&v, p + sizeof(S) * i, sizeof(S));
    values[i] = v;
  }
}

}  // namespace

void write_ints(Dram& dram, const TensorRegion& r, const std::vector<std::int64_t>& values) {
  if (static_cast<std::int64_t>(values.size()) != r.dims.numel()) throw std::logic_error("write_ints: size mismatch for " + r.name);
  std::uint8_t* p = dram.host_pointer(r.addr, r.bytes());
  switch (r.type) {
    case DType::i8: return store_all<std::int8_t>(p, values);
    case DType::u8: return store_all<std::uint8_t>(p, values);
    case DType::i16: return store_all<std::int16_t>(p, values);
    case DType::i32: return store_all<std::int32_t>(p, values);
    case DType::i64: return store_all<std::int64_t>(p, values);
    case DType::f32: break;
  }
  if (!values.empty()) throw std::logic_error("store_element: not an integer type");
}

std::vector<std::int64_t> read_ints(Dram& dram, const TensorRegion& r) {
  const std::uint8_t* p = dram.host_pointer(r.addr, r.bytes());
  std::vector<std::int64_t> v(static_cast<std::size_t>(r.dims.numel()));
  switch (r.type) {
    case DType::i8: load_all<std::int8_t>(p, v); return v;
    case DType::u8: load_all<std::uint8_t>(p, v); return v;
    case DType::i16: load_all<std::int16_t>(p, v); return v;
    case DType::i32: load_all<std::int32_t>(p, v); return v;
    case DType::i64: load_all<std::int64_t>(p, v); return v;
    case DType::f32: break;
  }
  if (!v.empty()) throw std::logic_error("load_element: not an integer type");
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
