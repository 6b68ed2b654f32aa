// Integer conv2d: exact sums at the sum of the operands' finest exponents,
// saturating in the canonical orders of docs/NUMERICS.md §5 when the
// accumulator is narrow.
//   fast path   no partial sum can leave the accumulator range and the operands
//               fit int16: any order is exact, and the virtual-grid kernels run
//               (conv_vgrid.hpp) with no patch matrix;
//   otherwise   patch matrices for gemm_int (which saturates in the canonical
//               order where it must), or for strided backward-data direct loops
//               in (k, r, s) order.
#include <algorithm>
#include <array>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "conv_common.hpp"
#include "conv_vgrid.hpp"
#include "dense.hpp"
#include "gemm.hpp"
#include "im2col.hpp"

namespace qtsim::ref {
namespace {

using namespace conv_detail;

// Backward-weights lowers x into blocks of patch rows of at most this many
// elements (all pixels of the batch per row), bounding the scratch memory.
constexpr i64 kLoweredElements = i64{8} << 20;

i64 patch_rows_per_block(const ConvGeometry& g) {
  const i64 rows = kLoweredElements / std::max<i64>(1, g.batch * g.out_pixels());
  return std::clamp<i64>(rows / 16 * 16, 16, g.patch());  // whole 16-row micro-tiles
}

// Largest sum over (n, pixel) of |dy[n][k][pixel]| over channels k.
std::uint64_t max_channel_sum(const std::int32_t* dy, i64 batch, i64 channels, i64 pixels) {
  std::vector<std::uint64_t> sums(static_cast<std::size_t>(channels), 0);
  for (i64 n = 0; n < batch; ++n)
    for (i64 k = 0; k < channels; ++k) {
      const std::int32_t* v = dy + (n * channels + k) * pixels;
      std::int64_t s = 0;
      for (i64 i = 0; i < pixels; ++i) s += std::abs(std::int64_t{v[i]});
      sums[k] += static_cast<std::uint64_t>(s);
    }
  return sums.empty() ? 0 : *std::max_element(sums.begin(), sums.end());
}

u128 acc_range(int acc_bits) { return (u128{1} << (acc_bits - 1)) - 1; }

// The tightest cheap proof that backward-weights cannot saturate: no partial sum
// of dw[k, crs], in any order, exceeds the sum of its terms' magnitudes,
// sum over (n, p, q) of |dy[n, k, p, q]| * |x at the tap|, and the fast kernel
// computes those sums exactly from |x| and |dy|. True when every one fits the range.
bool magnitude_sums_within(const IntOperand& x, std::uint64_t bx, const IntOperand& dy, std::uint64_t bdy,
                           const ConvGeometry& g, u128 range) {
  if (bx > 32767 || bdy > 32767) return false;
  auto magnitudes = [](const IntOperand& t) {
    std::vector<std::int32_t> m(static_cast<std::size_t>(t.size()));
    const std::int32_t* v = t.data();
    parallel_for(0, t.size(), [&](i64 b, i64 e) {
      for (i64 i = b; i < e; ++i)  // capped at 2^31 - 1: larger than any bound the kernel accepts
        m[i] = static_cast<std::int32_t>(std::min<std::int64_t>(std::abs(std::int64_t{v[i]}), std::int64_t{std::numeric_limits<std::int32_t>::max()}));
    }, 16384);
    return m;
  };
  const std::vector<std::int32_t> ax = magnitudes(x), ady = magnitudes(dy);
  std::vector<std::int64_t> sums(static_cast<std::size_t>(g.filters * g.patch()));
  if (!vgrid::int_backward_weights(ax.data(), bx, ady.data(), bdy, g, sums.data())) return false;
  return u128(*std::max_element(sums.begin(), sums.end())) <= range;
}

void check_acc_bits(int acc_bits, const char* op) {
  if (acc_bits < 2 || acc_bits > 64) throw std::invalid_argument(std::string(op) + ": acc_bits must be 2..64");
}

// The largest |value| a quantized tensor's format allows, at its finest exponent:
// 2^(bits-1) - 1, shifted left by flag_shift when flagged. 0 if not a small number.
std::uint64_t format_bound(const QTensor& t) {
  if (t.bits < 2 || t.bits > 17) return 0;
  const int shift = t.flagged() ? t.flag_shift : 0;
  if (shift < 0 || shift > 16) return 0;
  return ((std::uint64_t{1} << (t.bits - 1)) - 1) << shift;
}

// A bound on |v| for choosing the fast path: the format's when it fits int16 (the
// fast kernels check every element against it and decline if one exceeds it),
// else the actual maximum.
std::uint64_t operand_bound(const QTensor& t, const IntOperand& op) {
  const std::uint64_t f = format_bound(t);
  return f != 0 && f <= 32767 ? f : op.max_abs();
}

std::uint64_t forward_int(const std::int32_t* x, const ConvGeometry& g, const std::int32_t* w, std::int64_t* y,
                          int acc_bits) {
  const i64 K = g.filters, CRS = g.patch(), PQ = g.out_pixels();
  const ImageGroups groups = image_groups(g);
  std::atomic<std::uint64_t> saturations{0};
  for_each_group(groups, [&](i64 n0, i64 n1) {
    const i64 pixels = (n1 - n0) * PQ;
    std::int32_t* patches = scratch<std::int32_t, Slot::lowered>(groups.size * PQ * CRS);  // [pixel][crs]
    im2col_pixel_major(x, g, n0, n1, 0, CRS, patches);
    if (n1 - n0 == 1) {
      saturations += gemm_int(K, PQ, CRS, w, patches, y + n0 * K * PQ, acc_bits);
    } else {
      std::int64_t* out = scratch<std::int64_t, Slot::result>(K * groups.size * PQ);  // [k][pixel]
      saturations += gemm_int(K, pixels, CRS, w, patches, out, acc_bits);
      channel_major_to_images(out, n0, n1, K, PQ, y);
    }
  });
  return saturations;
}

// With stride 1 (and pad < R), dx[c,h,w] = sum over (k, r, s) of
// w[k,c,r,s] * dy[k, h+pad-r, w+pad-s] is a forward conv of dy (padded by
// R-1-pad, kernel taps flipped) with the weights' channel axes swapped. It needs
// no col2im scatter, and its patch rows run in the canonical (k, r, s) order.
bool backward_data_is_a_forward_conv(const ConvGeometry& g) { return g.stride == 1 && g.pad < g.kernel; }

ConvGeometry transposed_geometry(const ConvGeometry& g) {
  ConvGeometry t = g;
  t.channels = g.filters;
  t.height = g.out_height;
  t.width = g.out_width;
  t.filters = g.channels;
  t.pad = g.kernel - 1 - g.pad;
  t.out_height = g.height;
  t.out_width = g.width;
  t.flipped_kernel = true;
  return t;
}

// w_swapped[c][k][r][s] = w[k][c][r][s].
template <typename T>
std::vector<T> channels_swapped(const T* w, const ConvGeometry& g) {
  const i64 K = g.filters, C = g.channels, RR = g.kernel * g.kernel;
  std::vector<T> out(static_cast<std::size_t>(K * C * RR));
  for (i64 k = 0; k < K; ++k)
    for (i64 c = 0; c < C; ++c) std::copy_n(w + (k * C + c) * RR, RR, out.begin() + (c * K + k) * RR);
  return out;
}

// Copies columns [col0, col0 + width) of a rows x width block into a rows x cols matrix.
template <typename T>
void scatter_columns(const T* block, i64 rows, i64 width, T* dst, i64 cols, i64 col0) {
  for (i64 r = 0; r < rows; ++r) std::copy_n(block + r * width, width, dst + r * cols + col0);
}

// ---- strided integer backward-data in the canonical order ----
// dx[n,c,h,w] sums, in increasing (k, r, s), the terms whose output position
// p = (h + pad - r) / stride, q = (w + pad - s) / stride exists. (With stride 1
// the transposed forward conv above does this through gemm_int.)

struct Tap {
  i64 kernel_index;  // r (or s)
  i64 output_index;  // p (or q)
};

// taps[h] = the (r, p) of input row h, in increasing r.
std::vector<std::vector<Tap>> input_taps(i64 size, i64 kernel, i64 stride, i64 pad, i64 outputs) {
  std::vector<std::vector<Tap>> taps(static_cast<std::size_t>(size));
  for (i64 h = 0; h < size; ++h)
    for (i64 r = 0; r < kernel; ++r) {
      const i64 t = h + pad - r;
      if (t >= 0 && t % stride == 0 && t / stride < outputs) taps[h].push_back({r, t / stride});
    }
  return taps;
}

std::size_t most_taps(const std::vector<std::vector<Tap>>& taps) {
  std::size_t m = 0;
  for (const auto& t : taps) m = std::max(m, t.size());
  return m;
}

// One 64-byte vector of saturating accumulators (and their saturation counts):
// acc = saturate(acc + d * w) lane by lane. GCC vector extensions make sure it
// vectorizes and stays in registers; 128-bit lanes have no vector type and use
// a plain array.
template <typename T>
struct LaneStorage {
  using type = std::array<T, 64 / sizeof(T)>;
};
template <>
struct LaneStorage<std::int32_t> {
  typedef std::int32_t type __attribute__((vector_size(64)));
};
template <>
struct LaneStorage<std::int64_t> {
  typedef std::int64_t type __attribute__((vector_size(64)));
};

template <typename T>
struct SaturatingLanes {
  static constexpr int lanes = static_cast<int>(64 / sizeof(T));
  using Storage = typename LaneStorage<T>::type;
  Storage acc{}, count{};

