#pragma once
// Internal helpers that lower conv and linear layers onto GEMMs: conv geometry,
// patch matrices (im2col) and their transposed scatter (col2im), layout
// transposes, and the exact integer view of a quantized operand.
// Patch index crs = (c * R + r) * R + s, pixel index (n - n0) * P * Q + p * Q + q:
// the canonical orders of docs/NUMERICS.md §5 are increasing crs (forward) and
// increasing pixel (backward-weights).
#include <cstdint>
#include <vector>

#include "../tensor.hpp"

namespace qtsim::ref {

struct ConvGeometry {
  std::int64_t batch = 0, channels = 0, height = 0, width = 0;  // input N, C, H, W
  std::int64_t filters = 0, kernel = 0;                          // K, R (= S)
  std::int64_t stride = 1, pad = 0;
  std::int64_t out_height = 0, out_width = 0;                    // P, Q
  // Patch row (c, r, s) reads kernel tap (R-1-r, R-1-s): backward-data as a
  // forward conv keeps its patch rows in the canonical (k, r, s) order.
  bool flipped_kernel = false;

  std::int64_t patch() const { return channels * kernel * kernel; }  // C*R*R
  std::int64_t out_pixels() const { return out_height * out_width; }
  Shape output_shape() const { return Shape{batch, filters, out_height, out_width}; }
};

// Validates x (N x C x H x W) against w (K x C x R x R); throws std::invalid_argument.
ConvGeometry conv_geometry(const Shape& x_shape, const Shape& w_shape, std::int64_t stride, std::int64_t pad);

// Outputs o with 0 <= o * stride + offset < size, as [first, last) within [0, outputs).
struct OutputRange {
  std::int64_t first, last;
};
OutputRange valid_outputs(std::int64_t offset, std::int64_t stride, std::int64_t size, std::int64_t outputs);

// Patch matrix rows [crs0, crs1) for images [n0, n1), patch-major:
// out[(crs - crs0) * cols + pixel], cols = (n1 - n0) * P * Q. Padding reads 0.
template <typename T>
void im2col_patch_major(const T* x, const ConvGeometry& g, std::int64_t n0, std::int64_t n1, std::int64_t crs0,
                        std::int64_t crs1, T* out);

// The same matrix pixel-major: out[pixel * (crs1 - crs0) + crs - crs0].
template <typename T>
void im2col_pixel_major(const T* x, const ConvGeometry& g, std::int64_t n0, std::int64_t n1, std::int64_t crs0,
                        std::int64_t crs1, T* out);

// dx[n, c, h, w] += cols[crs * pixels + pixel] for images [n0, n1) (patch-major
// cols of all C*R*R rows); each dx element is summed by one thread in (r, s) order.
template <typename T>
void col2im_add(const T* cols, const ConvGeometry& g, std::int64_t n0, std::int64_t n1, T* dx);

// dst[j * rows + i] = src[i * cols + j].
template <typename T>
void transpose(const T* src, std::int64_t rows, std::int64_t cols, T* dst);

// [n][channel][pixel] (images n0..n1 of an NCHW tensor) -> [channel][(n - n0) * pixels + pixel].
template <typename T>
void images_to_channel_major(const T* src, std::int64_t n0, std::int64_t n1, std::int64_t channels,
                             std::int64_t pixels, T* dst);
// [n][channel][pixel] -> [(n - n0) * pixels + pixel][channel].
template <typename T>
void images_to_pixel_major(const T* src, std::int64_t n0, std::int64_t n1, std::int64_t channels, std::int64_t pixels,
                           T* dst);
// The inverse of images_to_channel_major: [channel][(n - n0) * pixels + pixel] -> images n0..n1 of dst.
template <typename T>
void channel_major_to_images(const T* src, std::int64_t n0, std::int64_t n1, std::int64_t channels,
                             std::int64_t pixels, T* dst);

// Exact integers of a quantized tensor at its finest exponent (a flagged tensor's
// unflagged elements shifted left by flag_shift), as int32 for gemm_int. Borrows
// the tensor's storage when nothing needs widening.
class IntOperand {
 public:
  explicit IntOperand(const QTensor& t);
  const std::int32_t* data() const { return widened_.empty() ? borrowed_ : widened_.data(); }
  int exp() const { return exp_; }
  std::int64_t size() const { return size_; }
  std::uint64_t max_abs() const;

 private:
  const std::int32_t* borrowed_ = nullptr;
  std::vector<std::int32_t> widened_;
  int exp_ = 0;
  std::int64_t size_ = 0;
};

}  // namespace qtsim::ref
