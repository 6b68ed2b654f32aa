// Linear layers in float and in exact integers, as single GEMMs whose k index
// is the canonical order of docs/NUMERICS.md §5: the input feature (forward),
// the output feature (backward-data), the batch (backward-weights).
#include <stdexcept>
#include <string>
#include <vector>

#include "dense.hpp"
#include "gemm.hpp"
#include "im2col.hpp"

namespace qtsim::ref {
namespace {

using i64 = std::int64_t;

struct LinearGeometry {
  i64 batch = 0, in_features = 0, out_features = 0;
};

// x: batch = x_shape[0] rows of in_features; w: out_features x in_features.
LinearGeometry linear_geometry(const Shape& x_shape, const Shape& w_shape, const char* op) {
  if (x_shape.rank() < 1 || w_shape.rank() < 1 || w_shape[0] < 1)
    throw std::invalid_argument(std::string(op) + ": bad shapes x " + x_shape.str() + ", w " + w_shape.str());
  LinearGeometry g;
  g.batch = x_shape[0];
  g.out_features = w_shape[0];
  g.in_features = w_shape.numel() / g.out_features;
  if (g.batch * g.in_features != x_shape.numel())
    throw std::invalid_argument(std::string(op) + ": x " + x_shape.str() + " is not batch x " +
                                std::to_string(g.in_features) + " for w " + w_shape.str());
  return g;
}

Shape output_shape(const LinearGeometry& g) { return Shape{g.batch, g.out_features, 1, 1}; }

void check_dy(const Shape& dy_shape, const LinearGeometry& g, const char* op) {
  if (dy_shape.numel() != g.batch * g.out_features || dy_shape[0] != g.batch)
    throw std::invalid_argument(std::string(op) + ": dy " + dy_shape.str() + " is not " + output_shape(g).str());
}

template <typename Tensor>
void check_size(const Tensor& t, const Shape& shape, const char* op) {
  if (static_cast<i64>(t.size()) != shape.numel())
    throw std::invalid_argument(std::string(op) + ": tensor data does not match its shape " + shape.str());
}

template <typename T>
std::vector<T> transposed(const T* src, i64 rows, i64 cols) {
  std::vector<T> dst(static_cast<std::size_t>(rows * cols));
  transpose(src, rows, cols, dst.data());
  return dst;
}

}  // namespace

FTensor linear_forward(const FTensor& x, const FTensor& w) {
  const LinearGeometry g = linear_geometry(x.shape, w.shape, "linear_forward");
  check_size(x, x.shape, "linear_forward");
  check_size(w, w.shape, "linear_forward");
  FTensor y(output_shape(g));
  const auto w_t = transposed(w.data.data(), g.out_features, g.in_features);  // [in][out]
  gemm_float(g.batch, g.out_features, g.in_features, x.data.data(), w_t.data(), y.data.data());
  return y;
}

FTensor linear_backward_data(const FTensor& dy, const FTensor& w, const Shape& x_shape) {
  const LinearGeometry g = linear_geometry(x_shape, w.shape, "linear_backward_data");
  check_dy(dy.shape, g, "linear_backward_data");
  check_size(dy, dy.shape, "linear_backward_data");
  FTensor dx(x_shape);
  gemm_float(g.batch, g.in_features, g.out_features, dy.data.data(), w.data.data(), dx.data.data());
  return dx;
}

FTensor linear_backward_weights(const FTensor& x, const FTensor& dy, const Shape& w_shape) {
  const LinearGeometry g = linear_geometry(x.shape, w_shape, "linear_backward_weights");
  check_dy(dy.shape, g, "linear_backward_weights");
  check_size(x, x.shape, "linear_backward_weights");
  check_size(dy, dy.shape, "linear_backward_weights");
  FTensor dw(w_shape);
  const auto dy_t = transposed(dy.data.data(), g.batch, g.out_features);  // [out][n]
  gemm_float(g.out_features, g.in_features, g.batch, dy_t.data(), x.data.data(), dw.data.data());
  return dw;
}

WideTensor linear_forward(const QTensor& x, const QTensor& w, int acc_bits, std::uint64_t* acc_saturations) {
  const LinearGeometry g = linear_geometry(x.shape, w.shape, "linear_forward");
  check_size(x, x.shape, "linear_forward");
  check_size(w, w.shape, "linear_forward");
  const IntOperand xi(x), wi(w);
  WideTensor y(output_shape(g), xi.exp() + wi.exp());
  const std::uint64_t saturations =
      gemm_int(g.batch, g.out_features, g.in_features, xi.data(), wi.data(), y.v.data(), acc_bits);
  if (acc_saturations) *acc_saturations += saturations;
  return y;
}

WideTensor linear_backward_data(const QTensor& dy, const QTensor& w, const Shape& x_shape, int acc_bits,
                                std::uint64_t* acc_saturations) {
  const LinearGeometry g = linear_geometry(x_shape, w.shape, "linear_backward_data");
  check_dy(dy.shape, g, "linear_backward_data");
  check_size(dy, dy.shape, "linear_backward_data");
  check_size(w, w.shape, "linear_backward_data");
  const IntOperand dyi(dy), wi(w);
  WideTensor dx(x_shape, dyi.exp() + wi.exp());
  const auto w_t = transposed(wi.data(), g.out_features, g.in_features);  // [in][out]
  const std::uint64_t saturations =
      gemm_int(g.batch, g.in_features, g.out_features, dyi.data(), w_t.data(), dx.v.data(), acc_bits);
  if (acc_saturations) *acc_saturations += saturations;
  return dx;
}

WideTensor linear_backward_weights(const QTensor& x, const QTensor& dy, const Shape& w_shape, int acc_bits,
                                   std::uint64_t* acc_saturations) {
  const LinearGeometry g = linear_geometry(x.shape, w_shape, "linear_backward_weights");
  check_dy(dy.shape, g, "linear_backward_weights");
  check_size(x, x.shape, "linear_backward_weights");
  check_size(dy, dy.shape, "linear_backward_weights");
  const IntOperand xi(x), dyi(dy);
  WideTensor dw(w_shape, xi.exp() + dyi.exp());
  const auto dy_t = transposed(dyi.data(), g.batch, g.out_features);  // [out][n]
  const auto x_t = transposed(xi.data(), g.batch, g.in_features);     // [in][n]
  const std::uint64_t saturations =
      gemm_int(g.out_features, g.in_features, g.batch, dy_t.data(), x_t.data(), dw.v.data(), acc_bits);
  if (acc_saturations) *acc_saturations += saturations;
  return dw;
}

}  // namespace qtsim::ref
