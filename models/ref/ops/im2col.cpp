#include "im2col.hpp"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <limits>
#include <stdexcept>

#include "../parallel.hpp"
#include "../quantizer.hpp"

namespace qtsim::ref {
namespace {

std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

// Parallel grain: about this many elements per chunk are worth waking a thread.
constexpr std::int64_t kGrainElements = std::int64_t{1} << 18;

std::int64_t grain_for(std::int64_t elements_per_item) {
  return std::max<std::int64_t>(1, kGrainElements / std::max<std::int64_t>(1, elements_per_item));
}

// The kernel tap that patch index r (or s) reads.
std::int64_t tap(const ConvGeometry& g, std::int64_t r) { return g.flipped_kernel ? g.kernel - 1 - r : r; }

// dst[i] += src[i]; the buffers never overlap, which lets the loop vectorize.
template <typename T>
void add_run(T* __restrict__ dst, const T* __restrict__ src, std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i) dst[i] += src[i];
}

constexpr std::int64_t kTransposeBlock = 32;  // both sides of a block stay in L1

// Rows [row0, row1) of the transpose dst[j * rows + i] = src[i * cols + j].
template <typename T>
void transpose_rows(const T* src, std::int64_t rows, std::int64_t cols, std::int64_t row0, std::int64_t row1, T* dst) {
  for (std::int64_t i0 = row0; i0 < row1; i0 += kTransposeBlock)
    for (std::int64_t j0 = 0; j0 < cols; j0 += kTransposeBlock)
      for (std::int64_t i = i0; i < std::min(row1, i0 + kTransposeBlock); ++i)
        for (std::int64_t j = j0; j < std::min(cols, j0 + kTransposeBlock); ++j) dst[j * rows + i] = src[i * cols + j];
}

template <typename T>
void transpose_block(const T* src, std::int64_t rows, std::int64_t cols, T* dst) {
  transpose_rows(src, rows, cols, 0, rows, dst);
}

}  // namespace

ConvGeometry conv_geometry(const Shape& x_shape, const Shape& w_shape, std::int64_t stride, std::int64_t pad) {
  if (x_shape.rank() != 4 || w_shape.rank() != 4)
    throw std::invalid_argument("conv2d: x and w must be 4-d, got " + x_shape.str() + " and " + w_shape.str());
  if (w_shape[2] != w_shape[3]) throw std::invalid_argument("conv2d: kernel must be square, w " + w_shape.str());
  if (w_shape[1] != x_shape[1])
    throw std::invalid_argument("conv2d: channels of x " + x_shape.str() + " and w " + w_shape.str() + " differ");
  if (stride < 1 || pad < 0) throw std::invalid_argument("conv2d: need stride >= 1 and pad >= 0");
  ConvGeometry g;
  g.batch = x_shape[0];
  g.channels = x_shape[1];
  g.height = x_shape[2];
  g.width = x_shape[3];
  g.filters = w_shape[0];
  g.kernel = w_shape[2];
  g.stride = stride;
  g.pad = pad;
  g.out_height = floor_div(g.height + 2 * pad - g.kernel, stride) + 1;
  g.out_width = floor_div(g.width + 2 * pad - g.kernel, stride) + 1;
  if (g.kernel < 1 || g.out_height < 1 || g.out_width < 1)
    throw std::invalid_argument("conv2d: kernel " + w_shape.str() + " does not fit input " + x_shape.str());
  return g;
}

OutputRange valid_outputs(std::int64_t offset, std::int64_t stride, std::int64_t size, std::int64_t outputs) {
  const std::int64_t first = std::max<std::int64_t>(0, -floor_div(offset, stride));
  const std::int64_t last = std::min(outputs, floor_div(size - 1 - offset, stride) + 1);
  return {first, std::max(first, last)};
}

