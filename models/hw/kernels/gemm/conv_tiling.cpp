#include "conv_tiling.hpp"

#include <algorithm>
#include <stdexcept>
#include <vector>

namespace qtsim::hw {

std::string to_string(ConvPass p) {
  switch (p) {
    case ConvPass::forward: return "forward";
    case ConvPass::backward_data: return "backward-data";
    case ConvPass::backward_weights: return "backward-weights";
  }
  return "?";
}

namespace {

// Input rows [lo, hi) read by output rows [p0, p0 + np), clipped to the image.
void input_rows(const ConvShape& s, std::int64_t p0, std::int64_t np, std::int64_t& lo, std::int64_t& len) {
  const std::int64_t a = std::max<std::int64_t>(0, p0 * s.stride - s.pad);
  const std::int64_t b = std::min(s.h, (p0 + np - 1) * s.stride - s.pad + s.r);
  lo = std::min(a, s.h);
  len = std::max<std::int64_t>(0, b - lo);
}

// Output rows p whose taps reach input rows [h0, h0 + nh) (backward-data).
void error_rows(const ConvShape& s, std::int64_t h0, std::int64_t nh, std::int64_t& lo, std::int64_t& len) {
  // p * stride = h + pad - r for some r in [0, R): p in [ceil((h0 + pad - R + 1) / stride), floor((h1 - 1 + pad) / stride)]
  const std::int64_t num = h0 + s.pad - s.r + 1;
  std::int64_t a = num >= 0 ? (num + s.stride - 1) / s.stride : -((-num) / s.stride);
  std::int64_t b = (h0 + nh - 1 + s.pad) / s.stride + 1;
  a = std::clamp<std::int64_t>(a, 0, s.p());
  b = std::clamp<std::int64_t>(b, 0, s.p());
  lo = a;
  len = std::max<std::int64_t>(0, b - a);
}

std::int64_t halve(std::int64_t v) { return (v + 1) / 2; }

}  // namespace

std::int64_t ConvTiling::spatial_rows() const { return pass_ == ConvPass::backward_data ? shape_.h : shape_.p(); }
std::int64_t ConvTiling::col_outer() const { return pass_ == ConvPass::forward ? shape_.k : shape_.c; }
std::int64_t ConvTiling::red_outer() const { return pass_ == ConvPass::forward ? shape_.c : shape_.k; }

std::int64_t ConvTiling::a_elements(const ConvBlocking& b) const {
  const ConvShape& s = shape_;
  switch (pass_) {
    case ConvPass::forward: {
      const std::int64_t span = std::min(s.h, (b.rows - 1) * s.stride + s.r);
      return b.images * b.red * span * s.w;
    }
    case ConvPass::backward_data: {
      const std::int64_t span = std::min(s.p(), (b.rows + s.r - 2) / s.stride + 2);
      return b.images * b.red * span * s.q();
    }
    case ConvPass::backward_weights: return b.images * b.red * b.rows * s.q();
  }
  return 0;
}

std::int64_t ConvTiling::b_elements(const ConvBlocking& b) const {
  const ConvShape& s = shape_;
  if (pass_ == ConvPass::backward_weights) return b.images * b.cols * std::min(s.h, (b.rows - 1) * s.stride + s.r) * s.w;
  return b.cols * b.red * s.r * s.s;
}

std::int64_t ConvTiling::out_elements(const ConvBlocking& b) const {
  const ConvShape& s = shape_;
  switch (pass_) {
    case ConvPass::forward: return b.images * b.cols * b.rows * s.q();
    case ConvPass::backward_data: return b.images * b.cols * b.rows * s.w;
    case ConvPass::backward_weights: return b.red * b.cols * s.r * s.s;
  }
  return 0;
}

ConvTiling::ConvTiling(ConvPass pass, const ConvShape& shape, std::uint64_t a_bytes, std::uint64_t b_bytes,
                       std::uint64_t out_bytes, std::uint64_t ifmap_slot, std::uint64_t filter_slot,
                       std::uint64_t ofmap_slot, std::int64_t array_cols, bool whole_reduction)
    : pass_(pass), shape_(shape) {
  blk_ = {shape.n, spatial_rows(), col_outer(), pass == ConvPass::backward_weights ? shape.k : red_outer()};
  auto fits_a = [&] { return static_cast<std::uint64_t>(a_elements(blk_)) * a_bytes <= ifmap_slot; };
  auto fits_b = [&] { return static_cast<std::uint64_t>(b_elements(blk_)) * b_bytes <= filter_slot; };
  auto fits_out = [&] { return static_cast<std::uint64_t>(out_elements(blk_)) * out_bytes <= ofmap_slot; };
  // Shrink, in order of preference, the dimensions each buffer's footprint grows with.
  // Columns are kept at least one array width where possible (utilization).
  const std::int64_t min_cols = std::min(col_outer(), std::max<std::int64_t>(1, array_cols));
  auto shrink = [&](std::initializer_list<std::int64_t*> all, std::int64_t* soft_floor_dim, std::int64_t soft_floor) {
    std::vector<std::int64_t*> dims;
    for (std::int64_t* d : all)
      if (!(whole_reduction && pass != ConvPass::backward_weights && d == &blk_.red)) dims.push_back(d);
    for (std::int64_t* d : dims) {
      const std::int64_t floor = d == soft_floor_dim ? soft_floor : 1;
      if (*d > floor) {
        *d = std::max(floor, halve(*d));
        return true;
      }
    }
    for (std::int64_t* d : dims)
      if (*d > 1) {
        *d = halve(*d);
        return true;
      }
    return false;
  };
  for (int guard = 0; guard < 4096; ++guard) {
    const bool a_ok = fits_a(), b_ok = fits_b(), out_ok = fits_out();
    if (a_ok && b_ok && out_ok) break;
    bool progress = false;
    switch (pass) {
      case ConvPass::forward:
      case ConvPass::backward_data:
        if (!out_ok) progress = shrink({&blk_.images, &blk_.rows, &blk_.cols}, &blk_.cols, min_cols);
        else if (!a_ok) progress = shrink({&blk_.images, &blk_.rows, &blk_.red}, nullptr, 1);
        else progress = shrink({&blk_.red, &blk_.cols}, &blk_.cols, min_cols);
        break;
      case ConvPass::backward_weights:
        if (!out_ok) progress = shrink({&blk_.cols, &blk_.red}, nullptr, 1);
        else if (!a_ok) progress = shrink({&blk_.images, &blk_.rows, &blk_.red}, nullptr, 1);
        else progress = shrink({&blk_.images, &blk_.rows, &blk_.cols}, nullptr, 1);
        break;
    }
    if (!progress) {
      const char* buffer = !a_ok ? "ifmap" : !b_ok ? "filter" : "ofmap";
      const std::uint64_t need = !a_ok ? a_elements(blk_) * a_bytes : !b_ok ? b_elements(blk_) * b_bytes : out_elements(blk_) * out_bytes;
      const std::uint64_t have = !a_ok ? ifmap_slot : !b_ok ? filter_slot : ofmap_slot;
      throw std::runtime_error("the " + std::string(buffer) + " buffer is too small for the " + to_string(pass) +
                               " GEMM of this layer: its smallest block needs " + std::to_string(need) +
                               " bytes per slot, the buffer has " + std::to_string(have));
    }
  }
  // A block of part of an image's rows holds one image.
  if (blk_.rows < spatial_rows()) blk_.images = 1;
  count_images_ = ceil_div(shape.n, blk_.images);
  count_rows_ = ceil_div(spatial_rows(), blk_.rows);
  count_cols_ = ceil_div(col_outer(), blk_.cols);
  count_red_ = ceil_div(pass == ConvPass::backward_weights ? shape.k : red_outer(), blk_.red);
}

GemmDims ConvTiling::whole() const {
  const ConvShape& s = shape_;
  switch (pass_) {
    case ConvPass::forward: return {s.n * s.p() * s.q(), s.k, s.c * s.r * s.s};
    case ConvPass::backward_data: return {s.n * s.h * s.w, s.c, s.k * s.r * s.s};
    case ConvPass::backward_weights: return {s.k, s.c * s.r * s.s, s.n * s.p() * s.q()};
  }
  return {};
}

void ConvTiling::range(std::int64_t index, std::int64_t block, std::int64_t limit, std::int64_t& lo,
                       std::int64_t& len) const {
  lo = index * block;
  len = std::min(block, limit - lo);
}

ConvBlock ConvTiling::block(std::int64_t index) const {
  const ConvShape& s = shape_;
  ConvBlock b;
  std::int64_t img, row, col, red;
  if (pass_ != ConvPass::backward_weights) {
    red = index % count_red_;
    index /= count_red_;
    col = index % count_cols_;
    index /= count_cols_;
    row = index % count_rows_;
    img = index / count_rows_;
    b.first_reduction = red == 0;
    b.last_reduction = red == count_red_ - 1;
    b.output_block = (img * count_rows_ + row) * count_cols_ + col;
  } else {
    // Output blocks (k, c) outermost; the reduction (images, rows) innermost.
    const std::int64_t inner = count_images_ * count_rows_;
    const std::int64_t r_index = index % inner;
    b.output_block = index / inner;
    row = r_index % count_rows_;
    img = r_index / count_rows_;
    col = b.output_block % count_cols_;
    red = b.output_block / count_cols_;
    b.first_reduction = r_index == 0;
    b.last_reduction = r_index == inner - 1;
  }
  range(img, blk_.images, s.n, b.n0, b.nn);
  range(row, blk_.rows, spatial_rows(), b.y0, b.ny);
  range(col, blk_.cols, col_outer(), b.c0, b.nc);
  range(red, blk_.red, pass_ == ConvPass::backward_weights ? s.k : red_outer(), b.r0, b.nr);
  std::int64_t lo = 0, len = 0;
  switch (pass_) {
    case ConvPass::forward:
      input_rows(s, b.y0, b.ny, lo, len);
      b.a = {b.n0, b.nn, b.r0, b.nr, lo, len, 0, s.w};
      b.b = {b.c0, b.nc, b.r0, b.nr, 0, s.r, 0, s.s};
      b.out = {b.n0, b.nn, b.c0, b.nc, b.y0, b.ny, 0, s.q()};
      b.dims = {b.nn * b.ny * s.q(), b.nc, b.nr * s.r * s.s};
      break;
    case ConvPass::backward_data:
      error_rows(s, b.y0, b.ny, lo, len);
      b.a = {b.n0, b.nn, b.r0, b.nr, lo, len, 0, s.q()};
      b.b = {b.r0, b.nr, b.c0, b.nc, 0, s.r, 0, s.s};
      b.out = {b.n0, b.nn, b.c0, b.nc, b.y0, b.ny, 0, s.w};
      b.dims = {b.nn * b.ny * s.w, b.nc, b.nr * s.r * s.s};
      break;
    case ConvPass::backward_weights:
      input_rows(s, b.y0, b.ny, lo, len);
      b.a = {b.n0, b.nn, b.r0, b.nr, b.y0, b.ny, 0, s.q()};
      b.b = {b.n0, b.nn, b.c0, b.nc, lo, len, 0, s.w};
      b.out = {b.r0, b.nr, b.c0, b.nc, 0, s.r, 0, s.s};
      b.dims = {b.nr, b.nc * s.r * s.s, b.nn * b.ny * s.q()};
      break;
  }
  return b;
}

}  // namespace qtsim::hw
