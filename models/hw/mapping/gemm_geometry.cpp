#include "gemm_geometry.hpp"

#include <algorithm>
#include <numeric>
#include <stdexcept>

namespace qtsim::hw {

std::string to_string(ConvPass p) {
  switch (p) {
    case ConvPass::forward: return "forward";
    case ConvPass::backward_data: return "backward-data";
    case ConvPass::backward_weights: return "backward-weights";
  }
  return "?";
}

ConvShape ConvShape::one_group() const {
  ConvShape g = *this;
  g.c = group_channels();
  g.k = group_filters();
  g.groups = 1;
  return g;
}

GemmDims gemm_dims(ConvPass pass, const ConvShape& whole) {
  const ConvShape s = whole.one_group();
  switch (pass) {
    case ConvPass::forward: return {s.n * s.p() * s.q(), s.k, s.c * s.r * s.s};
    case ConvPass::backward_data: return {s.n * s.h * s.w, s.c, s.k * s.r * s.s};
    case ConvPass::backward_weights: return {s.k, s.c * s.r * s.s, s.n * s.p() * s.q()};
  }
  return {};
}

std::int64_t BoxSet::numel() const {
  std::int64_t n = 0;
  for (const Box& b : boxes) n += b.numel();
  return n;
}

const Box& BoxSet::box_of_image(std::int64_t n, std::int64_t& base) const {
  base = 0;
  for (const Box& b : boxes) {
    if (n >= b.n0 && n < b.n0 + b.nn) return b;
    base += b.numel();
  }
  throw std::logic_error("image outside the operand's boxes (a mapping bug)");
}

std::int64_t BoxSet::offset_of(std::int64_t n, std::int64_t c, std::int64_t h, std::int64_t w) const {
  std::int64_t base = 0;
  const Box& b = box_of_image(n, base);
  return base + (((n - b.n0) * b.nc + (c - b.c0)) * b.nh + (h - b.h0)) * b.nw + (w - b.w0);
}

namespace {

// A flat index i = (i0 * d1 + i1) * d2 + i2 (i2 fastest) cut into boxes:
// i0 in [i0, i0 + n0), i1 in [i1, i1 + n1), i2 in [i2, i2 + n2).
struct Piece {
  std::int64_t i0, n0, i1, n1, i2, n2;
};

// The range [lo, hi) as at most five pieces: a partial row, partial rows of
// the first i0, whole i0 blocks, rows of the last i0, a partial last row.
std::vector<Piece> pieces(IndexRange r, std::int64_t d1, std::int64_t d2) {
  std::vector<Piece> out;
  std::int64_t pos = r.lo;
  while (pos < r.hi) {
    const std::int64_t i0 = pos / (d1 * d2), rem = pos % (d1 * d2), i1 = rem / d2, i2 = rem % d2;
    const std::int64_t left = r.hi - pos;
    if (i2 != 0 || left < d2) {
      const std::int64_t n2 = std::min(d2 - i2, left);
      out.push_back({i0, 1, i1, 1, i2, n2});
      pos += n2;
    } else if (i1 != 0 || left < d1 * d2) {
      const std::int64_t n1 = std::min(d1 - i1, left / d2);
      out.push_back({i0, 1, i1, n1, 0, d2});
      pos += n1 * d2;
    } else {
      const std::int64_t n0 = left / (d1 * d2);
      out.push_back({i0, n0, 0, d1, 0, d2});
      pos += n0 * d1 * d2;
    }
  }
  return out;
}

// Runs of images and the rows [row_lo, row_hi) each needs, covering the range:
// the partial first image, the whole images, the partial last image.
struct ImageRun {
  std::int64_t n0, nn, row_lo, row_hi;
};

std::vector<ImageRun> image_runs(IndexRange r, std::int64_t rows, std::int64_t cols) {
  std::vector<ImageRun> runs;
  for (const Piece& p : pieces(r, rows, cols)) {
    const bool whole = p.i1 == 0 && p.n1 == rows;
    if (!runs.empty()) {
      ImageRun& last = runs.back();
      const bool last_whole = last.row_lo == 0 && last.row_hi == rows;
      if (p.i0 == last.n0 + last.nn - 1 && p.n0 == 1) {  // more rows of the same image
        last.row_lo = std::min(last.row_lo, p.i1);
        last.row_hi = std::max(last.row_hi, p.i1 + p.n1);
        continue;
      }
      if (whole && last_whole && p.i0 == last.n0 + last.nn) {
        last.nn += p.n0;
        continue;
      }
    }
    runs.push_back({p.i0, p.n0, p.i1, p.i1 + p.n1});
  }
  return runs;
}

// Channels spanned by a (c, r, s) range with taps per channel `taps`.
void channel_span(IndexRange r, std::int64_t taps, std::int64_t& c0, std::int64_t& nc) {
  c0 = r.lo / taps;
  nc = (r.hi - 1) / taps + 1 - c0;
}

// Input rows read by output rows [p0, p1) of a conv, clipped to the image.
void input_rows(const ConvShape& s, std::int64_t p0, std::int64_t p1, std::int64_t& h0, std::int64_t& nh) {
  const std::int64_t a = std::max<std::int64_t>(0, p0 * s.stride - s.pad);
  const std::int64_t b = std::min(s.h, (p1 - 1) * s.stride - s.pad + s.r);
  h0 = std::min(a, s.h);
  nh = std::max<std::int64_t>(0, b - h0);
}

// Error rows p whose taps reach input rows [h0, h1) (backward-data).
void error_rows(const ConvShape& s, std::int64_t h0, std::int64_t h1, std::int64_t& p0, std::int64_t& np) {
  // p * stride = h + pad - r for some r in [0, R): p in [ceil((h0 + pad - R + 1) / stride), floor((h1 - 1 + pad) / stride)]
  const std::int64_t num = h0 + s.pad - s.r + 1;
  std::int64_t a = num >= 0 ? (num + s.stride - 1) / s.stride : -((-num) / s.stride);
  std::int64_t b = (h1 - 1 + s.pad) / s.stride + 1;
  a = std::clamp<std::int64_t>(a, 0, s.p());
  b = std::clamp<std::int64_t>(b, 0, s.p());
  p0 = a;
  np = std::max<std::int64_t>(0, b - a);
}

// Most values of an index of unit `unit` (e.g. rows of `unit` pixels) that a
// range of `t` consecutive indices starting at a multiple of `t` spans: the
// start's offset within a unit is a multiple of gcd(t, unit), at most unit - gcd.
std::int64_t span_bound(std::int64_t t, std::int64_t unit, std::int64_t count) {
  if (t <= 0) return 0;
  const std::int64_t g = std::gcd(t, unit);
  return std::min(count, (unit - g + t - 1) / unit + 1);
}

// Input rows (summed over image runs) read by a range of t output pixels.
std::int64_t input_rows_bound(const ConvShape& s, std::int64_t t) {
  const std::int64_t P = s.p(), Q = s.q();
  const std::int64_t rows = span_bound(t, Q, s.n * P), images = span_bound(t, P * Q, s.n);
  const std::int64_t halo = std::max<std::int64_t>(0, s.r - s.stride);
  return std::min(rows * s.stride + images * halo, images * s.h);
}

// The input x's boxes for output pixels `pixels` (n, p, q) and the channels
// that (c, r, s) indices `taps_of` span: per run of images, the input rows the
// output rows read.
BoxSet input_boxes(const ConvShape& s, IndexRange pixels, IndexRange taps_of) {
  BoxSet set;
  std::int64_t c0 = 0, nc = 0;
  channel_span(taps_of, s.r * s.s, c0, nc);
  for (const ImageRun& run : image_runs(pixels, s.p(), s.q())) {
    std::int64_t h0 = 0, nh = 0;
    input_rows(s, run.row_lo, run.row_hi, h0, nh);
    set.boxes.push_back({run.n0, run.nn, c0, nc, h0, nh, 0, s.w});
  }
  return set;
}

// Moves boxes computed for group 0 to the group's channels.
void shift_channels(BoxSet& set, std::int64_t by) {
  for (Box& b : set.boxes) b.c0 += by;
}

const ConvShape& checked_groups(const ConvShape& s) {
  if (s.groups < 1 || s.c % s.groups != 0 || s.k % s.groups != 0)
    throw std::invalid_argument("a grouped convolution needs channels and filters that are multiples of its groups");
  return s;
}

}  // namespace

GemmGeometry::GemmGeometry(ConvPass pass, const ConvShape& shape)
    : pass_(pass), shape_(checked_groups(shape).one_group()), groups_(shape.groups), dims_(gemm_dims(pass, shape)) {}

GroupOffsets GemmGeometry::group_offsets(std::int64_t group) const {
  return {group * shape_.c, group * shape_.k};
}

BoxSet GemmGeometry::a_boxes(const GemmTile& t) const {
  const ConvShape& s = shape_;
  const std::int64_t taps = s.r * s.s;
  BoxSet set;
  std::int64_t c0 = 0, nc = 0;
  const GroupOffsets at = group_offsets(t.group);
  switch (pass_) {
    case ConvPass::forward:  // x[n][c][h][w]
      set = input_boxes(s, t.m, t.k);
      shift_channels(set, at.x_channel);
      break;
    case ConvPass::backward_data:  // dy[n][k][p][q]
      channel_span(t.k, taps, c0, nc);
      for (const ImageRun& run : image_runs(t.m, s.h, s.w)) {
        std::int64_t p0 = 0, np = 0;
        error_rows(s, run.row_lo, run.row_hi, p0, np);
        set.boxes.push_back({run.n0, run.nn, at.y_channel + c0, nc, p0, np, 0, s.q()});
      }
      break;
    case ConvPass::backward_weights:  // dy[n][k][p][q]: rows k, reduction (n, p, q)
      for (const ImageRun& run : image_runs(t.k, s.p(), s.q()))
        set.boxes.push_back(
            {run.n0, run.nn, at.y_channel + t.m.lo, t.m.size(), run.row_lo, run.row_hi - run.row_lo, 0, s.q()});
      break;
  }
  return set;
}

BoxSet GemmGeometry::b_boxes(const GemmTile& t) const {
  const ConvShape& s = shape_;
  const std::int64_t taps = s.r * s.s;
  BoxSet set;
  std::int64_t c0 = 0, nc = 0;
  const GroupOffsets at = group_offsets(t.group);
  switch (pass_) {
    case ConvPass::forward:  // w[k][c][r][s]: columns k, reduction (c, r, s)
      channel_span(t.k, taps, c0, nc);
      set.boxes.push_back({at.y_channel + t.n.lo, t.n.size(), c0, nc, 0, s.r, 0, s.s});
      break;
    case ConvPass::backward_data:  // w[k][c][r][s]: reduction (k, r, s), columns c
      channel_span(t.k, taps, c0, nc);
      set.boxes.push_back({at.y_channel + c0, nc, t.n.lo, t.n.size(), 0, s.r, 0, s.s});
      break;
    case ConvPass::backward_weights:  // x: reduction (n, p, q), columns (c, r, s)
      set = input_boxes(s, t.k, t.n);
      shift_channels(set, at.x_channel);
      break;
  }
  return set;
}

std::vector<StridedBox> GemmGeometry::out_boxes(IndexRange m, IndexRange n, std::int64_t block_m0, std::int64_t block_n0,
                                                std::int64_t block_cols, std::int64_t group) const {
  const ConvShape& s = shape_;
  const GroupOffsets at = group_offsets(group);
  std::vector<StridedBox> out;
  if (pass_ == ConvPass::backward_weights) {
    // dw[k][c][r][s]: rows k, columns (c, r, s); matrix element (k, j) at (k - m0) * cols + (j - n0).
    for (const Piece& p : pieces(n, s.r, s.s)) {
      StridedBox b;
      b.box = {at.y_channel + m.lo, m.size(), p.i0, p.n0, p.i1, p.n1, p.i2, p.n2};
      b.stride = {block_cols, s.r * s.s, s.s, 1};
      b.base = (m.lo - block_m0) * block_cols + ((p.i0 * s.r + p.i1) * s.s + p.i2 - block_n0);
      out.push_back(b);
    }
    return out;
  }
  // y[n][k][p][q] (forward) or dx[n][c][h][w] (backward-data): rows are pixels, columns channels.
  const std::int64_t rows = pass_ == ConvPass::forward ? s.p() : s.h, cols = pass_ == ConvPass::forward ? s.q() : s.w;
  const std::int64_t channel0 = pass_ == ConvPass::forward ? at.y_channel : at.x_channel;
  for (const Piece& p : pieces(m, rows, cols)) {
    StridedBox b;
    b.box = {p.i0, p.n0, channel0 + n.lo, n.size(), p.i1, p.n1, p.i2, p.n2};
    b.stride = {rows * cols * block_cols, 1, cols * block_cols, block_cols};
    b.base = ((p.i0 * rows + p.i1) * cols + p.i2 - block_m0) * block_cols + (n.lo - block_n0);
    out.push_back(b);
  }
  return out;
}

std::int64_t GemmGeometry::a_elements_bound(std::int64_t tm, std::int64_t tk) const {
  const ConvShape& s = shape_;
  const std::int64_t taps = s.r * s.s;
  switch (pass_) {
    case ConvPass::forward: return span_bound(tk, taps, s.c) * input_rows_bound(s, tm) * s.w;
    case ConvPass::backward_data: {
      const std::int64_t rows = span_bound(tm, s.w, s.n * s.h), images = span_bound(tm, s.h * s.w, s.n);
      // Per run of images, input rows [h0, h0 + rows_i) reach error rows p with
      // p * stride in [h0 + pad - R + 1, h0 + rows_i - 1 + pad] (error_rows): at
      // most (rows_i + R - 2) / stride + 1 of them. Summed over the runs (each
      // at least one row), at most (rows + images (R - 2)) / stride + images.
      const std::int64_t err_rows = std::min(images * s.p(), (rows + images * (s.r - 2)) / s.stride + images);
      return span_bound(tk, taps, s.k) * err_rows * s.q();
    }
    case ConvPass::backward_weights: return tm * span_bound(tk, s.q(), s.n * s.p()) * s.q();
  }
  return 0;
}

std::int64_t GemmGeometry::b_elements_bound(std::int64_t tk, std::int64_t tn) const {
  const ConvShape& s = shape_;
  const std::int64_t taps = s.r * s.s;
  switch (pass_) {
    case ConvPass::forward: return tn * span_bound(tk, taps, s.c) * taps;
    case ConvPass::backward_data: return span_bound(tk, taps, s.k) * tn * taps;
    case ConvPass::backward_weights: return span_bound(tn, taps, s.c) * input_rows_bound(s, tk) * s.w;
  }
  return 0;
}

std::int64_t GemmGeometry::m_granule() const {
  switch (pass_) {
    case ConvPass::forward: return shape_.q();
    case ConvPass::backward_data: return shape_.w;
    case ConvPass::backward_weights: return 1;
  }
  return 1;
}

std::int64_t GemmGeometry::n_granule() const { return pass_ == ConvPass::backward_weights ? shape_.r * shape_.s : 1; }

std::int64_t GemmGeometry::k_granule() const {
  return pass_ == ConvPass::backward_weights ? shape_.q() : shape_.r * shape_.s;
}

}  // namespace qtsim::hw
