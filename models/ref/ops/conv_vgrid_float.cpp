// Float convolutions on virtual grids (conv_vgrid.hpp), bit for bit the
// canonical sequential sums: every output starts from 0.0f and adds its rounded
// products one at a time (a multiply and an add, no FMA: -ffp-contract=off) in
// the canonical order, whatever the tiling.
//   forward / backward-data (stride 1): output channels broadcast (weights),
//     virtual pixels in vector lanes, the k loop in (c, r, s) / (k, r, s) order;
//   backward-weights: weight rows (c, r, s) broadcast, filters in vector lanes,
//     the pixel loop in (n, p, q) order over the real pixels only.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#if defined(__AVX512F__)
#include <immintrin.h>
#endif

#include "conv_vgrid.hpp"
#include "conv_vgrid_detail.hpp"

namespace qtsim::ref::vgrid {
namespace {

using namespace detail;

#if defined(__AVX512F__)
constexpr int kVecLanes = 16;
#elif defined(__AVX__)
constexpr int kVecLanes = 8;
#else
constexpr int kVecLanes = 4;
#endif
using Vec = float __attribute__((vector_size(4 * kVecLanes)));

void load_vec(Vec& v, const float* p) { std::memcpy(&v, p, sizeof v); }
void store_vec(float* p, const Vec& v) { std::memcpy(p, &v, sizeof v); }

// dst[j] = src[j * step] for j < n: short runs, inline (no library call per run).
void copy_run(const float* src, i64 step, i64 n, float* dst) {
#if defined(__AVX512F__)
  if (step == 1) {
    for (i64 j = 0; j < n; j += 16) {
      const __mmask16 k = n - j >= 16 ? __mmask16(0xFFFF) : static_cast<__mmask16>((1u << (n - j)) - 1);
      _mm512_mask_storeu_ps(dst + j, k, _mm512_maskz_loadu_ps(k, src + j));
    }
    return;
  }
  if (step == 2) {  // the even elements of two vectors, reading nothing past the last one used
    const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    for (i64 j = 0; j < n; j += 16) {
      const i64 count = std::min<i64>(16, n - j), span = 2 * count - 1;
      const __mmask16 k = count == 16 ? __mmask16(0xFFFF) : static_cast<__mmask16>((1u << count) - 1);
      const __mmask16 lo = span >= 16 ? __mmask16(0xFFFF) : static_cast<__mmask16>((1u << span) - 1);
      const __mmask16 hi = span <= 16 ? __mmask16(0) : static_cast<__mmask16>((1u << (span - 16)) - 1);
      const float* in = src + 2 * j;
      _mm512_mask_storeu_ps(dst + j, k,
                            _mm512_permutex2var_ps(_mm512_maskz_loadu_ps(lo, in), even, _mm512_maskz_loadu_ps(hi, in + 16)));
    }
    return;
  }
#endif
  for (i64 j = 0; j < n; ++j) dst[j] = src[j * step];
}

// The planes of one image (zero padding) from src [channels][H][W].
void pack_image(const float* src, i64 H, i64 W, const Planes& pl, float* dst) {
  std::fill(dst, dst + pl.elements(), 0.0f);
  const i64 st = pl.stride;
  for (i64 c = 0; c < pl.channels; ++c)
    for (i64 a = 0; a < st; ++a)
      for (i64 b = 0; b < st; ++b) {
        const OutputRange rows = valid_outputs(a - pl.pad_top, st, H, pl.rows);
        const OutputRange run = valid_outputs(b - pl.pad_left, st, W, pl.cols);
        if (run.last <= run.first) continue;
        for (i64 i = rows.first; i < rows.last; ++i)
          copy_run(src + (c * H + i * st + a - pl.pad_top) * W + run.first * st + b - pl.pad_left, st,
                   run.last - run.first, dst + pl.offset(c, a, b) + i * pl.cols + run.first);
      }
}

// tile[r][l] = sum over k in [k0, k1), in order from 0.0f, of w[k][r] * img[boff[k] + l].
template <int Rows, int Vecs>
void conv_kernel(i64 k0, i64 k1, const float* w, i64 fpad, const float* img, const i64* boff, float* tile) {
  Vec acc[Rows][Vecs];
  for (int r = 0; r < Rows; ++r)
    for (int v = 0; v < Vecs; ++v) acc[r][v] = Vec{};
  for (i64 k = k0; k < k1; ++k) {
    const float* b = img + boff[k];
    Vec y[Vecs];
    for (int v = 0; v < Vecs; ++v) load_vec(y[v], b + v * kVecLanes);
    const float* wk = w + k * fpad;
    for (int r = 0; r < Rows; ++r) {
      const float a = wk[r];
      for (int v = 0; v < Vecs; ++v) acc[r][v] = acc[r][v] + a * y[v];
    }
  }
  for (int r = 0; r < Rows; ++r)
    for (int v = 0; v < Vecs; ++v) store_vec(tile + (r * Vecs + v) * kVecLanes, acc[r][v]);
}

// One output grid over an image's planes. The k entries form `segments` runs of
// `segment` entries: each run is summed from 0.0f, and the run sums are added in
// order to a total that starts at 0.0f (one run: the plain sequential sum).
struct ConvPlan {
  Grid grid;
  i64 K = 0, segment = 0;
  std::vector<i64> boff;  // [k] offset of the tap's plane (add the virtual pixel)
  std::vector<float> w;   // [k][fpad]
};

template <int Rows, int Vecs>
void run_plan(const ConvPlan& plan, i64 filters, i64 fpad, i64 f_begin, i64 f_end, const float* img, float* out) {
  constexpr int lanes = Vecs * kVecLanes;
  alignas(64) float tile[Rows * lanes];
  alignas(64) float total[Rows * lanes];
  const Grid& grid = plan.grid;
  const i64 T = grid.virtual_pixels();
  for (i64 f0 = f_begin; f0 < std::min(f_end, filters); f0 += Rows) {
    const i64 used = std::min<i64>(Rows, filters - f0);
    for (i64 t0 = 0; t0 < T; t0 += lanes) {
      const float* result = tile;
      if (plan.segment >= plan.K) {
        conv_kernel<Rows, Vecs>(0, plan.K, plan.w.data() + f0, fpad, img + t0, plan.boff.data(), tile);
      } else {
        std::fill(total, total + Rows * lanes, 0.0f);
        for (i64 k0 = 0; k0 < plan.K; k0 += plan.segment) {
          conv_kernel<Rows, Vecs>(k0, k0 + plan.segment, plan.w.data() + f0, fpad, img + t0, plan.boff.data(), tile);
          for (int e = 0; e < Rows * lanes; ++e) total[e] = total[e] + tile[e];
        }
        result = total;
      }
      const i64 first = t0 / grid.width, last = std::min(grid.rows, ceil_div(t0 + lanes, grid.width));
      for (i64 i = first; i < last; ++i) {
        const i64 row_t = i * grid.width;
        const i64 j0 = std::max<i64>(0, t0 - row_t), j1 = std::min(grid.cols, t0 + lanes - row_t);
        if (j1 <= j0) continue;  // the tile holds only dropped columns of this row
        for (i64 r = 0; r < used; ++r) {
          const float* src = result + r * lanes + (row_t - t0);
          float* dst = out + (f0 + r) * grid.plane_stride + i * grid.row_stride + grid.base;
          if (grid.col_stride == 1)
            copy_run(src + j0, 1, j1 - j0, dst + j0);
          else
            for (i64 j = j0; j < j1; ++j) dst[j * grid.col_stride] = src[j];
        }
      }
    }
  }
}

// Packs each image and runs the plans over its output channels.
template <int Rows, int Vecs>
void run_batch(const std::vector<ConvPlan>& plans, const Planes& planes, const float* in, i64 in_channels, i64 in_h,
               i64 in_w, i64 batch, i64 filters, i64 fpad, float* out, i64 out_image) {
  constexpr int lanes = Vecs * kVecLanes;
  i64 reach = 0;
  for (const auto& p : plans)
    if (!p.boff.empty())
      reach = std::max(reach, *std::max_element(p.boff.begin(), p.boff.end()) + round_up(p.grid.virtual_pixels(), lanes));
  const i64 buffer = std::max(planes.elements(), reach) + lanes;
  const i64 row_blocks = fpad / Rows;
  const ImageItems items = image_items(batch, row_blocks);
  parallel_for(0, items.count(), [&](i64 b, i64 e) {
    float* img = scratch<float, Slot::input>(buffer);
    i64 packed = -1;
    for (i64 it = b; it < e; ++it) {
      const i64 n = it / items.blocks, block = it % items.blocks;
      if (n != packed) {
        pack_image(in + n * in_channels * in_h * in_w, in_h, in_w, planes, img);
        packed = n;
      }
      for (const auto& plan : plans)
        run_plan<Rows, Vecs>(plan, filters, fpad, row_blocks * block / items.blocks * Rows,
                             row_blocks * (block + 1) / items.blocks * Rows, img, out + n * out_image);
    }
  });
}

// ---------------------------------------------------------------------------
// backward-weights: acc[r][v] continues, for every real pixel of one image in
// (p, q) order, acc = acc + x_r(p, q) * dy(p, q)[lanes of v].

template <int Rows, int Vecs>
void weights_image(const float* const (&x)[Rows], i64 P, i64 Q, i64 width, const float* dyt, i64 kpad,
                   Vec (&acc)[Rows][Vecs]) {
  for (i64 p = 0; p < P; ++p) {
    const i64 row = p * width;
    const float* dy_row = dyt + p * Q * kpad;
    for (i64 q = 0; q < Q; ++q) {
      Vec y[Vecs];
      for (int v = 0; v < Vecs; ++v) load_vec(y[v], dy_row + q * kpad + v * kVecLanes);
      for (int r = 0; r < Rows; ++r) {
        const float a = x[r][row + q];
        for (int v = 0; v < Vecs; ++v) acc[r][v] = acc[r][v] + a * y[v];
      }
    }
  }
}

template <int Rows, int Vecs>
void weights_batch(const float* x, const float* dy, const ConvGeometry& g, float* dw) {
  constexpr int lanes = Vecs * kVecLanes;
  const i64 C = g.channels, K = g.filters, R = g.kernel, CRS = g.patch(), P = g.out_height, Q = g.out_width;
  const i64 PQ = g.out_pixels(), N = g.batch;
  const Planes planes = forward_planes(g, C);
  const i64 kpad = round_up(K, lanes), crs_pad = round_up(CRS, Rows);
  const i64 row_tiles = crs_pad / Rows, k_tiles = kpad / lanes;
  std::vector<i64> off(static_cast<std::size_t>(crs_pad));
  for (i64 crs = 0; crs < crs_pad; ++crs) {
    const i64 e = std::min(crs, CRS - 1);  // padding rows repeat the last one; dropped
    off[crs] = planes.tap(e / (R * R), e / R % R, e % R);
  }
  const i64 image_size = planes.elements();
  float* xp = scratch<float, Slot::input2>(N * image_size);
  float* dyt = scratch<float, Slot::operand>(N * PQ * kpad);  // [n][pixel][k]
  parallel_for(0, N, [&](i64 b, i64 e) {
    for (i64 n = b; n < e; ++n) {
      pack_image(x + n * C * g.height * g.width, g.height, g.width, planes, xp + n * image_size);
      // [k][pixel] -> [pixel][k] in blocks of pixels: each block's rows stay in L1.
      float* d = dyt + n * PQ * kpad;
      const float* src = dy + n * K * PQ;
      constexpr i64 kBlock = 32;
      for (i64 p0 = 0; p0 < PQ; p0 += kBlock) {
        const i64 p1 = std::min(PQ, p0 + kBlock);
        for (i64 k = 0; k < K; ++k)
          for (i64 pix = p0; pix < p1; ++pix) d[pix * kpad + k] = src[k * PQ + pix];
        for (i64 pix = p0; pix < p1; ++pix) std::fill(d + pix * kpad + K, d + (pix + 1) * kpad, 0.0f);
      }
    }
  });

  // Tiles of dw^T [crs][k]: each thread owns a contiguous range and walks the
  // images in order, so its partial sums stay in order and its image data in cache.
  std::vector<float> dwt(static_cast<std::size_t>(crs_pad * kpad), 0.0f);
  const i64 tiles = row_tiles * k_tiles;
  const i64 grain = std::max<i64>(1, (i64{1} << 20) / std::max<i64>(1, N * PQ * Rows * lanes));
  parallel_for(0, tiles, [&](i64 t0, i64 t1) {
    for (i64 n = 0; n < N; ++n)
      for (i64 t = t0; t < t1; ++t) {
        const i64 row0 = t / k_tiles * Rows, k0 = t % k_tiles * lanes;
        const float* rows[Rows];
        for (int r = 0; r < Rows; ++r) rows[r] = xp + n * image_size + off[row0 + r];
        Vec acc[Rows][Vecs];
        for (int r = 0; r < Rows; ++r)
          for (int v = 0; v < Vecs; ++v) load_vec(acc[r][v], dwt.data() + (row0 + r) * kpad + k0 + v * kVecLanes);
        weights_image<Rows, Vecs>(rows, P, Q, planes.cols, dyt + n * PQ * kpad + k0, kpad, acc);
        for (int r = 0; r < Rows; ++r)
          for (int v = 0; v < Vecs; ++v) store_vec(dwt.data() + (row0 + r) * kpad + k0 + v * kVecLanes, acc[r][v]);
      }
  }, grain);
  for (i64 k = 0; k < K; ++k)
    for (i64 crs = 0; crs < CRS; ++crs) dw[k * CRS + crs] = dwt[crs * kpad + k];
}

}  // namespace

void float_forward(const float* x, const float* w, const ConvGeometry& g, float* y) {
  const i64 C = g.channels, K = g.filters, R = g.kernel, CRS = g.patch();
  const Planes planes = forward_planes(g, C);
  with_conv_tile(K, g.out_height * planes.cols, kVecLanes, [&]<int Rows, int Vecs>() {
    const i64 fpad = round_up(K, Rows);
    ConvPlan plan;
    plan.grid = forward_grid(g, planes);
    plan.K = plan.segment = CRS;
    plan.boff.resize(static_cast<std::size_t>(CRS));
    plan.w.assign(static_cast<std::size_t>(CRS * fpad), 0.0f);
    for (i64 crs = 0; crs < CRS; ++crs) {
      plan.boff[crs] = planes.tap(crs / (R * R), crs / R % R, crs % R);
      for (i64 f = 0; f < K; ++f) plan.w[crs * fpad + f] = w[f * CRS + crs];
    }
    run_batch<Rows, Vecs>({plan}, planes, x, C, g.height, g.width, g.batch, K, fpad, y, K * g.out_pixels());
  });
}

bool float_backward_data_supported(const ConvGeometry& g, const float* w) {
  if (g.stride == 1 && g.pad < g.kernel) return true;
  // Per-tap sums over zero-padded dy add +0.0f for taps outside dy, which changes
  // no sum (a running sum from +0.0f is never -0.0f) unless a weight is not finite.
  for (i64 i = 0; i < g.filters * g.patch(); ++i)
    if (!std::isfinite(w[i])) return false;
  return true;
}

void float_backward_data(const float* dy, const float* w, const ConvGeometry& g, float* dx) {
  const i64 C = g.channels, K = g.filters, R = g.kernel;
  const DataPlan data = backward_data_plan(g, K);
  // Stride 1 and pad < R: one phase, one sequential sum over (k, r, s) (the taps
  // outside dy add 0 * w, as the forward conv of dy does). Otherwise each phase
  // sums its taps in (r, s) order, each tap's sum over k on its own.
  const bool one_sum = g.stride == 1 && g.pad < g.kernel;
  i64 pixels = 0;
  for (const DataPhase& ph : data.phases) pixels = std::max(pixels, ph.grid.virtual_pixels());
  with_conv_tile(C, pixels, kVecLanes, [&]<int Rows, int Vecs>() {
    const i64 fpad = round_up(C, Rows);
    std::vector<ConvPlan> plans;
    for (const DataPhase& ph : data.phases) {
      ConvPlan plan;
      plan.grid = ph.grid;
      const i64 nr = static_cast<i64>(ph.taps_r.size()), ns = static_cast<i64>(ph.taps_s.size());
      plan.K = K * nr * ns;
      plan.segment = one_sum ? plan.K : K;
      plan.boff.resize(static_cast<std::size_t>(plan.K));
      plan.w.assign(static_cast<std::size_t>(std::max<i64>(plan.K, 1) * fpad), 0.0f);
      for (i64 ir = 0; ir < nr; ++ir)
        for (i64 is = 0; is < ns; ++is)
          for (i64 k = 0; k < K; ++k) {
            const i64 e = one_sum ? (k * nr + ir) * ns + is : (ir * ns + is) * K + k;  // (k, r, s) or (r, s, k)
            const i64 r = ph.taps_r[ir], s = ph.taps_s[is];
            plan.boff[e] = data.dy.offset(k, 0, 0) + (ph.rows_r[ir] + data.dy.pad_top) * data.dy.cols + ph.cols_s[is] +
                           data.dy.pad_left;
            for (i64 c = 0; c < C; ++c) plan.w[e * fpad + c] = w[((k * C + c) * R + r) * R + s];
          }
      plans.push_back(std::move(plan));
    }
    run_batch<Rows, Vecs>(plans, data.dy, dy, K, g.out_height, g.out_width, g.batch, C, fpad, dx,
                          C * g.height * g.width);
  });
}

void float_backward_weights(const float* x, const float* dy, const ConvGeometry& g, float* dw) {
  const i64 K = g.filters;
  if (K <= kVecLanes) return weights_batch<16, 1>(x, dy, g, dw);
  if (K <= 2 * kVecLanes) return weights_batch<12, 2>(x, dy, g, dw);
  if (K <= 3 * kVecLanes) return weights_batch<8, 3>(x, dy, g, dw);
  return weights_batch<6, 4>(x, dy, g, dw);
}

}  // namespace qtsim::ref::vgrid
