// Integer residual add, Fixup scalar bias/multiplier and per-channel biases
// (docs/NUMERICS.md §6). Sums are aligned exactly to the finer exponent; the
// caller's quantizer makes the only rounding.
#include <algorithm>
#include <stdexcept>

#include "layers_int.hpp"
#include "../quantizer.hpp"

namespace qtsim::ref {

namespace {

std::int64_t widened(const WideTensor& t, std::size_t i, int exp) { return left_shift_saturating(t.v[i], t.exp - exp); }

std::int64_t scalar_of(const QTensor& t) {
  if (t.size() != 1) throw std::invalid_argument("scalar parameter must hold one element");
  return t.q[0];
}

}  // namespace

WideTensor add_aligned(const WideTensor& a, const WideTensor& b) {
  if (!(a.shape == b.shape)) throw std::invalid_argument("add_aligned: shapes differ");
  const int e = std::min(a.exp, b.exp);
  WideTensor y(a.shape, e);
  for (std::size_t i = 0; i < y.size(); ++i) y.v[i] = widened(a, i, e) + widened(b, i, e);
  return y;
}

WideTensor add_aligned(const QTensor& a, const QTensor& b) { return add_aligned(to_wide(a), to_wide(b)); }

WideTensor bias_forward(const QTensor& x, const QTensor& b) {
  const WideTensor xw = to_wide(x);
  const std::int64_t bq = scalar_of(b);
  const int e = std::min(xw.exp, b.exp);
  const std::int64_t bw = left_shift_saturating(bq, b.exp - e);
  WideTensor y(x.shape, e);
  for (std::size_t i = 0; i < y.size(); ++i) y.v[i] = widened(xw, i, e) + bw;
  return y;
}

WideTensor sum_all(const QTensor& dy) {
  const WideTensor d = to_wide(dy);
  WideTensor s(Shape{1}, d.exp);
  for (auto v : d.v) s.v[0] += v;
  return s;
}

WideTensor scale_forward(const QTensor& x, const QTensor& m) {
  const WideTensor xw = to_wide(x);
  const std::int64_t mq = scalar_of(m);
  WideTensor y(x.shape, xw.exp + m.exp);
  for (std::size_t i = 0; i < y.size(); ++i) y.v[i] = xw.v[i] * mq;
  return y;
}

WideTensor scale_backward_data(const QTensor& dy, const QTensor& m) { return scale_forward(dy, m); }

WideTensor scale_backward_param(const QTensor& dy, const QTensor& x) {
  const WideTensor d = to_wide(dy);
  const WideTensor xw = to_wide(x);
  WideTensor s(Shape{1}, d.exp + xw.exp);
  for (std::size_t i = 0; i < d.size(); ++i) s.v[0] += d.v[i] * xw.v[i];
  return s;
}

WideTensor channel_bias_forward(const WideTensor& acc, const QTensor& b) {
  const std::int64_t C = acc.shape.c();
  if (static_cast<std::int64_t>(b.size()) != C) throw std::invalid_argument("channel bias size differs from channels");
  const std::int64_t plane = acc.shape.h() * acc.shape.w();
  const int e = std::min(acc.exp, b.exp);
  WideTensor y(acc.shape, e);
  for (std::size_t i = 0; i < y.size(); ++i) {
    const auto c = static_cast<std::size_t>((static_cast<std::int64_t>(i) / plane) % C);
    y.v[i] = widened(acc, i, e) + left_shift_saturating(b.q[c], b.exp - e);
  }
  return y;
}

WideTensor channel_sum(const QTensor& dy) {
  const WideTensor d = to_wide(dy);
  const std::int64_t C = dy.shape.c();
  const std::int64_t plane = dy.shape.h() * dy.shape.w();
  WideTensor s(Shape{C}, d.exp);
  for (std::size_t i = 0; i < d.size(); ++i) s.v[static_cast<std::size_t>((static_cast<std::int64_t>(i) / plane) % C)] += d.v[i];
  return s;
}

}  // namespace qtsim::ref