  void add(T d, const T* w, T hi) {
    if constexpr (sizeof(T) <= 8) {
      Storage wv;
      std::memcpy(&wv, w, sizeof wv);
      const Storage hi_v = Storage{} + hi, lo_v = Storage{} - hi;
      const Storage sum = acc + d * wv;
      const Storage clamped = sum < lo_v ? lo_v : (sum > hi_v ? hi_v : sum);
      count -= (clamped != sum);  // a true comparison is -1
      acc = clamped;
    } else {
      for (int l = 0; l < lanes; ++l) {
        const T sum = acc[l] + d * w[l];
        const T clamped = sum < -hi ? -hi : (sum > hi ? hi : sum);
        count[l] += static_cast<T>(clamped != sum);
        acc[l] = clamped;
      }
    }
  }
};

constexpr i64 kPixelsAtOnce = 4;

// Vectorized over input channels (lanes of T, each its own sequential sum).
template <typename T>
std::uint64_t backward_data_canonical(const IntOperand& dy, const IntOperand& w, const ConvGeometry& g, T hi,
                                      const std::vector<std::vector<Tap>>& row_taps,
                                      const std::vector<std::vector<Tap>>& col_taps, std::int64_t* dx) {
  constexpr int lanes = SaturatingLanes<T>::lanes;
  const i64 K = g.filters, C = g.channels, R = g.kernel, H = g.height, W = g.width, Q = g.out_width;
  const i64 PQ = g.out_pixels(), padded_c = (C + lanes - 1) / lanes * lanes;
  std::vector<T> wt(static_cast<std::size_t>(K * R * R * padded_c), T{0});  // [k][r][s][c]
  for (i64 k = 0; k < K; ++k)
    for (i64 c = 0; c < C; ++c)
      for (i64 rs = 0; rs < R * R; ++rs) wt[(k * R * R + rs) * padded_c + c] = w.data()[(k * C + c) * R * R + rs];
  std::atomic<std::uint64_t> saturations{0};
  parallel_for(0, g.batch * H, [&](i64 b, i64 e) {
    std::uint64_t local = 0;
    for (i64 nh = b; nh < e; ++nh) {
      const i64 n = nh / H, h = nh % H;
      // A few neighbouring pixels at a time: their sums are independent chains
      // the CPU overlaps, while each one still runs in (k, r, s) order.
      for (i64 x0 = 0; x0 < W; x0 += kPixelsAtOnce) {
        const i64 pixels = std::min(kPixelsAtOnce, W - x0);
        for (i64 c0 = 0; c0 < C; c0 += lanes) {
          SaturatingLanes<T> sums[kPixelsAtOnce];
          for (i64 k = 0; k < K; ++k) {
            const std::int32_t* dy_plane = dy.data() + (n * K + k) * PQ;
            for (const Tap& rp : row_taps[h])
              for (i64 j = 0; j < pixels; ++j)
                for (const Tap& sq : col_taps[x0 + j]) {
                  const T d = dy_plane[rp.output_index * Q + sq.output_index];
                  if (d == 0) continue;  // adding 0 to an in-range sum changes nothing
                  const T* w_row = wt.data() + ((k * R + rp.kernel_index) * R + sq.kernel_index) * padded_c + c0;
                  sums[j].add(d, w_row, hi);
                }
          }
          for (i64 j = 0; j < pixels; ++j)
            for (i64 l = 0; l < std::min<i64>(lanes, C - c0); ++l) {
              dx[((n * C + c0 + l) * H + h) * W + x0 + j] = static_cast<std::int64_t>(sums[j].acc[l]);
              local += static_cast<std::uint64_t>(sums[j].count[l]);
            }
        }
      }
    }
    saturations += local;
  }, std::max<i64>(1, 64 / std::max<i64>(1, W)));
  return saturations;
}

}  // namespace

// ---------------------------------------------------------------------------
// Integer: exact sums at the sum of the operands' finest exponents.

WideTensor conv2d_forward(const QTensor& x, const QTensor& w, std::int64_t stride, std::int64_t pad, int acc_bits,
                          std::uint64_t* acc_saturations) {
  const ConvGeometry g = conv_geometry(x.shape, w.shape, stride, pad);
  check_size(x, x.shape, "conv2d_forward");
  check_size(w, w.shape, "conv2d_forward");
  check_acc_bits(acc_bits, "conv2d_forward");
  const IntOperand xi(x), wi(w);
  WideTensor y(g.output_shape(), xi.exp() + wi.exp());
  // Fast path: at most C*R*R products per output, so no partial sum can leave the range.
  const std::uint64_t bx = operand_bound(x, xi), bw = wi.max_abs();
  if (u128(g.patch()) * bx * bw <= acc_range(acc_bits) && vgrid::int_forward(xi.data(), bx, wi.data(), bw, g, y.v.data()))
    return y;
  const std::uint64_t saturations = forward_int(xi.data(), g, wi.data(), y.v.data(), acc_bits);
  if (acc_saturations) *acc_saturations += saturations;
  return y;
}

WideTensor conv2d_backward_data(const QTensor& dy, const QTensor& w, const Shape& x_shape, std::int64_t stride,
                                std::int64_t pad, int acc_bits, std::uint64_t* acc_saturations) {
  const ConvGeometry g = conv_geometry(x_shape, w.shape, stride, pad);
  check_dy_shape(dy.shape, g, "conv2d_backward_data");
  check_size(dy, dy.shape, "conv2d_backward_data");
  check_size(w, w.shape, "conv2d_backward_data");
  check_acc_bits(acc_bits, "conv2d_backward_data");
  const IntOperand dyi(dy), wi(w);
  WideTensor dx(x_shape, dyi.exp() + wi.exp());
  const i64 K = g.filters, CRS = g.patch(), PQ = g.out_pixels();

  // Fast path: each dx element sums at most K * ceil(R/stride)^2 products.
  const std::uint64_t bdy = operand_bound(dy, dyi), bw = wi.max_abs();
  const i64 taps = (g.kernel + g.stride - 1) / g.stride;
  if (u128(K) * u128(taps * taps) * bdy * bw <= acc_range(acc_bits)) {
    if (vgrid::int_backward_data(dyi.data(), bdy, wi.data(), bw, g, dx.v.data())) return dx;
    std::fill(dx.v.begin(), dx.v.end(), std::int64_t{0});  // declined part way: the paths below start from 0
  }

  // Stride 1: a forward conv whose patch rows run in (k, r, s) order; the terms it
  // adds for taps outside dy are zeros, which change no saturating sum.
  if (backward_data_is_a_forward_conv(g)) {
    const std::vector<std::int32_t> w_swapped = channels_swapped(wi.data(), g);
    const std::uint64_t saturations =
        forward_int(dyi.data(), transposed_geometry(g), w_swapped.data(), dx.v.data(), acc_bits);
    if (acc_saturations) *acc_saturations += saturations;
    return dx;
  }

  const auto row_taps = input_taps(g.height, g.kernel, g.stride, g.pad, g.out_height);
  const auto col_taps = input_taps(g.width, g.kernel, g.stride, g.pad, g.out_width);
  const std::int64_t hi = static_cast<std::int64_t>((u128{1} << (acc_bits - 1)) - 1);
  const u128 max_product = u128{dyi.max_abs()} * wi.max_abs();
  const u128 max_terms = u128(K) * most_taps(row_taps) * most_taps(col_taps);

  if (max_terms * max_product > u128(hi)) {  // may saturate: direct loops in the canonical order
    const u128 worst_sum = u128(hi) + max_product;
    std::uint64_t saturations;
    if (worst_sum <= u128(std::numeric_limits<std::int32_t>::max()))
      saturations = backward_data_canonical<std::int32_t>(dyi, wi, g, static_cast<std::int32_t>(hi), row_taps, col_taps,
                                                          dx.v.data());
    else if (worst_sum <= u128(std::numeric_limits<std::int64_t>::max()))
      saturations = backward_data_canonical<std::int64_t>(dyi, wi, g, hi, row_taps, col_taps, dx.v.data());
    else
      saturations = backward_data_canonical<__int128>(dyi, wi, g, hi, row_taps, col_taps, dx.v.data());
    if (acc_saturations) *acc_saturations += saturations;
    return dx;
  }

  // Cannot saturate: any order is exact. GEMM to patch columns, then col2im in int64.
  std::vector<std::int32_t> w_t(static_cast<std::size_t>(CRS * K));  // [crs][k]
  transpose(wi.data(), K, CRS, w_t.data());
  const ImageGroups groups = image_groups(g);
  for_each_group(groups, [&](i64 n0, i64 n1) {
    const i64 pixels = (n1 - n0) * PQ;
    std::int32_t* dy_pixels = scratch<std::int32_t, Slot::operand>(groups.size * PQ * K);  // [pixel][k]
    std::int64_t* cols = scratch<std::int64_t, Slot::result>(CRS * groups.size * PQ);
    images_to_pixel_major(dyi.data(), n0, n1, K, PQ, dy_pixels);
    gemm_int(CRS, pixels, K, w_t.data(), dy_pixels, cols, 64);
    col2im_add(cols, g, n0, n1, dx.v.data());
  });
  return dx;
}

// dw[k][crs] sums over (n, p, q) of dy[k][pixel] * patches[crs][pixel].
WideTensor conv2d_backward_weights(const QTensor& x, const QTensor& dy, const Shape& w_shape, std::int64_t stride,
                                   std::int64_t pad, int acc_bits, std::uint64_t* acc_saturations) {
  const ConvGeometry g = conv_geometry(x.shape, w_shape, stride, pad);
  check_dy_shape(dy.shape, g, "conv2d_backward_weights");
  check_size(x, x.shape, "conv2d_backward_weights");
  check_size(dy, dy.shape, "conv2d_backward_weights");
  check_acc_bits(acc_bits, "conv2d_backward_weights");
  const IntOperand xi(x), dyi(dy);
  WideTensor dw(w_shape, xi.exp() + dyi.exp());
  const i64 K = g.filters, CRS = g.patch(), PQ = g.out_pixels(), pixels = g.batch * PQ;
  const u128 range = acc_range(acc_bits);

  // |partial sum| <= sum_pixels |dy[k]| * max|x| <= pixels * max|dy| * max|x|: when
  // that fits, no order can saturate.
  std::uint64_t channel_sum = 0;
  bool have_channel_sum = false;
  const auto max_dy_channel_sum = [&] {
    if (!have_channel_sum) channel_sum = max_channel_sum(dyi.data(), g.batch, K, PQ);
    have_channel_sum = true;
    return channel_sum;
  };
  const std::uint64_t bx = operand_bound(x, xi), bdy = operand_bound(dy, dyi);
  if ((u128(pixels) * bdy * bx <= range || u128{max_dy_channel_sum()} * bx <= range ||
       magnitude_sums_within(xi, bx, dyi, bdy, g, range)) &&
      vgrid::int_backward_weights(xi.data(), bx, dyi.data(), bdy, g, dw.v.data()))
    return dw;
  // Cannot saturate, with wider operands: the batch is summed in groups of images.
  if (u128{max_dy_channel_sum()} * xi.max_abs() <= range) {
    const ImageGroups groups = image_groups(g, 4096);
    // Threads sum disjoint runs of groups into their own partial dw, added up at the end.
    const i64 slots = groups.spread_over_threads() ? thread_count() : 1;
    std::vector<std::int64_t> partials(static_cast<std::size_t>((slots - 1) * K * CRS), 0);
    parallel_for(0, slots, [&](i64 s0, i64 s1) {
      for (i64 slot = s0; slot < s1; ++slot) {
        std::int64_t* sum = slot == 0 ? dw.v.data() : partials.data() + (slot - 1) * K * CRS;
        std::int32_t* dy_rows = scratch<std::int32_t, Slot::operand>(K * groups.size * PQ);    // [k][pixel]
        std::int32_t* patches = scratch<std::int32_t, Slot::lowered>(CRS * groups.size * PQ);  // [crs][pixel]
        std::int64_t* part = scratch<std::int64_t, Slot::result>(K * CRS);
        for (i64 i = groups.count * slot / slots; i < groups.count * (slot + 1) / slots; ++i) {
          const i64 n0 = groups.begin(i), n1 = groups.end(i);
          images_to_channel_major(dyi.data(), n0, n1, K, PQ, dy_rows);
          im2col_patch_major(xi.data(), g, n0, n1, 0, CRS, patches);
          gemm_int(K, CRS, (n1 - n0) * PQ, dy_rows, patches, part, 64);
          for (i64 j = 0; j < K * CRS; ++j) sum[j] += part[j];
        }
      }
    });
    for (i64 slot = 1; slot < slots; ++slot)
      for (i64 j = 0; j < K * CRS; ++j) dw.v[j] += partials[(slot - 1) * K * CRS + j];
    return dw;
  }

  // May saturate: one canonical sum over all pixels per element, in blocks of patch rows.
  std::int32_t* dy_rows = scratch<std::int32_t, Slot::operand>(K * pixels);  // [k][pixel]
  images_to_channel_major(dyi.data(), 0, g.batch, K, PQ, dy_rows);
  const i64 block = patch_rows_per_block(g);
  std::int32_t* patches = scratch<std::int32_t, Slot::lowered>(block * pixels);  // [crs][pixel]
  std::int64_t* out = scratch<std::int64_t, Slot::result>(K * block);
  std::uint64_t saturations = 0;
  for (i64 crs0 = 0; crs0 < CRS; crs0 += block) {
    const i64 rows = std::min(block, CRS - crs0);
    im2col_patch_major(xi.data(), g, 0, g.batch, crs0, crs0 + rows, patches);
    saturations += gemm_int(K, rows, pixels, dy_rows, patches, out, acc_bits);
    scatter_columns(out, K, rows, dw.v.data(), CRS, crs0);
  }
  if (acc_saturations) *acc_saturations += saturations;
  return dw;
}

}  // namespace qtsim::ref