template <typename T>
void im2col_patch_major(const T* x, const ConvGeometry& g, std::int64_t n0, std::int64_t n1, std::int64_t crs0,
                        std::int64_t crs1, T* out) {
  const std::int64_t R = g.kernel, P = g.out_height, Q = g.out_width, PQ = P * Q, cols = (n1 - n0) * PQ;
  parallel_for(crs0, crs1, [&](std::int64_t b, std::int64_t e) {
    for (std::int64_t crs = b; crs < e; ++crs) {
      const std::int64_t c = crs / (R * R), r = tap(g, crs / R % R), s = tap(g, crs % R);
      const OutputRange rows = valid_outputs(r - g.pad, g.stride, g.height, P);
      const OutputRange row_cols = valid_outputs(s - g.pad, g.stride, g.width, Q);
      for (std::int64_t n = n0; n < n1; ++n) {
        const T* plane = x + (n * g.channels + c) * g.height * g.width;
        T* dst = out + (crs - crs0) * cols + (n - n0) * PQ;
        for (std::int64_t p = 0; p < P; ++p, dst += Q) {
          if (p < rows.first || p >= rows.last) {
            std::fill(dst, dst + Q, T{});
            continue;
          }
          const T* src = plane + (p * g.stride + r - g.pad) * g.width + s - g.pad;
          std::fill(dst, dst + row_cols.first, T{});
          if (g.stride == 1)
            std::copy(src + row_cols.first, src + row_cols.last, dst + row_cols.first);
          else
            for (std::int64_t q = row_cols.first; q < row_cols.last; ++q) dst[q] = src[q * g.stride];
          std::fill(dst + row_cols.last, dst + Q, T{});
        }
      }
    }
  }, grain_for(cols));
}

template <typename T>
void im2col_pixel_major(const T* x, const ConvGeometry& g, std::int64_t n0, std::int64_t n1, std::int64_t crs0,
                        std::int64_t crs1, T* out) {
  const std::int64_t R = g.kernel, P = g.out_height, Q = g.out_width, width = crs1 - crs0;
  std::vector<OutputRange> row_cols(static_cast<std::size_t>(R));  // valid q for each kernel column s
  for (std::int64_t s = 0; s < R; ++s) row_cols[s] = valid_outputs(s - g.pad, g.stride, g.width, Q);
  // One output row (n, p) per item: its Q x width block stays in L1 while the
  // column-strided writes fill it, and each read is a run along an input row.
  parallel_for(n0 * P, n1 * P, [&](std::int64_t b, std::int64_t e) {
    for (std::int64_t np = b; np < e; ++np) {
      const std::int64_t n = np / P, p = np % P;
      T* block = out + (np - n0 * P) * Q * width;
      for (std::int64_t crs = crs0; crs < crs1; ++crs) {
        const std::int64_t c = crs / (R * R), r = tap(g, crs / R % R), s = tap(g, crs % R);
        const std::int64_t h = p * g.stride + r - g.pad;
        T* dst = block + (crs - crs0);
        const OutputRange cols = h >= 0 && h < g.height ? row_cols[s] : OutputRange{Q, Q};
        for (std::int64_t q = 0; q < cols.first; ++q) dst[q * width] = T{};
        if (cols.first < cols.last) {
          const T* src = x + ((n * g.channels + c) * g.height + h) * g.width + s - g.pad;
          if (g.stride == 1)
            for (std::int64_t q = cols.first; q < cols.last; ++q) dst[q * width] = src[q];
          else
            for (std::int64_t q = cols.first; q < cols.last; ++q) dst[q * width] = src[q * g.stride];
        }
        for (std::int64_t q = cols.last; q < Q; ++q) dst[q * width] = T{};
      }
    }
  }, grain_for(Q * width));
}

