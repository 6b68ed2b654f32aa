// Integer residual add, Fixup scalar bias/multiplier and per-channel biases
// (docs/NUMERICS.md §6). Sums are aligned (§1.1: exact on the finer grid, or
// on the finest grid int64 can hold); the caller's quantizer makes the only rounding.
#include <algorithm>
#include <stdexcept>

#include "elementwise.hpp"
#include "layers_int.hpp"
#include "../quantizer.hpp"

namespace qtsim::ref {

namespace {

std::int64_t scalar_of(const QTensor& t) {
  if (t.size() != 1) throw std::invalid_argument("scalar parameter must hold one element");
  return t.q[0];
}

}  // namespace

WideTensor add_aligned(const QTensor& a, const QTensor& b) {
  if (!(a.shape == b.shape)) throw std::invalid_argument("add_aligned: shapes differ");
  const int e = alignment_grid({{finest_exp(a), width_of(a)}, {finest_exp(b), width_of(b)}});
  const Widened wa(a, e), wb(b, e);
  WideTensor y(a.shape, e);
  for_each_element(static_cast<std::int64_t>(y.size()), [&](std::int64_t i) { y.v[i] = wa[i] + wb[i]; });
  return y;
}

WideTensor bias_forward(const QTensor& x, const QTensor& b) {
  const std::int64_t bq = scalar_of(b);
  const int e = alignment_grid({{finest_exp(x), width_of(x)}, {b.exp, width_of(b)}});
  const Widened xw(x, e);
  const std::int64_t bw = shift_to_grid(bq, b.exp - e);
  WideTensor y(x.shape, e);
  for_each_element(static_cast<std::int64_t>(y.size()), [&](std::int64_t i) { y.v[i] = xw[i] + bw; });
  return y;
}

WideTensor sum_all(const QTensor& dy) {
  const Widened d(dy);
  WideTensor s(Shape{1}, finest_exp(dy));
  s.v[0] = sum_elements(static_cast<std::int64_t>(dy.size()), [&](std::int64_t i) { return d[i]; });
  return s;
}

WideTensor scale_forward(const QTensor& x, const QTensor& m) {
  const Widened xw(x);
  const std::int64_t mq = scalar_of(m);
  WideTensor y(x.shape, finest_exp(x) + m.exp);
  for_each_element(static_cast<std::int64_t>(y.size()), [&](std::int64_t i) { y.v[i] = xw[i] * mq; });
  return y;
}

WideTensor scale_backward_data(const QTensor& dy, const QTensor& m) { return scale_forward(dy, m); }

WideTensor scale_backward_param(const QTensor& dy, const QTensor& x) {
  const Widened d(dy), xw(x);
  WideTensor s(Shape{1}, finest_exp(dy) + finest_exp(x));
  s.v[0] = sum_elements(static_cast<std::int64_t>(dy.size()), [&](std::int64_t i) { return d[i] * xw[i]; });
  return s;
}

WideTensor channel_bias_forward(const WideTensor& acc, int acc_width, const QTensor& b) {
  const std::int64_t C = acc.shape.c();
  if (static_cast<std::int64_t>(b.size()) != C) throw std::invalid_argument("channel bias size differs from channels");
  const std::int64_t plane = acc.shape.h() * acc.shape.w();
  const int e = alignment_grid({{acc.exp, acc_width}, {b.exp, width_of(b)}});
  WideTensor y(acc.shape, e);
  const GridShift acc_to_grid(acc.exp - e);
  // One (image, channel) plane at a time: the bias is constant over it.
  parallel_for(0, acc.shape.n() * C, [&](std::int64_t p0, std::int64_t p1) {
    for (std::int64_t p = p0; p < p1; ++p) {
      const std::int64_t bias = shift_to_grid(b.q[static_cast<std::size_t>(p % C)], b.exp - e);
      for (std::int64_t i = p * plane; i < (p + 1) * plane; ++i) y.v[i] = acc_to_grid(acc.v[i]) + bias;
    }
  }, std::max<std::int64_t>(1, kElementGrain / std::max<std::int64_t>(plane, 1)));
  return y;
}

WideTensor channel_sum(const QTensor& dy) {
  const Widened d(dy);
  const std::int64_t N = dy.shape.n(), C = dy.shape.c();
  const std::int64_t plane = dy.shape.h() * dy.shape.w();
  WideTensor s(Shape{C}, finest_exp(dy));
  parallel_for(0, C, [&](std::int64_t c0, std::int64_t c1) {
    for (std::int64_t c = c0; c < c1; ++c) {
      std::int64_t sum = 0;
      for (std::int64_t n = 0; n < N; ++n)
        for (std::int64_t i = (n * C + c) * plane; i < (n * C + c + 1) * plane; ++i) sum += d[i];
      s.v[c] = sum;
    }
  });
  return s;
}

}  // namespace qtsim::ref
