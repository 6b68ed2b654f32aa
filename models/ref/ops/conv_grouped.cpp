// Grouped convolution as one ordinary convolution per group: the group's slice
// of the input channels, of the filters and of the error go through the dense
// conv2d functions, and the results are placed at the group's channels (or
// filters, for the weight gradient). Within a group every sum, and every
// saturation of a narrow accumulator, is exactly conv2d's.
#include "conv_grouped.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "dense.hpp"
#include "im2col.hpp"

namespace qtsim::ref {
namespace {

using i64 = std::int64_t;

// A tensor's elements seen as [outer][extent][inner] around one axis.
struct Cut {
  i64 outer = 1, extent = 1, inner = 1;
};

Cut cut_at(const Shape& s, std::size_t axis) {
  Cut c;
  for (std::size_t i = 0; i < s.rank(); ++i) {
    if (i < axis) c.outer *= s[i];
    if (i == axis) c.extent = s[i];
    if (i > axis) c.inner *= s[i];
  }
  return c;
}

Shape with_dim(Shape s, std::size_t axis, i64 value) {
  s[axis] = value;
  return s;
}

// Indices [lo, lo + count) along the cut's axis.
template <typename T>
std::vector<T> take(const std::vector<T>& v, const Cut& c, i64 lo, i64 count) {
  std::vector<T> out(static_cast<std::size_t>(c.outer * count * c.inner));
  for (i64 o = 0; o < c.outer; ++o)
    std::copy_n(v.begin() + (o * c.extent + lo) * c.inner, count * c.inner, out.begin() + o * count * c.inner);
  return out;
}

template <typename T>
void put(std::vector<T>& v, const Cut& c, i64 lo, i64 count, const std::vector<T>& part) {
  for (i64 o = 0; o < c.outer; ++o)
    std::copy_n(part.begin() + o * count * c.inner, count * c.inner, v.begin() + (o * c.extent + lo) * c.inner);
}

FTensor slice(const FTensor& t, std::size_t axis, i64 lo, i64 count) {
  FTensor out;
  out.shape = with_dim(t.shape, axis, count);
  out.data = take(t.data, cut_at(t.shape, axis), lo, count);
  return out;
}

// A quantized slice keeps the tensor's exponent and format, and its flags.
QTensor slice(const QTensor& t, std::size_t axis, i64 lo, i64 count) {
  QTensor out;
  out.shape = with_dim(t.shape, axis, count);
  out.exp = t.exp;
  out.bits = t.bits;
  out.flag_shift = t.flag_shift;
  const Cut c = cut_at(t.shape, axis);
  out.q = take(t.q, c, lo, count);
  if (t.flagged()) out.flag = take(t.flag, c, lo, count);
  return out;
}

std::vector<float>& values(FTensor& t) { return t.data; }
std::vector<std::int64_t>& values(WideTensor& t) { return t.v; }

// The output of shape `shape` whose part along `axis` for group g is part_of(g).
template <typename Out, typename PartOf>
Out assemble(const Shape& shape, std::size_t axis, i64 groups, PartOf part_of) {
  Out out;
  out.shape = shape;
  values(out).resize(static_cast<std::size_t>(shape.numel()));
  const i64 count = shape[axis] / groups;
  const Cut cut = cut_at(shape, axis);
  for (i64 g = 0; g < groups; ++g) {
    Out part = part_of(g);
    if constexpr (std::is_same_v<Out, WideTensor>) out.exp = part.exp;  // the same for every group
    put(values(out), cut, g * count, count, values(part));
  }
  return out;
}

template <typename Tensor>
void check_data(const Tensor& t, const char* op, const char* what) {
  if (t.shape.rank() != 4) throw std::invalid_argument(std::string(op) + ": " + what + " must be 4-d, got " + t.shape.str());
  if (static_cast<i64>(t.size()) != t.shape.numel())
    throw std::invalid_argument(std::string(op) + ": " + what + " data does not match its shape " + t.shape.str());
}

// x (N x C x H x W) and w (K x C/groups x R x R) agree with `groups`; an error
// dy (may be null) has K channels.
void check_groups(const Shape& x, const Shape& w, const Shape* dy, i64 groups, const char* op) {
  const auto fail = [&](const std::string& why) { throw std::invalid_argument(std::string(op) + ": " + why); };
  if (x.rank() != 4 || w.rank() != 4) fail("x and w must be 4-d, got " + x.str() + " and " + w.str());
  if (groups < 1) fail("groups must be >= 1, got " + std::to_string(groups));
  if (x[1] % groups != 0 || w[0] % groups != 0)
    fail("channels " + std::to_string(x[1]) + " and filters " + std::to_string(w[0]) + " must be multiples of groups " +
         std::to_string(groups));
  if (w[1] * groups != x[1]) fail("w " + w.str() + " must have channels / groups = " + std::to_string(x[1] / groups));
  if (dy && (dy->rank() != 4 || (*dy)[1] != w[0])) fail("dy " + dy->str() + " must have " + std::to_string(w[0]) + " channels");
}

// The output shape of the whole grouped convolution.
Shape output_shape(const Shape& x, const Shape& w, i64 stride, i64 pad, i64 groups) {
  const ConvGeometry g = conv_geometry(with_dim(x, 1, x[1] / groups), with_dim(w, 0, w[0] / groups), stride, pad);
  return with_dim(g.output_shape(), 1, w[0]);
}

// The three passes for either operand type: `dense` runs one group's pass on
// the group's slices (dense(x, w) forward, dense(dy, w, x_shape) backward-data,
// dense(x, dy, w_shape) backward-weights).
template <typename Out, typename In, typename Dense>
Out forward_by_group(const In& x, const In& w, i64 stride, i64 pad, i64 groups, Dense dense) {
  const char* op = "grouped_conv2d_forward";
  check_data(x, op, "x");
  check_data(w, op, "w");
  check_groups(x.shape, w.shape, nullptr, groups, op);
  const i64 cg = x.shape[1] / groups, kg = w.shape[0] / groups;
  return assemble<Out>(output_shape(x.shape, w.shape, stride, pad, groups), 1, groups,
                       [&](i64 g) { return dense(slice(x, 1, g * cg, cg), slice(w, 0, g * kg, kg)); });
}

template <typename Out, typename In, typename Dense>
Out backward_data_by_group(const In& dy, const In& w, const Shape& x_shape, i64 groups, Dense dense) {
  const char* op = "grouped_conv2d_backward_data";
  check_data(dy, op, "dy");
  check_data(w, op, "w");
  check_groups(x_shape, w.shape, &dy.shape, groups, op);
  const i64 cg = x_shape[1] / groups, kg = w.shape[0] / groups;
  return assemble<Out>(x_shape, 1, groups, [&](i64 g) {
    return dense(slice(dy, 1, g * kg, kg), slice(w, 0, g * kg, kg), with_dim(x_shape, 1, cg));
  });
}

template <typename Out, typename In, typename Dense>
Out backward_weights_by_group(const In& x, const In& dy, const Shape& w_shape, i64 groups, Dense dense) {
  const char* op = "grouped_conv2d_backward_weights";
  check_data(x, op, "x");
  check_data(dy, op, "dy");
  check_groups(x.shape, w_shape, &dy.shape, groups, op);
  const i64 cg = x.shape[1] / groups, kg = w_shape[0] / groups;
  return assemble<Out>(w_shape, 0, groups, [&](i64 g) {
    return dense(slice(x, 1, g * cg, cg), slice(dy, 1, g * kg, kg), with_dim(w_shape, 0, kg));
  });
}

}  // namespace

FTensor grouped_conv2d_forward(const FTensor& x, const FTensor& w, i64 stride, i64 pad, i64 groups) {
  const auto dense = [&](const FTensor& xg, const FTensor& wg) { return conv2d_forward(xg, wg, stride, pad); };
  return groups == 1 ? dense(x, w) : forward_by_group<FTensor>(x, w, stride, pad, groups, dense);
}

FTensor grouped_conv2d_backward_data(const FTensor& dy, const FTensor& w, const Shape& x_shape, i64 stride, i64 pad,
                                     i64 groups) {
  const auto dense = [&](const FTensor& dyg, const FTensor& wg, const Shape& xs) {
    return conv2d_backward_data(dyg, wg, xs, stride, pad);
  };
  return groups == 1 ? dense(dy, w, x_shape) : backward_data_by_group<FTensor>(dy, w, x_shape, groups, dense);
}

FTensor grouped_conv2d_backward_weights(const FTensor& x, const FTensor& dy, const Shape& w_shape, i64 stride, i64 pad,
                                        i64 groups) {
  const auto dense = [&](const FTensor& xg, const FTensor& dyg, const Shape& ws) {
    return conv2d_backward_weights(xg, dyg, ws, stride, pad);
  };
  return groups == 1 ? dense(x, dy, w_shape) : backward_weights_by_group<FTensor>(x, dy, w_shape, groups, dense);
}

WideTensor grouped_conv2d_forward(const QTensor& x, const QTensor& w, i64 stride, i64 pad, i64 groups, int acc_bits,
                                  std::uint64_t* acc_saturations) {
  const auto dense = [&](const QTensor& xg, const QTensor& wg) {
    return conv2d_forward(xg, wg, stride, pad, acc_bits, acc_saturations);
  };
  return groups == 1 ? dense(x, w) : forward_by_group<WideTensor>(x, w, stride, pad, groups, dense);
}

WideTensor grouped_conv2d_backward_data(const QTensor& dy, const QTensor& w, const Shape& x_shape, i64 stride, i64 pad,
                                        i64 groups, int acc_bits, std::uint64_t* acc_saturations) {
  const auto dense = [&](const QTensor& dyg, const QTensor& wg, const Shape& xs) {
    return conv2d_backward_data(dyg, wg, xs, stride, pad, acc_bits, acc_saturations);
  };
  return groups == 1 ? dense(dy, w, x_shape) : backward_data_by_group<WideTensor>(dy, w, x_shape, groups, dense);
}

WideTensor grouped_conv2d_backward_weights(const QTensor& x, const QTensor& dy, const Shape& w_shape, i64 stride,
                                           i64 pad, i64 groups, int acc_bits, std::uint64_t* acc_saturations) {
  const auto dense = [&](const QTensor& xg, const QTensor& dyg, const Shape& ws) {
    return conv2d_backward_weights(xg, dyg, ws, stride, pad, acc_bits, acc_saturations);
  };
  return groups == 1 ? dense(x, dy, w_shape) : backward_weights_by_group<WideTensor>(x, dy, w_shape, groups, dense);
}

}  // namespace qtsim::ref
