#pragma once
// The window geometry of a pooling layer as the vector unit's address
// generators walk it (docs/NUMERICS.md §6, §9): kernel_h x kernel_w windows
// (square for max/avg pools, the whole plane for global average pooling), one
// stride, symmetric zero padding. Padding holds no value: a max never picks it,
// an average counts it in the area only.
//
// Forward kernels walk each output's window in scan order (rows, then
// columns). Backward kernels gather: each input visits the outputs whose
// windows contain it, in increasing output order (rows, then columns), out of
// a fixed number of candidate windows, so the cost never depends on the data.
#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "models/hw/core/tensor_region.hpp"

namespace qtsim::hw {

struct PoolWindow {
  std::int64_t kernel_h = 1, kernel_w = 1, stride = 1, pad = 0;
  bool global = false;  // the window is the whole input plane

  static PoolWindow square(std::int64_t kernel, std::int64_t stride, std::int64_t pad) {
    return {kernel, kernel, stride, pad, false};
  }
  static PoolWindow whole_plane(const Dims4& x) { return {x.h, x.w, 1, 0, true}; }

  std::int64_t area() const { return kernel_h * kernel_w; }

  // Output size; throws unless every window holds a real input (2 * pad <= kernel,
  // the window fits the padded input), as PyTorch requires.
  Dims4 output_dims(const Dims4& x) const {
    if (kernel_h < 1 || kernel_w < 1 || stride < 1 || pad < 0 || 2 * pad > std::min(kernel_h, kernel_w) ||
        x.h + 2 * pad < kernel_h || x.w + 2 * pad < kernel_w)
      throw std::invalid_argument("pool window " + std::to_string(kernel_h) + "x" + std::to_string(kernel_w) + "/" +
                                  std::to_string(stride) + "/" + std::to_string(pad) + " does not fit input " + x.str());
    return {x.n, x.c, (x.h + 2 * pad - kernel_h) / stride + 1, (x.w + 2 * pad - kernel_w) / stride + 1};
  }

  // First input row (column) of output row (column) o's window; negative in the padding.
  std::int64_t start(std::int64_t o) const { return o * stride - pad; }

  // The outputs [lo, hi] along one axis (window size k, `outputs` outputs) whose
  // windows contain input index i; empty when lo > hi.
  void containing(std::int64_t i, std::int64_t k, std::int64_t outputs, std::int64_t& lo, std::int64_t& hi) const {
    lo = std::max<std::int64_t>(0, floor_div(i + pad - k + stride, stride));  // ceil((i + pad - k + 1) / stride)
    hi = std::min<std::int64_t>(outputs - 1, floor_div(i + pad, stride));
  }

  // A backward gather over one plane of `in` pooled to `out`: for each input
  // pixel in scan order, the sum over the outputs whose windows contain it (in
  // increasing output order) of term(o, offset), o being the output's flat
  // index in its plane and offset the pixel's place r * kernel_w + s in o's
  // window; then store(i, sum), i being the pixel's flat index in its plane.
  template <typename Sum, typename Term, typename Store>
  void gather(const Dims4& in, const Dims4& out, Term&& term, Store&& store) const {
    for (std::int64_t h = 0; h < in.h; ++h) {
      std::int64_t oh_lo, oh_hi;
      containing(h, kernel_h, out.h, oh_lo, oh_hi);
      for (std::int64_t w = 0; w < in.w; ++w) {
        std::int64_t ow_lo, ow_hi;
        containing(w, kernel_w, out.w, ow_lo, ow_hi);
        Sum sum{};
        for (std::int64_t oh = oh_lo; oh <= oh_hi; ++oh)
          for (std::int64_t ow = ow_lo; ow <= ow_hi; ++ow)
            sum += term(oh * out.w + ow, (h - start(oh)) * kernel_w + (w - start(ow)));
        store(h * in.w + w, sum);
      }
    }
  }

  // Candidate windows each input of a backward gather examines (data-independent).
  std::int64_t candidates(const Dims4& out) const {
    return std::min((kernel_h + stride - 1) / stride, out.h) * std::min((kernel_w + stride - 1) / stride, out.w);
  }

  // M = round(2^16 / area): the integer average pools' multiplier (docs/NUMERICS.md §6).
  static constexpr int kAvgFracBits = 16;
  std::int64_t avg_multiplier() const { return ((std::int64_t{1} << kAvgFracBits) + area() / 2) / area(); }

  // Type of the max-pool's per-output argmax: the window offset r * kernel_w + s.
  DType argmax_dtype() const {
    if (area() <= 256) return DType::u8;
    if (area() <= 32767) return DType::i16;
    throw std::invalid_argument("max-pool window of " + std::to_string(area()) + " elements: argmax offset too wide");
  }

 private:
  static std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }
};

}  // namespace qtsim::hw