template <typename T>
void col2im_add(const T* cols, const ConvGeometry& g, std::int64_t n0, std::int64_t n1, T* dx) {
  const std::int64_t R = g.kernel, P = g.out_height, Q = g.out_width, PQ = P * Q, pixels = (n1 - n0) * PQ;
  const std::int64_t C = g.channels, HW = g.height * g.width;
  parallel_for(n0 * C, n1 * C, [&](std::int64_t b, std::int64_t e) {
    for (std::int64_t plane_index = b; plane_index < e; ++plane_index) {
      const std::int64_t n = plane_index / C, c = plane_index % C;
      T* plane = dx + plane_index * HW;
      for (std::int64_t r = 0; r < R; ++r) {
        const OutputRange rows = valid_outputs(r - g.pad, g.stride, g.height, P);
        for (std::int64_t s = 0; s < R; ++s) {
          const OutputRange row_cols = valid_outputs(s - g.pad, g.stride, g.width, Q);
          const T* src = cols + ((c * R + r) * R + s) * pixels + (n - n0) * PQ;
          for (std::int64_t p = rows.first; p < rows.last; ++p) {
            T* dst = plane + (p * g.stride + r - g.pad) * g.width + s - g.pad;
            if (g.stride == 1)
              add_run(dst + row_cols.first, src + p * Q + row_cols.first, row_cols.last - row_cols.first);
            else
              for (std::int64_t q = row_cols.first; q < row_cols.last; ++q) dst[q * g.stride] += src[p * Q + q];
          }
        }
      }
    }
  }, grain_for(HW * R * R));
}

template <typename T>
void transpose(const T* src, std::int64_t rows, std::int64_t cols, T* dst) {
  parallel_for(0, (rows + kTransposeBlock - 1) / kTransposeBlock, [&](std::int64_t b, std::int64_t e) {
    transpose_rows(src, rows, cols, b * kTransposeBlock, std::min(rows, e * kTransposeBlock), dst);
  }, grain_for(kTransposeBlock * cols));
}

template <typename T>
void images_to_channel_major(const T* src, std::int64_t n0, std::int64_t n1, std::int64_t channels,
                             std::int64_t pixels, T* dst) {
  const std::int64_t row = (n1 - n0) * pixels;
  parallel_for(0, channels, [&](std::int64_t b, std::int64_t e) {
    for (std::int64_t k = b; k < e; ++k)
      for (std::int64_t n = n0; n < n1; ++n)
        std::copy_n(src + (n * channels + k) * pixels, pixels, dst + k * row + (n - n0) * pixels);
  }, grain_for(row));
}

template <typename T>
void images_to_pixel_major(const T* src, std::int64_t n0, std::int64_t n1, std::int64_t channels, std::int64_t pixels,
                           T* dst) {
  parallel_for(n0, n1, [&](std::int64_t b, std::int64_t e) {
    for (std::int64_t n = b; n < e; ++n)
      transpose_block(src + n * channels * pixels, channels, pixels, dst + (n - n0) * pixels * channels);
  }, grain_for(channels * pixels));
}

template <typename T>
void channel_major_to_images(const T* src, std::int64_t n0, std::int64_t n1, std::int64_t channels,
                             std::int64_t pixels, T* dst) {
  const std::int64_t row = (n1 - n0) * pixels;
  parallel_for(0, channels, [&](std::int64_t b, std::int64_t e) {
    for (std::int64_t k = b; k < e; ++k)
      for (std::int64_t n = n0; n < n1; ++n)
        std::copy_n(src + k * row + (n - n0) * pixels, pixels, dst + (n * channels + k) * pixels);
  }, grain_for(row));
}

