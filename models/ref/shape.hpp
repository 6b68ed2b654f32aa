#pragma once
// Tensor shapes. Activations are NCHW; a linear layer's output is N x F x 1 x 1,
// so flatten never moves data. Weights: conv K x C x R x S, linear F_out x F_in.
#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

namespace qtsim::ref {

struct Shape {
  std::vector<std::int64_t> dims;

  Shape() = default;
  Shape(std::initializer_list<std::int64_t> d) : dims(d) {}
  explicit Shape(std::vector<std::int64_t> d) : dims(std::move(d)) {}

  std::size_t rank() const { return dims.size(); }
  std::int64_t operator[](std::size_t i) const { return dims[i]; }
  std::int64_t& operator[](std::size_t i) { return dims[i]; }
  std::int64_t numel() const {
    std::int64_t n = 1;
    for (auto d : dims) n *= d;
    return n;
  }
  // For NCHW activations: N, C, H, W (missing trailing dims read as 1).
  std::int64_t n() const { return dim_or_one(0); }
  std::int64_t c() const { return dim_or_one(1); }
  std::int64_t h() const { return dim_or_one(2); }
  std::int64_t w() const { return dim_or_one(3); }
  bool operator==(const Shape&) const = default;
  std::string str() const;

 private:
  std::int64_t dim_or_one(std::size_t i) const { return i < dims.size() ? dims[i] : 1; }
};

inline std::string Shape::str() const {
  std::string s = "[";
  for (std::size_t i = 0; i < dims.size(); ++i) {
    if (i) s += ", ";
    s += std::to_string(dims[i]);
  }
  return s + "]";
}

}  // namespace qtsim::ref
