// Exact integer convolutions on virtual grids (conv_vgrid.hpp). Operands are
// packed G to a 32-bit lane and multiplied with one dot-product instruction:
//   Quads (|operands| <= 127): G = 4, vpdpbusd (u8 x s8). The "plane" operand
//     is stored offset by +128 (so it is unsigned) and the exact correction
//     128 * sum(signed operand) is subtracted at the end:
//     sum (x + 128) * w = sum x * w + 128 * sum w, in exact integers;
//   Pairs (|operands| <= 32767): G = 2, vpdpwssd (s16 x s16).
// Lanes sum into int32 over blocks of the reduction that cannot overflow, and
// blocks into int64, so every result is the exact sum.
//   forward / backward-data: output channels broadcast (weights, signed),
//     virtual pixels in vector lanes (planes of G interleaved input channels);
//   backward-weights: weight rows (c, r, s) broadcast (x planes, G consecutive
//     virtual pixels), filters in vector lanes (dy as [pixel group][filter][G],
//     zero at the dropped columns).
#include <algorithm>
#include <atomic>
#include <cstring>
#include <limits>
#include <mutex>
#include <type_traits>
#include <vector>

#if defined(__AVX512F__) && defined(__AVX512VNNI__)
#include <immintrin.h>
#define QTSIM_VGRID_VNNI 1
// GCC 12 warns that _mm512_undefined_epi32() inside its own intrinsics is (maybe) used uninitialized.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif

#include "conv_vgrid.hpp"
#include "conv_vgrid_detail.hpp"

