#pragma once
// The three kinds of tensor the reference moves:
//   FTensor     float32 values (FP32 schemes and the loss stage),
//   QTensor     k-bit integers q with one power-of-two exponent: value = q * 2^exp
//               (dynamic fixed point); a flag-quantized tensor also carries one
//               flag bit per element selecting the fine exponent exp - flag_shift,
//   WideTensor  64-bit integers with one exponent: exact accumulator outputs and
//               aligned sums before they are quantized.
#include <cstdint>
#include <vector>

#include "shape.hpp"

namespace qtsim::ref {

template <typename T>
struct Tensor {
  Shape shape;
  std::vector<T> data;

  Tensor() = default;
  explicit Tensor(Shape s, T fill = T{}) : shape(std::move(s)), data(static_cast<std::size_t>(shape.numel()), fill) {}
  std::size_t size() const { return data.size(); }
  T& operator[](std::size_t i) { return data[i]; }
  const T& operator[](std::size_t i) const { return data[i]; }
};

using FTensor = Tensor<float>;

struct WideTensor {
  Shape shape;
  std::vector<std::int64_t> v;
  int exp = 0;

  WideTensor() = default;
  WideTensor(Shape s, int e) : shape(std::move(s)), v(static_cast<std::size_t>(shape.numel()), 0), exp(e) {}
  std::size_t size() const { return v.size(); }
};

struct QTensor {
  Shape shape;
  std::vector<std::int32_t> q;
  int exp = 0;
  int bits = 8;
  // Flag quantization (two-range errors): flag[i] = 1 means element i is at the
  // fine exponent exp - flag_shift. Empty for ordinary tensors.
  std::vector<std::uint8_t> flag;
  int flag_shift = 0;

  QTensor() = default;
  QTensor(Shape s, int e, int b) : shape(std::move(s)), q(static_cast<std::size_t>(shape.numel()), 0), exp(e), bits(b) {}
  std::size_t size() const { return q.size(); }
  bool flagged() const { return !flag.empty(); }
  // Exponent of element i (differs from exp only for flagged elements).
  int exp_of(std::size_t i) const { return flagged() && flag[i] ? exp - flag_shift : exp; }
};

}  // namespace qtsim::ref
