// Float32 pooling (docs/NUMERICS.md §9). Windows are k x k with stride and
// symmetric zero padding; output size floor((H + 2*pad - k) / stride) + 1.
// Sums accumulate in double in a fixed order (window scan order, or increasing
// output index for backward scatters) and are rounded to float once, so results
// never depend on the thread count: parallel chunks are whole (n, c) planes.
#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "../parallel.hpp"
#include "layers_float.hpp"

namespace qtsim::ref {

namespace {

struct PoolGeometry {
  std::int64_t planes = 0;  // N * C
  std::int64_t H = 0, W = 0, OH = 0, OW = 0;
  std::int64_t kernel = 0, stride = 0, pad = 0;

  std::int64_t area() const { return kernel * kernel; }
  // First input row/column of output row/column o's window (may be negative: padding).
  std::int64_t window_start(std::int64_t o) const { return o * stride - pad; }
};

PoolGeometry pool_geometry(const Shape& x, std::int64_t kernel, std::int64_t stride, std::int64_t pad, const char* who) {
  // 2 * pad <= kernel (PyTorch's rule) guarantees every window holds a real input.
  if (kernel < 1 || stride < 1 || pad < 0 || 2 * pad > kernel)
    throw std::invalid_argument(std::string(who) + ": bad kernel/stride/pad " + std::to_string(kernel) + "/" +
                                std::to_string(stride) + "/" + std::to_string(pad));
  PoolGeometry g;
  g.planes = x.n() * x.c();
  g.H = x.h();
  g.W = x.w();
  g.kernel = kernel;
  g.stride = stride;
  g.pad = pad;
  if (g.H + 2 * pad < kernel || g.W + 2 * pad < kernel)
    throw std::invalid_argument(std::string(who) + ": window larger than padded input " + x.str());
  g.OH = (g.H + 2 * pad - kernel) / stride + 1;
  g.OW = (g.W + 2 * pad - kernel) / stride + 1;
  return g;
}

Shape pooled_shape(const Shape& x, const PoolGeometry& g) { return Shape{x.n(), x.c(), g.OH, g.OW}; }

// Calls fn(input index within the plane) for the real (non-padding) inputs of
// output (oh, ow)'s window, rows then columns.
template <typename Fn>
void for_each_in_window(const PoolGeometry& g, std::int64_t oh, std::int64_t ow, Fn&& fn) {
  for (std::int64_t r = 0; r < g.kernel; ++r) {
    const std::int64_t ih = g.window_start(oh) + r;
    if (ih < 0 || ih >= g.H) continue;
    for (std::int64_t s = 0; s < g.kernel; ++s) {
      const std::int64_t iw = g.window_start(ow) + s;
      if (iw < 0 || iw >= g.W) continue;
      fn(ih * g.W + iw);
    }
  }
}

void require_size(const FTensor& t, std::int64_t expected, const char* who) {
  if (static_cast<std::int64_t>(t.size()) != expected)
    throw std::invalid_argument(std::string(who) + ": tensor " + t.shape.str() + " should have " +
                                std::to_string(expected) + " elements");
}

}  // namespace

FTensor maxpool_forward(const FTensor& x, std::int64_t kernel, std::int64_t stride, std::int64_t pad,
                        std::vector<std::int64_t>* argmax) {
  const PoolGeometry g = pool_geometry(x.shape, kernel, stride, pad, "maxpool_forward");
  FTensor y(pooled_shape(x.shape, g));
  std::vector<std::int64_t> best_index(y.size(), -1);
  const std::int64_t in_plane = g.H * g.W, out_plane = g.OH * g.OW;
  parallel_for(0, g.planes, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t plane = begin; plane < end; ++plane)
      for (std::int64_t oh = 0; oh < g.OH; ++oh)
        for (std::int64_t ow = 0; ow < g.OW; ++ow) {
          // Padding is skipped, so it never wins; a later element must be strictly
          // greater to win (first maximum). A NaN wins once, so NaN propagates.
          std::int64_t best = -1;
          float best_value = -std::numeric_limits<float>::infinity();
          for_each_in_window(g, oh, ow, [&](std::int64_t i) {
            const float v = x.data[static_cast<std::size_t>(plane * in_plane + i)];
            if (best < 0 || (!std::isnan(best_value) && (v > best_value || std::isnan(v)))) {
              best = i;
              best_value = v;
            }
          });
          const auto o = static_cast<std::size_t>(plane * out_plane + oh * g.OW + ow);
          best_index[o] = plane * in_plane + best;
          y.data[o] = best_value;
        }
  });
  if (argmax) *argmax = std::move(best_index);
  return y;
}

