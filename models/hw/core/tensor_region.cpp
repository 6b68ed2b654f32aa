#include "tensor_region.hpp"

#include <stdexcept>

namespace qtsim::hw {

std::string to_string(DType t) {
  switch (t) {
    case DType::i8: return "int8";
    case DType::i16: return "int16";
    case DType::i32: return "int32";
    case DType::i64: return "int64";
    case DType::f32: return "float32";
    case DType::u8: return "uint8";
  }
  return "?";
}

DType int_dtype_for_bits(int bits) {
  if (bits < 2 || bits > 64) throw std::invalid_argument("integer width out of range: " + std::to_string(bits));
  if (bits <= 8) return DType::i8;
  if (bits <= 16) return DType::i16;
  if (bits <= 32) return DType::i32;
  return DType::i64;
}

std::string Dims4::str() const {
  return "[" + std::to_string(n) + ", " + std::to_string(c) + ", " + std::to_string(h) + ", " + std::to_string(w) + "]";
}

}  // namespace qtsim::hw
