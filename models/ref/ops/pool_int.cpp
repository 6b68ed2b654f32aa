// Integer pooling (docs/NUMERICS.md §6). Max-pool is exact; average pools
// multiply the window sum by M = round(2^16 / area) and leave the exponent
// 16 finer, so the following A (or E) quantizer makes the only rounding.
#include "elementwise.hpp"
#include "layers_int.hpp"
#include "../quantizer.hpp"

namespace qtsim::ref {

namespace {

constexpr int kAvgFracBits = 16;

std::int64_t out_size(std::int64_t in, std::int64_t k, std::int64_t stride, std::int64_t pad) {
  return (in + 2 * pad - k) / stride + 1;
}

// Visits every (output index, input index) pair of a pooling window; padding
// positions are skipped.
template <typename Fn>
void for_each_window_element(const Shape& x, std::int64_t k, std::int64_t stride, std::int64_t pad, Fn&& fn) {
  const std::int64_t N = x.n(), C = x.c(), H = x.h(), W = x.w();
  const std::int64_t OH = out_size(H, k, stride, pad), OW = out_size(W, k, stride, pad);
  for (std::int64_t nc = 0; nc < N * C; ++nc)
    for (std::int64_t oh = 0; oh < OH; ++oh)
      for (std::int64_t ow = 0; ow < OW; ++ow) {
        const std::int64_t o = (nc * OH + oh) * OW + ow;
        for (std::int64_t r = 0; r < k; ++r) {
          const std::int64_t ih = oh * stride - pad + r;
          if (ih < 0 || ih >= H) continue;
          for (std::int64_t s = 0; s < k; ++s) {
            const std::int64_t iw = ow * stride - pad + s;
            if (iw < 0 || iw >= W) continue;
            fn(o, (nc * H + ih) * W + iw);
          }
        }
      }
}

Shape pooled_shape(const Shape& x, std::int64_t k, std::int64_t stride, std::int64_t pad) {
  return Shape{x.n(), x.c(), out_size(x.h(), k, stride, pad), out_size(x.w(), k, stride, pad)};
}

}  // namespace

QTensor maxpool_forward(const QTensor& x, std::int64_t kernel, std::int64_t stride, std::int64_t pad,
                        std::vector<std::int64_t>* argmax) {
  QTensor y(pooled_shape(x.shape, kernel, stride, pad), x.exp, x.bits);
  std::vector<std::int64_t> best(y.size(), -1);
  for_each_window_element(x.shape, kernel, stride, pad, [&](std::int64_t o, std::int64_t i) {
    const auto uo = static_cast<std::size_t>(o);
    if (best[uo] < 0 || x.q[static_cast<std::size_t>(i)] > x.q[static_cast<std::size_t>(best[uo])]) best[uo] = i;
  });
  for (std::size_t o = 0; o < y.size(); ++o) y.q[o] = x.q[static_cast<std::size_t>(best[o])];
  if (argmax) *argmax = std::move(best);
  return y;
}

WideTensor maxpool_backward(const QTensor& dy, const std::vector<std::int64_t>& argmax, const Shape& x_shape) {
  const Widened d(dy);
  WideTensor dx(x_shape, finest_exp(dy));
  for (std::size_t o = 0; o < dy.size(); ++o) dx.v[static_cast<std::size_t>(argmax[o])] += d[o];
  return dx;
}

std::int64_t avgpool_multiplier(std::int64_t window_area) {
  return ((std::int64_t{1} << kAvgFracBits) + window_area / 2) / window_area;
}

WideTensor avgpool_forward(const QTensor& x, std::int64_t kernel, std::int64_t stride, std::int64_t pad) {
  const Widened xw(x);
  const std::int64_t m = avgpool_multiplier(kernel * kernel);
  WideTensor y(pooled_shape(x.shape, kernel, stride, pad), finest_exp(x) - kAvgFracBits);
  for_each_window_element(x.shape, kernel, stride, pad,
                          [&](std::int64_t o, std::int64_t i) { y.v[static_cast<std::size_t>(o)] += xw[static_cast<std::size_t>(i)]; });
  for (auto& v : y.v) v *= m;
  return y;
}

WideTensor avgpool_backward(const QTensor& dy, const Shape& x_shape, std::int64_t kernel, std::int64_t stride,
                            std::int64_t pad) {
  const Widened d(dy);
  const std::int64_t m = avgpool_multiplier(kernel * kernel);
  WideTensor dx(x_shape, finest_exp(dy) - kAvgFracBits);
  for_each_window_element(x_shape, kernel, stride, pad,
                          [&](std::int64_t o, std::int64_t i) { dx.v[static_cast<std::size_t>(i)] += d[static_cast<std::size_t>(o)] * m; });
  return dx;
}

WideTensor global_avgpool_forward(const QTensor& x) {
  const Widened xw(x);
  const std::int64_t area = x.shape.h() * x.shape.w();
  const std::int64_t m = avgpool_multiplier(area);
  WideTensor y(Shape{x.shape.n(), x.shape.c(), 1, 1}, finest_exp(x) - kAvgFracBits);
  for_each_element(static_cast<std::int64_t>(y.size()), [&](std::int64_t nc) {
    std::int64_t sum = 0;
    for (std::int64_t i = nc * area; i < (nc + 1) * area; ++i) sum += xw[static_cast<std::size_t>(i)];
    y.v[static_cast<std::size_t>(nc)] = sum * m;
  });
  return y;
}

WideTensor global_avgpool_backward(const QTensor& dy, const Shape& x_shape) {
  const Widened d(dy);
  const std::int64_t area = x_shape.h() * x_shape.w();
  const std::int64_t m = avgpool_multiplier(area);
  WideTensor dx(x_shape, finest_exp(dy) - kAvgFracBits);
  for_each_element(static_cast<std::int64_t>(dx.size()),
                   [&](std::int64_t i) { dx.v[static_cast<std::size_t>(i)] = d[static_cast<std::size_t>(i / area)] * m; });
  return dx;
}

}  // namespace qtsim::ref