FTensor maxpool_backward(const FTensor& dy, const std::vector<std::int64_t>& argmax, const Shape& x_shape) {
  if (argmax.size() != dy.size())
    throw std::invalid_argument("maxpool_backward: " + std::to_string(argmax.size()) + " argmax entries for dy " +
                                dy.shape.str());
  // argmax indices of plane p lie in input plane p, so planes are independent.
  const std::int64_t planes = x_shape.n() * x_shape.c();
  const std::int64_t in_plane = x_shape.h() * x_shape.w();
  const auto outputs = static_cast<std::int64_t>(dy.size());
  if (planes < 1 || outputs % planes != 0)
    throw std::invalid_argument("maxpool_backward: dy " + dy.shape.str() + " does not match x " + x_shape.str());
  const std::int64_t out_plane = outputs / planes;
  for (std::int64_t o = 0; o < outputs; ++o) {
    const std::int64_t plane = o / out_plane, i = argmax[static_cast<std::size_t>(o)];
    if (i < plane * in_plane || i >= (plane + 1) * in_plane)
      throw std::invalid_argument("maxpool_backward: argmax entry outside its (n, c) plane");
  }
  FTensor dx(x_shape);
  parallel_for(0, planes, [&](std::int64_t begin, std::int64_t end) {
    std::vector<double> sum(static_cast<std::size_t>(in_plane));
    for (std::int64_t plane = begin; plane < end; ++plane) {
      std::fill(sum.begin(), sum.end(), 0.0);
      // Overlapping windows add up in increasing output order.
      for (std::int64_t o = plane * out_plane; o < (plane + 1) * out_plane; ++o) {
        const std::int64_t i = argmax[static_cast<std::size_t>(o)] - plane * in_plane;
        sum[static_cast<std::size_t>(i)] += dy.data[static_cast<std::size_t>(o)];
      }
      for (std::int64_t i = 0; i < in_plane; ++i)
        dx.data[static_cast<std::size_t>(plane * in_plane + i)] = static_cast<float>(sum[static_cast<std::size_t>(i)]);
    }
  });
  return dx;
}

FTensor avgpool_forward(const FTensor& x, std::int64_t kernel, std::int64_t stride, std::int64_t pad) {
  const PoolGeometry g = pool_geometry(x.shape, kernel, stride, pad, "avgpool_forward");
  FTensor y(pooled_shape(x.shape, g));
  const std::int64_t in_plane = g.H * g.W, out_plane = g.OH * g.OW;
  parallel_for(0, g.planes, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t plane = begin; plane < end; ++plane)
      for (std::int64_t oh = 0; oh < g.OH; ++oh)
        for (std::int64_t ow = 0; ow < g.OW; ++ow) {
          double sum = 0.0;
          for_each_in_window(g, oh, ow,
                             [&](std::int64_t i) { sum += x.data[static_cast<std::size_t>(plane * in_plane + i)]; });
          // Padding counts in the divisor (count_include_pad).
          y.data[static_cast<std::size_t>(plane * out_plane + oh * g.OW + ow)] =
              static_cast<float>(sum / static_cast<double>(g.area()));
        }
  });
  return y;
}

FTensor avgpool_backward(const FTensor& dy, const Shape& x_shape, std::int64_t kernel, std::int64_t stride,
                         std::int64_t pad) {
  const PoolGeometry g = pool_geometry(x_shape, kernel, stride, pad, "avgpool_backward");
  require_size(dy, g.planes * g.OH * g.OW, "avgpool_backward");
  FTensor dx(x_shape);
  const std::int64_t in_plane = g.H * g.W, out_plane = g.OH * g.OW;
  parallel_for(0, g.planes, [&](std::int64_t begin, std::int64_t end) {
    std::vector<double> sum(static_cast<std::size_t>(in_plane));
    for (std::int64_t plane = begin; plane < end; ++plane) {
      std::fill(sum.begin(), sum.end(), 0.0);
      // Each input sums dy over the windows containing it, in increasing output order.
      for (std::int64_t oh = 0; oh < g.OH; ++oh)
        for (std::int64_t ow = 0; ow < g.OW; ++ow) {
          const double d = dy.data[static_cast<std::size_t>(plane * out_plane + oh * g.OW + ow)];
          for_each_in_window(g, oh, ow, [&](std::int64_t i) { sum[static_cast<std::size_t>(i)] += d; });
        }
      for (std::int64_t i = 0; i < in_plane; ++i)
        dx.data[static_cast<std::size_t>(plane * in_plane + i)] =
            static_cast<float>(sum[static_cast<std::size_t>(i)] / static_cast<double>(g.area()));
    }
  });
  return dx;
}

FTensor global_avgpool_forward(const FTensor& x) {
  const std::int64_t planes = x.shape.n() * x.shape.c(), plane_size = x.shape.h() * x.shape.w();
  if (plane_size < 1) throw std::invalid_argument("global_avgpool_forward: empty planes in " + x.shape.str());
  FTensor y(Shape{x.shape.n(), x.shape.c(), 1, 1});
  parallel_for(0, planes, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t plane = begin; plane < end; ++plane) {
      double sum = 0.0;
      for (std::int64_t i = plane * plane_size; i < (plane + 1) * plane_size; ++i) sum += x.data[static_cast<std::size_t>(i)];
      y.data[static_cast<std::size_t>(plane)] = static_cast<float>(sum / static_cast<double>(plane_size));
    }
  });
  return y;
}

FTensor global_avgpool_backward(const FTensor& dy, const Shape& x_shape) {
  const std::int64_t planes = x_shape.n() * x_shape.c(), plane_size = x_shape.h() * x_shape.w();
  require_size(dy, planes, "global_avgpool_backward");
  FTensor dx(x_shape);
  for (std::int64_t plane = 0; plane < planes; ++plane) {
    const auto share = static_cast<float>(static_cast<double>(dy.data[static_cast<std::size_t>(plane)]) /
                                          static_cast<double>(plane_size));
    for (std::int64_t i = plane * plane_size; i < (plane + 1) * plane_size; ++i) dx.data[static_cast<std::size_t>(i)] = share;
  }
  return dx;
}

}  // namespace qtsim::ref
