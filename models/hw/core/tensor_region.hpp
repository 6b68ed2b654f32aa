#pragma once
// Where a tensor lives in the accelerator's DRAM and how its elements are
// stored. Every tensor is viewed as 4-D [n][c][h][w] (NCHW activations and
// errors, KCRS conv weights; a linear layer's N x F tensors are N x F x 1 x 1
// and its F_out x F_in weights F_out x F_in x 1 x 1), so one box-transfer DMA
// and one set of address generators serve every layer.
#include <cstdint>
#include <string>

namespace qtsim::hw {

enum class DType : std::uint8_t { i8, i16, i32, i64, f32, u8 };

constexpr std::uint64_t dtype_bytes(DType t) {
  switch (t) {
    case DType::i8:
    case DType::u8: return 1;
    case DType::i16: return 2;
    case DType::i32:
    case DType::f32: return 4;
    case DType::i64: return 8;
  }
  return 1;
}
std::string to_string(DType t);
// Smallest signed integer type holding a symmetric `bits`-bit value.
DType int_dtype_for_bits(int bits);

struct Dims4 {
  std::int64_t n = 1, c = 1, h = 1, w = 1;
  std::int64_t numel() const { return n * c * h * w; }
  std::int64_t plane() const { return h * w; }
  bool operator==(const Dims4&) const = default;
  std::string str() const;
};

// A box [n0, n0+nn) x [c0, c0+nc) x [h0, h0+nh) x [w0, w0+nw) of a 4-D tensor.
struct Box {
  std::int64_t n0 = 0, nn = 1, c0 = 0, nc = 1, h0 = 0, nh = 1, w0 = 0, nw = 1;
  std::int64_t numel() const { return nn * nc * nh * nw; }
  static Box whole(const Dims4& d) { return {0, d.n, 0, d.c, 0, d.h, 0, d.w}; }
  // A run of `count` elements starting at flat index `first` of a tensor viewed as 1-D.
  static Box flat(std::int64_t first, std::int64_t count) { return {0, 1, 0, 1, 0, 1, first, count}; }
};

struct TensorRegion {
  std::string name;        // "block1.conv1/y", for stats and messages
  std::uint64_t addr = 0;  // byte address in DRAM
  DType type = DType::i8;
  Dims4 dims;
  std::uint64_t bytes() const { return static_cast<std::uint64_t>(dims.numel()) * dtype_bytes(type); }
  // Byte address of element (n, c, h, w).
  std::uint64_t address_of(std::int64_t n, std::int64_t c, std::int64_t h, std::int64_t w) const {
    return addr + static_cast<std::uint64_t>(((n * dims.c + c) * dims.h + h) * dims.w + w) * dtype_bytes(type);
  }
  // The same storage viewed as a flat 1 x 1 x 1 x numel tensor.
  TensorRegion flat() const {
    TensorRegion f = *this;
    f.dims = {1, 1, 1, dims.numel()};
    return f;
  }
};

}  // namespace qtsim::hw