IntOperand::IntOperand(const QTensor& t) : exp_(finest_exp(t)), size_(static_cast<std::int64_t>(t.size())) {
  if (exp_ == t.exp) {
    borrowed_ = t.q.data();
    return;
  }
  // Flagged: unflagged elements sit `shift` bits coarser (exactly to_wide(t, exp_)).
  const int shift = t.exp - exp_;
  if (shift < 0) throw std::logic_error("conv/linear: negative flag_shift");
  widened_.resize(t.q.size());
  std::atomic<bool> overflow{false};
  parallel_for(0, size_, [&](std::int64_t b, std::int64_t e) {
    bool local = false;
    if (shift < 32) {
      // Largest unflagged |q| first; then the widening cannot overflow and runs in
      // int32. Local copies (int32 stores could alias `shift`) let both loops vectorize.
      const std::int32_t* q = t.q.data();
      const std::uint8_t* flag = t.flag.data();
      std::int32_t* out = widened_.data();
      const int s = shift;
      std::uint32_t m = 0;
      for (std::int64_t i = b; i < e; ++i) {
        const std::uint32_t mag = q[i] < 0 ? 0U - static_cast<std::uint32_t>(q[i]) : static_cast<std::uint32_t>(q[i]);
        const std::uint32_t unflagged = std::uint32_t{flag[i]} - 1U;  // all ones for an unflagged element, else 0
        m = std::max(m, mag & unflagged);
      }
      local = (std::uint64_t{m} << s) > static_cast<std::uint64_t>(std::numeric_limits<std::int32_t>::max());
      for (std::int64_t i = b; i < e; ++i)
        out[i] = flag[i] ? q[i] : static_cast<std::int32_t>(static_cast<std::uint32_t>(q[i]) << s);
    } else {
      for (std::int64_t i = b; i < e; ++i) {
        local |= !t.flag[i] && t.q[i] != 0;  // any unflagged non-zero element overflows
        widened_[i] = t.flag[i] ? t.q[i] : 0;
      }
    }
    if (local) overflow = true;
  }, kGrainElements);
  if (overflow) throw std::overflow_error("conv/linear: a widened flagged operand does not fit in 32 bits");
}

std::uint64_t IntOperand::max_abs() const {
  std::uint64_t m = 0;
  const std::int32_t* v = data();
  for (std::int64_t i = 0; i < size_; ++i) m = std::max<std::uint64_t>(m, v[i] < 0 ? -std::int64_t{v[i]} : v[i]);
  return m;
}

template void im2col_patch_major(const float*, const ConvGeometry&, std::int64_t, std::int64_t, std::int64_t,
                                 std::int64_t, float*);
template void im2col_patch_major(const std::int32_t*, const ConvGeometry&, std::int64_t, std::int64_t, std::int64_t,
                                 std::int64_t, std::int32_t*);
template void im2col_pixel_major(const float*, const ConvGeometry&, std::int64_t, std::int64_t, std::int64_t,
                                 std::int64_t, float*);
template void im2col_pixel_major(const std::int32_t*, const ConvGeometry&, std::int64_t, std::int64_t, std::int64_t,
                                 std::int64_t, std::int32_t*);
template void col2im_add(const float*, const ConvGeometry&, std::int64_t, std::int64_t, float*);
template void col2im_add(const std::int64_t*, const ConvGeometry&, std::int64_t, std::int64_t, std::int64_t*);
template void transpose(const float*, std::int64_t, std::int64_t, float*);
template void transpose(const std::int32_t*, std::int64_t, std::int64_t, std::int32_t*);
template void images_to_channel_major(const float*, std::int64_t, std::int64_t, std::int64_t, std::int64_t, float*);
template void images_to_channel_major(const std::int32_t*, std::int64_t, std::int64_t, std::int64_t, std::int64_t,
                                      std::int32_t*);
template void images_to_pixel_major(const float*, std::int64_t, std::int64_t, std::int64_t, std::int64_t, float*);
template void images_to_pixel_major(const std::int32_t*, std::int64_t, std::int64_t, std::int64_t, std::int64_t,
                                    std::int32_t*);
template void channel_major_to_images(const float*, std::int64_t, std::int64_t, std::int64_t, std::int64_t, float*);
template void channel_major_to_images(const std::int64_t*, std::int64_t, std::int64_t, std::int64_t, std::int64_t,
                                      std::int64_t*);

}  // namespace qtsim::ref
