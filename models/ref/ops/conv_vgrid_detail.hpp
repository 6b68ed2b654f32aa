#pragma once
// Geometry and packing shared by the integer and float virtual-grid convolutions
// (conv_vgrid.hpp). Internal to conv_vgrid_*.cpp.
#include <algorithm>
#include <cstdint>
#include <vector>

#include "../parallel.hpp"
#include "im2col.hpp"

namespace qtsim::ref::vgrid::detail {

using i64 = std::int64_t;

inline i64 ceil_div(i64 a, i64 b) { return (a + b - 1) / b; }
inline i64 round_up(i64 v, i64 m) { return ceil_div(v, m) * m; }

// Zero-padded phase planes of one image: element (i, j) of plane (c, a, b) is the
// source element (i * stride + a - pad_top, j * stride + b - pad_left), 0 outside.
// Planes are stored one after another: [channel][a][b][rows][cols].
struct Planes {
  i64 channels = 0, stride = 1, rows = 0, cols = 0;
  i64 pad_top = 0, pad_left = 0;
  i64 plane() const { return rows * cols; }
  i64 offset(i64 c, i64 a, i64 b) const { return ((c * stride + a) * stride + b) * plane(); }
  i64 elements() const { return channels * stride * stride * plane(); }
  // Where tap (r, s) of channel c reads for virtual pixel 0 (add t for pixel t).
  i64 tap(i64 c, i64 r, i64 s) const { return offset(c, r % stride, s % stride) + r / stride * cols + s / stride; }
};

// The output grid of one pass: `rows` x `cols` valid outputs of virtual width
// `width` (virtual pixel t = i * width + j). Output (f, i, j) of an image is at
// f * plane_stride + i * row_stride + j * col_stride + base.
struct Grid {
  i64 rows = 0, cols = 0, width = 0;
  i64 plane_stride = 0, row_stride = 0, col_stride = 1, base = 0;
  i64 virtual_pixels() const { return rows * width; }
};

// Forward: the input's phase planes and the output grid.
inline Planes forward_planes(const ConvGeometry& g, i64 channels) {
  Planes p;
  p.channels = channels;
  p.stride = g.stride;
  p.rows = ceil_div(g.height + 2 * g.pad, g.stride);
  p.cols = ceil_div(g.width + 2 * g.pad, g.stride);
  p.pad_top = p.pad_left = g.pad;
  return p;
}

inline Grid forward_grid(const ConvGeometry& g, const Planes& p) {
  Grid o;
  o.rows = g.out_height;
  o.cols = g.out_width;
  o.width = p.cols;
  o.plane_stride = g.out_pixels();
  o.row_stride = g.out_width;
  return o;
}

// Backward-data: dx row h = stride * i + a gets the taps r with h + pad - r a
// multiple of the stride, at dy row i + (a + pad - r) / stride. Each phase (a, b)
// of dx is a stride-1 correlation over zero-padded dy.
struct DataPhase {
  Grid grid;
  std::vector<i64> taps_r, taps_s;  // increasing
  std::vector<i64> rows_r, cols_s;  // dy row / column offsets of the taps (may be negative)
};

struct DataPlan {
  Planes dy;  // stride 1
  std::vector<DataPhase> phases;
};

inline DataPlan backward_data_plan(const ConvGeometry& g, i64 channels) {
  const i64 st = g.stride, R = g.kernel;
  DataPlan plan;
  i64 top = 0, left = 0, bottom = g.out_height, right = g.out_width;  // dy extent needed, before padding
  for (i64 a = 0; a < st; ++a)
    for (i64 b = 0; b < st; ++b) {
      DataPhase ph;
      ph.grid.rows = a < g.height ? ceil_div(g.height - a, st) : 0;
      ph.grid.cols = b < g.width ? ceil_div(g.width - b, st) : 0;
      ph.grid.plane_stride = g.height * g.width;
      ph.grid.row_stride = st * g.width;
      ph.grid.col_stride = st;
      ph.grid.base = a * g.width + b;
      for (i64 r = 0; r < R; ++r)
        if (((a + g.pad - r) % st + st) % st == 0) {
          ph.taps_r.push_back(r);
          ph.rows_r.push_back((a + g.pad - r) / st);
        }
      for (i64 s = 0; s < R; ++s)
        if (((b + g.pad - s) % st + st) % st == 0) {
          ph.taps_s.push_back(s);
          ph.cols_s.push_back((b + g.pad - s) / st);
        }
      if (ph.grid.rows == 0 || ph.grid.cols == 0) continue;
      if (ph.taps_r.empty() || ph.taps_s.empty()) {  // no term reaches this phase: it is all zeros
        ph.taps_r.clear();
        ph.taps_s.clear();
        ph.rows_r.clear();
        ph.cols_s.clear();
      }
      for (i64 off : ph.rows_r) {
        top = std::max(top, -off);
        bottom = std::max(bottom, ph.grid.rows + off);
      }
      for (i64 off : ph.cols_s) {
        left = std::max(left, -off);
        right = std::max(right, ph.grid.cols + off);
      }
      plan.phases.push_back(std::move(ph));
    }
  plan.dy.channels = channels;
  plan.dy.rows = top + bottom;
  plan.dy.cols = left + right;
  plan.dy.pad_top = top;
  plan.dy.pad_left = left;
  for (auto& ph : plan.phases) ph.grid.width = plan.dy.cols;
  return plan;
}

// |v| as unsigned (INT32_MIN included).
inline std::uint32_t magnitude(std::int32_t v) {
  return v < 0 ? 0u - static_cast<std::uint32_t>(v) : static_cast<std::uint32_t>(v);
}

// Register tile of the forward-type kernels: Rows output channels x Vecs vectors
// of virtual pixels (16 to 24 accumulators). Picks the shape that computes the
// fewest padded outputs for `filters` channels and `pixels` virtual pixels per
// image (lanes: pixels per vector), then calls fn.template operator()<Rows, Vecs>().
template <typename Fn>
decltype(auto) with_conv_tile(i64 filters, i64 pixels, i64 lanes, Fn&& fn) {
  struct Shape {
    int rows, vecs;
  };
  constexpr Shape shapes[] = {{8, 3}, {6, 4}, {16, 1}, {12, 2}, {4, 6}};
  int best = 0;
  double best_cost = 0;
  for (int i = 0; i < 5; ++i) {
    const double cost = double(round_up(filters, shapes[i].rows)) * double(round_up(pixels, shapes[i].vecs * lanes));
    if (i == 0 || cost < best_cost * 0.97) {  // a clear gain over the earlier (preferred) shapes
      best = i;
      best_cost = cost;
    }
  }
  switch (best) {
    case 1: return fn.template operator()<6, 4>();
    case 2: return fn.template operator()<16, 1>();
    case 3: return fn.template operator()<12, 2>();
    case 4: return fn.template operator()<4, 6>();
    default: return fn.template operator()<8, 3>();
  }
}

// Per-thread memory kept between calls (allocating afresh would page-fault on
// every call). One buffer per (type, slot); a pointer stays valid until the same
// thread asks the same slot for more.
enum class Slot { input, input2, operand, weights, partial };

template <typename T, Slot slot>
T* scratch(i64 elements) {
  static thread_local std::vector<T> buffer;
  if (static_cast<i64>(buffer.size()) < elements) buffer.resize(static_cast<std::size_t>(elements));
  return buffer.data();
}

// Work items over the images of a batch, each image split into `blocks` pieces of
// output channels when there are too few images to keep every thread busy.
struct ImageItems {
  i64 images = 0, blocks = 1;
  i64 count() const { return images * blocks; }
};

inline ImageItems image_items(i64 images, i64 max_blocks) {
  ImageItems it{images, 1};
  const i64 wanted = 2 * i64{thread_count()};
  if (images < wanted) it.blocks = std::clamp<i64>(ceil_div(wanted, std::max<i64>(images, 1)), 1, max_blocks);
  return it;
}

}  // namespace qtsim::ref::vgrid::detail