namespace qtsim::ref::vgrid {
namespace {

using namespace detail;
using i32 = std::int32_t;
using u32 = std::uint32_t;
using u64 = std::uint64_t;

constexpr int kLanes = 16;  // 32-bit lanes of a 512-bit vector

struct Pairs {
  static constexpr int group = 2;
  using Elem = std::int16_t;  // plane operand
  using Bits = std::uint16_t;
  static constexpr i32 offset = 0;
  static Elem plane(i32 v) { return static_cast<Elem>(v); }
  static u32 signed_bits(i32 v) { return static_cast<std::uint16_t>(v); }  // one signed element, zero-extended
  static u64 lane_bound(u64 max_plane, u64 max_signed) { return 2 * max_plane * max_signed; }
#ifdef QTSIM_VGRID_VNNI
  static __m512i madd(__m512i acc, __m512i plane, __m512i sgn) { return _mm512_dpwssd_epi32(acc, plane, sgn); }
#endif
  static i32 dot(u32 plane, u32 sgn) {
    return i32{static_cast<std::int16_t>(plane)} * static_cast<std::int16_t>(sgn) +
           i32{static_cast<std::int16_t>(plane >> 16)} * static_cast<std::int16_t>(sgn >> 16);
  }
};

struct Quads {
  static constexpr int group = 4;
  using Elem = std::uint8_t;
  using Bits = std::uint8_t;
  static constexpr i32 offset = 128;
  static Elem plane(i32 v) { return static_cast<Elem>(v + offset); }
  static u32 signed_bits(i32 v) { return static_cast<std::uint8_t>(v); }
  static u64 lane_bound(u64 max_plane, u64 max_signed) { return 4 * (max_plane + offset) * max_signed; }
#ifdef QTSIM_VGRID_VNNI
  static __m512i madd(__m512i acc, __m512i plane, __m512i sgn) { return _mm512_dpbusd_epi32(acc, plane, sgn); }
#endif
  static i32 dot(u32 plane, u32 sgn) {
    i32 s = 0;
    for (int g = 0; g < 4; ++g) s += i32{static_cast<std::uint8_t>(plane >> (8 * g))} * static_cast<std::int8_t>(sgn >> (8 * g));
    return s;
  }
};

// Lanes per int32 block: any `block` lanes sum to at most block * lane_bound <= INT32_MAX.
template <typename G>
i64 lanes_per_block(u64 max_plane, u64 max_signed) {
  const u64 lane = std::max<u64>(1, G::lane_bound(max_plane, max_signed));
  return std::max<i64>(1, static_cast<i64>(std::numeric_limits<i32>::max() / lane));
}

u32 load_u32(const void* p) {
  u32 v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

// ---------------------------------------------------------------------------
// Packing

// Calls fn(c, at, n, e) for every plane row that holds image data: the source
// elements at, at + stride, ... (n of them, `at` within channel c's H x W plane)
// go to plane elements e, e + 1, ... Everything else in the planes is padding.
template <typename Fn>
void for_each_run(const Planes& pl, i64 H, i64 W, Fn&& fn) {
  const i64 st = pl.stride;
  for (i64 c = 0; c < pl.channels; ++c)
    for (i64 a = 0; a < st; ++a)
      for (i64 b = 0; b < st; ++b) {
        const OutputRange rows = valid_outputs(a - pl.pad_top, st, H, pl.rows);
        const OutputRange run = valid_outputs(b - pl.pad_left, st, W, pl.cols);
        if (run.last <= run.first) continue;
        for (i64 i = rows.first; i < rows.last; ++i)
          fn(c, (i * st + a - pl.pad_top) * W + run.first * st + b - pl.pad_left, run.last - run.first,
             pl.offset(c, a, b) + i * pl.cols + run.first);
      }
}

// Largest |v| seen, kept in a vector until the end.
struct MaxMagnitude {
#ifdef QTSIM_VGRID_VNNI
  __m512i v = _mm512_setzero_si512();
  void add(__m512i x) { v = _mm512_max_epu32(v, _mm512_abs_epi32(x)); }
  u32 value() const { return static_cast<u32>(_mm512_reduce_max_epu32(v)); }
#endif
  u32 scalar = 0;
  void add(i32 x) { scalar = std::max(scalar, magnitude(x)); }
  u32 total() const {
#ifdef QTSIM_VGRID_VNNI
    return std::max(scalar, value());
#else
    return scalar;
#endif
  }
};

#ifdef QTSIM_VGRID_VNNI
__mmask16 tail_mask(i64 n) { return n >= 16 ? __mmask16(0xFFFF) : static_cast<__mmask16>((1u << n) - 1); }

// in[j * Step] for the 16 j of the mask (Step 1 or 2), zeros elsewhere; reads no
// element past the last one selected.
template <int Step>
__m512i load_run(const i32* in, __mmask16 k) {
  if constexpr (Step == 1) {
    return _mm512_maskz_loadu_epi32(k, in);
  } else {
    const unsigned span = 2 * static_cast<unsigned>(__builtin_popcount(k)) - 1;
    const __mmask16 lo = span >= 16 ? __mmask16(0xFFFF) : static_cast<__mmask16>((1u << span) - 1);
    const __mmask16 hi = span <= 16 ? __mmask16(0) : static_cast<__mmask16>((1u << (span - 16)) - 1);
    const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    return _mm512_maskz_permutex2var_epi32(k, _mm512_maskz_loadu_epi32(lo, in), even,
                                           _mm512_maskz_loadu_epi32(hi, in + 16));
  }
}

// out[j] = the G values in[g][j * Step] as one 32-bit group (G::plane of each;
// a null in[g] reads 0), j < n.
template <typename G, int Step>
void pack_group_run(const i32* const* in, i64 n, u32* out, MaxMagnitude& m) {
  const __m512i offset = _mm512_set1_epi32(G::offset), low = _mm512_set1_epi32((1 << (32 / G::group)) - 1);
  for (i64 j = 0; j < n; j += 16) {
    const __mmask16 k = tail_mask(n - j);
    __m512i packed = _mm512_setzero_si512();
    for (int g = 0; g < G::group; ++g) {
      const __m512i v = in[g] ? load_run<Step>(in[g] + j * Step, k) : _mm512_setzero_si512();  // missing channel: 0
      m.add(v);
      __m512i field = _mm512_add_epi32(v, offset);
      if (g + 1 < G::group) field = _mm512_and_si512(field, low);
      packed = _mm512_or_si512(packed, _mm512_slli_epi32(field, 32 / G::group * g));
    }
    _mm512_mask_storeu_epi32(out + j, k, packed);
  }
}

// out[j] = G::plane(in[j * Step]) for j < n.
template <typename G, int Step>
void pack_single_run(const i32* in, i64 n, typename G::Elem* out, MaxMagnitude& m) {
  const __m512i offset = _mm512_set1_epi32(G::offset);
  for (i64 j = 0; j < n; j += 16) {
    const __mmask16 k = tail_mask(n - j);
    const __m512i v = load_run<Step>(in + j * Step, k);
    m.add(v);
    if constexpr (sizeof(typename G::Elem) == 1)
      _mm512_mask_cvtepi32_storeu_epi8(out + j, k, _mm512_add_epi32(v, offset));
    else
      _mm512_mask_cvtepi32_storeu_epi16(out + j, k, _mm512_add_epi32(v, offset));
  }
}
#endif

// Planes of one image with G input channels interleaved per 32-bit element
// (G::plane of each value; missing channels and padding hold G::plane(0)).
// Returns the largest |v| read.
template <typename G>
u32 pack_grouped_planes(const i32* src, i64 C, i64 H, i64 W, const Planes& pl, u32* dst) {
  using Bits = typename G::Bits;
  constexpr int bits = 32 / G::group;
  const auto field = [](i32 v, int g) { return static_cast<u32>(static_cast<Bits>(G::plane(v))) << (bits * g); };
  u32 pad = 0;
  for (int g = 0; g < G::group; ++g) pad |= field(0, g);
  std::fill(dst, dst + pl.elements(), pad);
  MaxMagnitude m;
  const i64 st = pl.stride;
  for_each_run(pl, H, W, [&](i64 c, i64 at, i64 n, i64 e) {
    const i32* in[G::group];
    for (int g = 0; g < G::group; ++g) {
      const i64 ch = c * G::group + g;
      in[g] = ch < C ? src + ch * H * W + at : nullptr;
    }
    u32* out = dst + e;
#ifdef QTSIM_VGRID_VNNI
    if (st == 1) return pack_group_run<G, 1>(in, n, out, m);
    if (st == 2) return pack_group_run<G, 2>(in, n, out, m);
#endif
    for (i64 j = 0; j < n; ++j) {
      u32 v = 0;
      for (int g = 0; g < G::group; ++g) {
        const i32 x = in[g] ? in[g][j * st] : 0;
        m.add(x);
        v |= field(x, g);
      }
      out[j] = v;
    }
  });
  return m.total();
}

// Planes of one image, one G::Elem per input value (G::plane(0) as padding).
template <typename G>
u32 pack_single_planes(const i32* src, i64 H, i64 W, const Planes& pl, typename G::Elem* dst) {
  std::fill(dst, dst + pl.elements(), G::plane(0));
  MaxMagnitude m;
  const i64 st = pl.stride;
  for_each_run(pl, H, W, [&](i64 c, i64 at, i64 n, i64 e) {
    const i32* in = src + c * H * W + at;
    typename G::Elem* out = dst + e;
#ifdef QTSIM_VGRID_VNNI
    if (st == 1) return pack_single_run<G, 1>(in, n, out, m);
    if (st == 2) return pack_single_run<G, 2>(in, n, out, m);
#endif
    for (i64 j = 0; j < n; ++j) {
      m.add(in[j * st]);
      out[j] = G::plane(in[j * st]);
    }
  });
  return m.total();
}

// dyg[tg][k] (k < kpad) = G consecutive virtual pixels t = G * tg + g of dy[k]
// (t = p * width + q; 0 for q >= Q and past the grid) as signed elements. `rows`
// is scratch for K * groups * G elements. Returns the largest |dy|; sums[k] = sum of dy[k].
template <typename G>
u32 pack_pixel_groups(const i32* dy, i64 K, i64 P, i64 Q, i64 width, i64 kpad, i64 groups, typename G::Bits* rows,
                      u32* dyg, std::int64_t* sums) {
  using Bits = typename G::Bits;
  const i64 row_len = groups * G::group;
  std::fill(rows, rows + K * row_len, Bits{0});
  u32 m = 0;
  for (i64 k = 0; k < K; ++k) {  // the virtual rows of dy[k], narrowed
    std::int64_t sum = 0;
    for (i64 p = 0; p < P; ++p) {
      const i32* in = dy + (k * P + p) * Q;
      Bits* out = rows + k * row_len + p * width;
#ifdef QTSIM_VGRID_VNNI
      __m512i mv = _mm512_setzero_si512(), sv = _mm512_setzero_si512();
      for (i64 q = 0; q < Q; q += 16) {
        const __mmask16 mask = tail_mask(Q - q);
        const __m512i v = _mm512_maskz_loadu_epi32(mask, in + q);
        mv = _mm512_max_epu32(mv, _mm512_abs_epi32(v));
        sv = _mm512_add_epi64(sv, _mm512_cvtepi32_epi64(_mm512_castsi512_si256(v)));
        sv = _mm512_add_epi64(sv, _mm512_cvtepi32_epi64(_mm512_extracti64x4_epi64(v, 1)));
        if constexpr (sizeof(Bits) == 1)
          _mm512_mask_cvtepi32_storeu_epi8(out + q, mask, v);
        else
          _mm512_mask_cvtepi32_storeu_epi16(out + q, mask, v);
      }
      m = std::max(m, static_cast<u32>(_mm512_reduce_max_epu32(mv)));
      sum += _mm512_reduce_add_epi64(sv);
#else
      for (i64 q = 0; q < Q; ++q) {
        m = std::max(m, magnitude(in[q]));
        sum += in[q];
        out[q] = static_cast<Bits>(in[q]);
      }
#endif
    }
    sums[k] = sum;
  }
  for (i64 tg = 0; tg < groups; ++tg) {  // transpose the groups: [k][tg] -> [tg][k]
    u32* dst = dyg + tg * kpad;
    for (i64 k = 0; k < K; ++k) dst[k] = load_u32(rows + k * row_len + tg * G::group);
    std::fill(dst + K, dst + kpad, u32{0});
  }
  return m;
}

// ---------------------------------------------------------------------------
// forward-type kernel: tile[r][l] = sum over lanes-of-k e in [e0, e1) of
//   dot(img[boff[e] + l], w[e][r])
// w: [e][fpad] signed groups at the block's first channel; img: planes at the tile's first pixel.

template <typename G, int Rows, int Vecs>
void conv_kernel(i64 e0, i64 e1, const u32* w, i64 fpad, const u32* img, const i64* boff, i32* tile) {
  constexpr int lanes = Vecs * kLanes;
#ifdef QTSIM_VGRID_VNNI
  __m512i acc[Rows][Vecs];
  for (int r = 0; r < Rows; ++r)
    for (int v = 0; v < Vecs; ++v) acc[r][v] = _mm512_setzero_si512();
  for (i64 e = e0; e < e1; ++e) {
    const u32* b = img + boff[e];
    __m512i y[Vecs];
    for (int v = 0; v < Vecs; ++v) y[v] = _mm512_loadu_si512(b + kLanes * v);
    const u32* we = w + e * fpad;
    for (int r = 0; r < Rows; ++r) {
      const __m512i a = _mm512_set1_epi32(static_cast<i32>(we[r]));
      for (int v = 0; v < Vecs; ++v) acc[r][v] = G::madd(acc[r][v], y[v], a);
    }
  }
  for (int r = 0; r < Rows; ++r)
    for (int v = 0; v < Vecs; ++v) _mm512_storeu_si512(tile + r * lanes + v * kLanes, acc[r][v]);
#else
  i32 acc[Rows][lanes] = {};
  for (i64 e = e0; e < e1; ++e) {
    const u32* b = img + boff[e];
    const u32* we = w + e * fpad;
    for (int r = 0; r < Rows; ++r)
      for (int l = 0; l < lanes; ++l) acc[r][l] += G::dot(b[l], we[r]);
  }
  for (int r = 0; r < Rows; ++r)
    for (int l = 0; l < lanes; ++l) tile[r * lanes + l] = acc[r][l];
#endif
}

// Writes the valid outputs of a tile (rows: channels f0.., lanes: virtual pixels
// t0..), minus the channel's correction, into an image laid out like the output.
template <typename Src, typename Dst>
void store_tile(const Src* tile, int lanes, i64 used_rows, i64 f0, i64 t0, const Grid& grid, const std::int64_t* corr,
                Dst* out) {
  const i64 first = t0 / grid.width, last = std::min(grid.rows, ceil_div(t0 + lanes, grid.width));
  for (i64 i = first; i < last; ++i) {
    const i64 row_t = i * grid.width;
    const i64 j0 = std::max<i64>(0, t0 - row_t), j1 = std::min(grid.cols, t0 + lanes - row_t);
    for (i64 r = 0; r < used_rows; ++r) {
      const Src* src = tile + r * lanes + (row_t - t0);
      const Dst c = static_cast<Dst>(corr[f0 + r]);
      Dst* dst = out + (f0 + r) * grid.plane_stride + i * grid.row_stride + grid.base;
      if (grid.col_stride == 1)
        for (i64 j = j0; j < j1; ++j) dst[j] = static_cast<Dst>(src[j]) - c;
      else
        for (i64 j = j0; j < j1; ++j) dst[j * grid.col_stride] = static_cast<Dst>(src[j]) - c;
    }
  }
}

// One output grid over an image's planes.
struct ConvPlan {
  Grid grid;
  i64 lanes_k = 0;                 // reduction length in 32-bit groups
  std::vector<i64> boff;           // [e] offset of the group's plane and tap (add the virtual pixel)
  std::vector<u32> w;              // [e][fpad] signed groups
  std::vector<std::int64_t> corr;  // [fpad] subtracted from each output of the channel
  i64 reach() const { return boff.empty() ? 0 : *std::max_element(boff.begin(), boff.end()); }
};

template <typename G, int Rows, int Vecs>
struct ConvRunner {
  static constexpr int lanes = Vecs * kLanes;

  // Channels [f_begin, f_end) (multiples of Rows) of one image. With `block` or
  // more groups in the reduction, int32 block sums are added up in int64 and
  // stored to the int64 output directly; otherwise the results (which then fit
  // int32) go to `stage`, laid out like the output image.
  static void run(const ConvPlan& plan, i64 filters, i64 fpad, i64 f_begin, i64 f_end, const u32* img, i64 block,
                  i32* stage, std::int64_t* out) {
    alignas(64) i32 tile[Rows * lanes];
    alignas(64) std::int64_t wide[Rows * lanes];
    const i64 T = plan.grid.virtual_pixels();
    for (i64 f0 = f_begin; f0 < std::min(f_end, filters); f0 += Rows) {
      const i64 used = std::min<i64>(Rows, filters - f0);
      const u32* w = plan.w.data() + f0;
      for (i64 t0 = 0; t0 < T; t0 += lanes) {
        if (stage) {
          conv_kernel<G, Rows, Vecs>(0, plan.lanes_k, w, fpad, img + t0, plan.boff.data(), tile);
          store_tile(tile, lanes, used, f0, t0, plan.grid, plan.corr.data(), stage);
        } else {
          std::fill(wide, wide + Rows * lanes, std::int64_t{0});
          for (i64 e0 = 0; e0 < plan.lanes_k; e0 += block) {
            conv_kernel<G, Rows, Vecs>(e0, std::min(plan.lanes_k, e0 + block), w, fpad, img + t0, plan.boff.data(),
                                       tile);
            for (int e = 0; e < Rows * lanes; ++e) wide[e] += tile[e];
          }
          store_tile(wide, lanes, used, f0, t0, plan.grid, plan.corr.data(), out);
        }
      }
    }
  }

  // Every image of the batch: pack its planes, then run all plans. False when an
  // input element exceeds max_in. Every output element belongs to one plan's grid.
  static bool run_batch(const std::vector<ConvPlan>& plans, const Planes& planes, const i32* in, i64 in_channels,
                        i64 in_h, i64 in_w, u64 max_in, u64 max_w, i64 batch, i64 filters, i64 fpad,
                        std::int64_t* out, i64 out_image) {
    const i64 block = lanes_per_block<G>(max_in, max_w);
    i64 reach = 0, longest = 0;
    for (const auto& p : plans) {
      reach = std::max(reach, p.reach() + round_up(p.grid.virtual_pixels(), lanes));
      longest = std::max(longest, p.lanes_k);
    }
    // Stage in int32 when one block holds every reduction and every result fits.
    const bool staged = longest <= block && static_cast<unsigned __int128>(longest) * G::group * max_in * max_w <=
                                                std::numeric_limits<i32>::max();
    const i64 buffer = std::max(planes.elements(), reach) + lanes;
    const i64 row_blocks = fpad / Rows;
    const i64 plane_stride = plans.empty() ? 0 : plans[0].grid.plane_stride;  // output channel planes are contiguous
    const ImageItems items = image_items(batch, row_blocks);
    std::atomic<bool> ok{true};
    parallel_for(0, items.count(), [&](i64 b, i64 e) {
      u32* img = scratch<u32, Slot::input>(buffer);
      i32* stage = staged ? scratch<i32, Slot::weights>(out_image) : nullptr;
      i64 packed = -1;
      for (i64 it = b; it < e && ok.load(std::memory_order_relaxed); ++it) {
        const i64 n = it / items.blocks, part = it % items.blocks;
        if (n != packed) {
          if (pack_grouped_planes<G>(in + n * in_channels * in_h * in_w, in_channels, in_h, in_w, planes, img) >
              max_in) {
            ok = false;
            return;
          }
          packed = n;
        }
        const i64 f_begin = row_blocks * part / items.blocks * Rows;
        const i64 f_end = std::min(filters, row_blocks * (part + 1) / items.blocks * Rows);
        std::int64_t* image = out + n * out_image;
        for (const auto& plan : plans) run(plan, filters, fpad, f_begin, f_end, img, block, stage, image);
        if (stage)
          for (i64 i = f_begin * plane_stride; i < f_end * plane_stride; ++i) image[i] = stage[i];
      }
    });
    return ok;
  }
};


// Signed group of G weights: element g from at(g), 0 where !has(g).
template <typename G, typename At>
u32 signed_group(At&& at) {
  u32 v = 0;
  for (int g = 0; g < G::group; ++g) v |= G::signed_bits(at(g)) << (32 / G::group * g);
  return v;
}

template <typename G>
bool forward_grouped(const i32* x, u64 max_x, const i32* w, u64 max_w, const ConvGeometry& g, std::int64_t* y) {
  const i64 C = g.channels, K = g.filters, R = g.kernel, CRS = g.patch();
  const i64 cgroups = ceil_div(C, G::group);
  const Planes planes = forward_planes(g, cgroups);
  return with_conv_tile(K, g.out_height * planes.cols, kLanes, [&]<int Rows, int Vecs>() {
    const i64 fpad = round_up(K, Rows);
    ConvPlan plan;
    plan.grid = forward_grid(g, planes);
    plan.lanes_k = cgroups * R * R;
    plan.boff.resize(static_cast<std::size_t>(plan.lanes_k));
    plan.w.assign(static_cast<std::size_t>(plan.lanes_k * fpad), 0);
    plan.corr.assign(static_cast<std::size_t>(fpad), 0);
    for (i64 cg = 0; cg < cgroups; ++cg)
      for (i64 r = 0; r < R; ++r)
        for (i64 s = 0; s < R; ++s) {
          const i64 e = (cg * R + r) * R + s;
          plan.boff[e] = planes.tap(cg, r, s);
          for (i64 f = 0; f < K; ++f)
            plan.w[e * fpad + f] = signed_group<G>([&](int k) {
              const i64 c = cg * G::group + k;
              return c < C ? w[((f * C + c) * R + r) * R + s] : 0;
            });
        }
    for (i64 f = 0; f < K; ++f) {
      std::int64_t sum = 0;
      for (i64 i = 0; i < CRS; ++i) sum += w[f * CRS + i];
      plan.corr[f] = G::offset * sum;
    }
    return ConvRunner<G, Rows, Vecs>::run_batch({plan}, planes, x, C, g.height, g.width, max_x, max_w, g.batch, K,
                                                 fpad, y, K * g.out_pixels());
  });
}

template <typename G>
bool backward_data_grouped(const i32* dy, u64 max_dy, const i32* w, u64 max_w, const ConvGeometry& g,
                           std::int64_t* dx) {
  const i64 C = g.channels, K = g.filters, R = g.kernel;
  const i64 kgroups = ceil_div(K, G::group);
  const DataPlan data = backward_data_plan(g, kgroups);
  i64 pixels = 0;  // the largest phase
  for (const DataPhase& ph : data.phases) pixels = std::max(pixels, ph.grid.virtual_pixels());
  return with_conv_tile(C, pixels, kLanes, [&]<int Rows, int Vecs>() {
    const i64 fpad = round_up(C, Rows);
    std::vector<ConvPlan> plans;
    for (const DataPhase& ph : data.phases) {
      ConvPlan plan;
      plan.grid = ph.grid;
      const i64 nr = static_cast<i64>(ph.taps_r.size()), ns = static_cast<i64>(ph.taps_s.size());
      plan.lanes_k = kgroups * nr * ns;
      plan.boff.resize(static_cast<std::size_t>(plan.lanes_k));
      plan.w.assign(static_cast<std::size_t>(std::max<i64>(plan.lanes_k, 1) * fpad), 0);  // none: all zeros
      plan.corr.assign(static_cast<std::size_t>(fpad), 0);
      for (i64 kg = 0; kg < kgroups; ++kg)
        for (i64 ir = 0; ir < nr; ++ir)
          for (i64 is = 0; is < ns; ++is) {
            const i64 e = (kg * nr + ir) * ns + is, r = ph.taps_r[ir], s = ph.taps_s[is];
            plan.boff[e] = data.dy.offset(kg, 0, 0) + (ph.rows_r[ir] + data.dy.pad_top) * data.dy.cols +
                           ph.cols_s[is] + data.dy.pad_left;
            for (i64 c = 0; c < C; ++c) {
              plan.w[e * fpad + c] = signed_group<G>([&](int k) {
                const i64 kk = kg * G::group + k;
                return kk < K ? w[((kk * C + c) * R + r) * R + s] : 0;
              });
              for (int k = 0; k < G::group && kg * G::group + k < K; ++k)
                plan.corr[c] += G::offset * w[(((kg * G::group + k) * C + c) * R + r) * R + s];
            }
          }
      plans.push_back(std::move(plan));
    }
    return ConvRunner<G, Rows, Vecs>::run_batch(plans, data.dy, dy, K, g.out_height, g.out_width, max_dy, max_w,
                                                 g.batch, C, fpad, dx, C * g.height * g.width);
  });
}

// ---------------------------------------------------------------------------
// backward-weights kernel: tile[r][l] = sum over pixel groups tg in [tg0, tg1) of
//   dot(x[r] at pixels G*tg.., dyg[tg][l])

template <typename G, int Rows, int Vecs>
void weights_kernel(i64 tg0, i64 tg1, const typename G::Elem* const (&x)[Rows], const u32* dyg, i64 kpad,
                    i32* tile) {
  constexpr int lanes = Vecs * kLanes;
#ifdef QTSIM_VGRID_VNNI
  __m512i acc[Rows][Vecs];
  for (int r = 0; r < Rows; ++r)
    for (int v = 0; v < Vecs; ++v) acc[r][v] = _mm512_setzero_si512();
  for (i64 tg = tg0; tg < tg1; ++tg) {
    __m512i y[Vecs];
    for (int v = 0; v < Vecs; ++v) y[v] = _mm512_loadu_si512(dyg + tg * kpad + v * kLanes);
    for (int r = 0; r < Rows; ++r) {
      const __m512i a = _mm512_set1_epi32(static_cast<i32>(load_u32(x[r] + G::group * tg)));
      for (int v = 0; v < Vecs; ++v) acc[r][v] = G::madd(acc[r][v], a, y[v]);
    }
  }
  for (int r = 0; r < Rows; ++r)
    for (int v = 0; v < Vecs; ++v) _mm512_storeu_si512(tile + r * lanes + v * kLanes, acc[r][v]);
#else
  i32 acc[Rows][lanes] = {};
  for (i64 tg = tg0; tg < tg1; ++tg) {
    const u32* y = dyg + tg * kpad;
    for (int r = 0; r < Rows; ++r) {
      const u32 a = load_u32(x[r] + G::group * tg);
      for (int l = 0; l < lanes; ++l) acc[r][l] += G::dot(a, y[l]);
    }
  }
  for (int r = 0; r < Rows; ++r)
    for (int l = 0; l < lanes; ++l) tile[r * lanes + l] = acc[r][l];
#endif
}

template <typename G, int Rows, int Vecs>
bool weights_batch(const i32* x, u64 max_x, const i32* dy, u64 max_dy, const ConvGeometry& g, std::int64_t* dw) {
  using Elem = typename G::Elem;
  constexpr int lanes = Vecs * kLanes;
  const i64 C = g.channels, K = g.filters, R = g.kernel, CRS = g.patch(), P = g.out_height, Q = g.out_width;
  const Planes planes = forward_planes(g, C);
  const i64 width = planes.cols, groups = ceil_div(P * width, G::group);
  const i64 kpad = round_up(K, lanes), crs_pad = round_up(CRS, Rows), crs_tiles = crs_pad / Rows;
  std::vector<i64> off(static_cast<std::size_t>(crs_pad));
  for (i64 crs = 0; crs < crs_pad; ++crs) {
    const i64 e = std::min(crs, CRS - 1);  // padding rows repeat the last one; dropped
    off[crs] = planes.tap(e / (R * R), e / R % R, e % R);
  }
  const i64 reach = std::max(planes.elements(), *std::max_element(off.begin(), off.end()) + G::group * groups);
  const i64 block = lanes_per_block<G>(max_x, max_dy);

  std::vector<std::int64_t> total(static_cast<std::size_t>(crs_pad * kpad), 0);  // [crs][k]
  std::vector<std::int64_t> dy_sums(static_cast<std::size_t>(kpad), 0);
  std::mutex total_mutex;
  const ImageItems items = image_items(g.batch, crs_tiles);
  std::atomic<bool> ok{true};
  parallel_for(0, items.count(), [&](i64 b, i64 e) {
    Elem* img = scratch<Elem, Slot::input>(reach + 64);
    u32* dyg = scratch<u32, Slot::operand>(groups * kpad);
    auto* row = scratch<typename G::Bits, Slot::input2>(K * groups * G::group);
    std::int64_t* part = scratch<std::int64_t, Slot::partial>(crs_pad * kpad + 2 * kpad);
    std::int64_t* sums = part + crs_pad * kpad;  // sum of dy per filter over this thread's images
    std::int64_t* image_sums = sums + kpad;      // ... and over the image packed now
    std::fill(part, part + crs_pad * kpad + 2 * kpad, std::int64_t{0});
    alignas(64) i32 tile[Rows * lanes];
    i64 packed = -1;
    for (i64 it = b; it < e && ok.load(std::memory_order_relaxed); ++it) {
      const i64 n = it / items.blocks, block_index = it % items.blocks;
      if (n != packed) {
        const u32 mx = pack_single_planes<G>(x + n * C * g.height * g.width, g.height, g.width, planes, img);
        const u32 md = pack_pixel_groups<G>(dy + n * K * P * Q, K, P, Q, width, kpad, groups, row, dyg, image_sums);
        if (mx > max_x || md > max_dy) {
          ok = false;
          return;
        }
        packed = n;
      }
      if (block_index == 0)  // each image's dy counts once, with its first crs tiles
        for (i64 k = 0; k < K; ++k) sums[k] += image_sums[k];
      for (i64 ct = crs_tiles * block_index / items.blocks; ct < crs_tiles * (block_index + 1) / items.blocks; ++ct) {
        const Elem* rows[Rows];
        for (int r = 0; r < Rows; ++r) rows[r] = img + off[ct * Rows + r];
        for (i64 k0 = 0; k0 < kpad; k0 += lanes)
          for (i64 tg0 = 0; tg0 < groups; tg0 += block) {
            weights_kernel<G, Rows, Vecs>(tg0, std::min(groups, tg0 + block), rows, dyg + k0, kpad, tile);
            for (int r = 0; r < Rows; ++r) {
              std::int64_t* dst = part + (ct * Rows + r) * kpad + k0;
              for (int l = 0; l < lanes; ++l) dst[l] += tile[r * lanes + l];
            }
          }
      }
    }
    // Exact integers: the order in which threads add their parts does not matter.
    std::lock_guard lock(total_mutex);
    for (i64 i = 0; i < crs_pad * kpad; ++i) total[i] += part[i];
    for (i64 k = 0; k < kpad; ++k) dy_sums[k] += sums[k];
  });
  if (!ok) return false;
  for (i64 k = 0; k < K; ++k) {
    const std::int64_t corr = G::offset * dy_sums[k];
    for (i64 crs = 0; crs < CRS; ++crs) dw[k * CRS + crs] = total[crs * kpad + k] - corr;
  }
  return true;
}

template <typename G>
bool backward_weights_grouped(const i32* x, u64 max_x, const i32* dy, u64 max_dy, const ConvGeometry& g,
                              std::int64_t* dw) {
  const i64 K = g.filters;
  if (K <= 16) return weights_batch<G, 16, 1>(x, max_x, dy, max_dy, g, dw);
  if (K <= 32) return weights_batch<G, 12, 2>(x, max_x, dy, max_dy, g, dw);
  if (K <= 48) return weights_batch<G, 8, 3>(x, max_x, dy, max_dy, g, dw);
  return weights_batch<G, 6, 4>(x, max_x, dy, max_dy, g, dw);
}

bool magnitudes_within(const i32* v, i64 n, u64 bound) {
  u32 m = 0;
  for (i64 i = 0; i < n; ++i) m = std::max(m, magnitude(v[i]));
  return m <= bound;
}

}  // namespace

bool int_forward(const std::int32_t* x, std::uint64_t max_x, const std::int32_t* w, std::uint64_t max_w,
                 const ConvGeometry& g, std::int64_t* y) {
  if (max_x > 32767 || max_w > 32767 || !magnitudes_within(w, g.filters * g.patch(), max_w)) return false;
  if (max_x <= 127 && max_w <= 127) return forward_grouped<Quads>(x, max_x, w, max_w, g, y);
  return forward_grouped<Pairs>(x, max_x, w, max_w, g, y);
}

bool int_backward_data(const std::int32_t* dy, std::uint64_t max_dy, const std::int32_t* w, std::uint64_t max_w,
                       const ConvGeometry& g, std::int64_t* dx) {
  if (max_dy > 32767 || max_w > 32767 || !magnitudes_within(w, g.filters * g.patch(), max_w)) return false;
  if (max_dy <= 127 && max_w <= 127) return backward_data_grouped<Quads>(dy, max_dy, w, max_w, g, dx);
  return backward_data_grouped<Pairs>(dy, max_dy, w, max_w, g, dx);
}

bool int_backward_weights(const std::int32_t* x, std::uint64_t max_x, const std::int32_t* dy, std::uint64_t max_dy,
                          const ConvGeometry& g, std::int64_t* dw) {
  if (max_x > 32767 || max_dy > 32767) return false;
  if (max_x <= 127 && max_dy <= 127) return backward_weights_grouped<Quads>(x, max_x, dy, max_dy, g, dw);
  return backward_weights_grouped<Pairs>(x, max_x, dy, max_dy, g, dw);
}

}  // namespace qtsim::ref::vgrid
