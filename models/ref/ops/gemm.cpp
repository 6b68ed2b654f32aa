// Blocked, multithreaded GEMMs. Parallelism is over output tiles only: every
// element is computed by one thread with a fixed summation order, so results
// are bitwise identical for any thread count.
// gemm_int picks, from the operands' maxima (and per-row sums when needed):
//   fast path       int16 operands and no partial sum can leave the acc range:
//                   int16 pair dot products (vpdpwssd) into int32 over k blocks
//                   small enough not to overflow, added into int64;
//   canonical path  otherwise: increasing k, saturating after every addition,
//                   vectorized across outputs in the narrowest safe lane type.
#include "gemm.hpp"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#if defined(__AVX512F__) && defined(__AVX512VNNI__)
#include <immintrin.h>
#define QTSIM_GEMM_VNNI 1
#endif

#include "../parallel.hpp"

namespace qtsim::ref {
namespace {

using i64 = std::int64_t;
using u128 = unsigned __int128;

i64 ceil_div(i64 a, i64 b) { return (a + b - 1) / b; }
i64 round_up(i64 v, i64 m) { return ceil_div(v, m) * m; }

// Output tiles handed to threads, row-tile major so that consecutive tiles of one
// thread share their rows. Tiles are split until there are a few per thread, so
// static contiguous chunks are balanced, but never below kMinTileWork
// multiply-adds: waking a thread costs tens of microseconds.
struct TileGrid {
  i64 rows = 0, cols = 0;            // problem size
  i64 tile_rows = 0, tile_cols = 0;  // multiples of the micro-kernel's size
  i64 col_tiles() const { return ceil_div(cols, tile_cols); }
  i64 count() const { return ceil_div(rows, tile_rows) * col_tiles(); }
  i64 row_begin(i64 t) const { return t / col_tiles() * tile_rows; }
  i64 col_begin(i64 t) const { return t % col_tiles() * tile_cols; }
  i64 row_end(i64 t) const { return std::min(rows, row_begin(t) + tile_rows); }
  i64 col_end(i64 t) const { return std::min(cols, col_begin(t) + tile_cols); }
};

constexpr double kMinTileWork = 1 << 20;

// work_per_output: the cost of one output element, in multiply-adds of the fast kernels.
TileGrid make_grid(i64 rows, i64 cols, double work_per_output, i64 micro_rows, i64 micro_cols, i64 max_tile_rows,
                   i64 max_tile_cols) {
  TileGrid g{rows, cols, std::min(round_up(rows, micro_rows), max_tile_rows),
             std::min(round_up(cols, micro_cols), max_tile_cols)};
  const double work = double(rows) * double(cols) * work_per_output;
  const i64 threads = thread_count();
  const i64 wanted = threads == 1 ? 1 : std::min<i64>(4 * threads, static_cast<i64>(work / kMinTileWork));
  while (g.count() < wanted) {
    if (g.tile_cols > micro_cols)
      g.tile_cols = round_up(g.tile_cols / 2, micro_cols);
    else if (g.tile_rows > micro_rows)
      g.tile_rows = round_up(g.tile_rows / 2, micro_rows);
    else
      break;
  }
  return g;
}

// ---------------------------------------------------------------------------
// Float: C = A * B. A micro-tile of Rows x (16 * Vecs) outputs lives in vector
// registers; A is broadcast, B is packed into k-major panels of 16 * Vecs
// columns. Each element is (((0 + a0*b0) + a1*b1) + ...): a multiply and an add
// per term, in increasing k (no FMA: -ffp-contract=off), whatever the blocking.

constexpr i64 kFloatDepth = 256;  // k block: a packed panel (<= 32 KB) stays in L1/L2

// The widest vector the target has (vector_size wider than that would be split
// into several registers and spill).
#if defined(__AVX512F__)
constexpr int kFloatVecLanes = 16;
#elif defined(__AVX__)
constexpr int kFloatVecLanes = 8;
#else
constexpr int kFloatVecLanes = 4;
#endif
using FloatVec = float __attribute__((vector_size(4 * kFloatVecLanes)));

// By reference, not by value: a vector return type would draw -Wpsabi ABI notes.
void load_vec(FloatVec& v, const float* p) { std::memcpy(&v, p, sizeof v); }
void store_vec(float* p, const FloatVec& v) { std::memcpy(p, &v, sizeof v); }

template <int Rows, int Vecs>
struct FloatGemm {
  static constexpr int lanes = kFloatVecLanes * Vecs;

  // tile[r][j] += a_rows[r][k] * panel[k * panel_stride + j] for k = 0..depth-1 in order.
  static void micro_kernel(i64 depth, const float* const (&a_rows)[Rows], const float* panel, i64 panel_stride,
                           float* tile) {
    FloatVec acc[Rows][Vecs];
    for (int r = 0; r < Rows; ++r)
      for (int v = 0; v < Vecs; ++v) load_vec(acc[r][v], tile + r * lanes + v * kFloatVecLanes);
    for (i64 k = 0; k < depth; ++k) {
      FloatVec b[Vecs];
      for (int v = 0; v < Vecs; ++v) load_vec(b[v], panel + k * panel_stride + v * kFloatVecLanes);
      for (int r = 0; r < Rows; ++r) {
        const float a = a_rows[r][k];
        for (int v = 0; v < Vecs; ++v) acc[r][v] += a * b[v];
      }
    }
    for (int r = 0; r < Rows; ++r)
      for (int v = 0; v < Vecs; ++v) store_vec(tile + r * lanes + v * kFloatVecLanes, acc[r][v]);
  }

  // Copies B[k0..k0+depth) x [col0, col1) into panels of `lanes` columns, each
  // [depth][lanes], zero-filling columns past col1.
  static void pack_panels(const float* B, i64 N, i64 k0, i64 depth, i64 col0, i64 col1, float* panels) {
    for (i64 j = col0; j < col1; j += lanes) {
      const i64 width = std::min<i64>(lanes, col1 - j);
      float* panel = panels + (j - col0) * depth;
      for (i64 k = 0; k < depth; ++k) {
        const float* src = B + (k0 + k) * N + j;
        float* dst = panel + k * lanes;
        std::copy(src, src + width, dst);
        std::fill(dst + width, dst + lanes, 0.0f);
      }
    }
  }

  static void tile(const TileGrid& grid, i64 t, i64 M, i64 N, i64 K, const float* A, const float* B, float* C,
                   float* panels) {
    const i64 row0 = grid.row_begin(t), row1 = grid.row_end(t);
    const i64 col0 = grid.col_begin(t), col1 = grid.col_end(t);
    float out[Rows * lanes];
    // A tile of one micro-row uses each panel once: read full-width panels of B
    // in place and pack only a ragged last one.
    const bool in_place = row1 - row0 <= Rows;
    for (i64 k0 = 0; k0 < K; k0 += kFloatDepth) {
      const i64 depth = std::min(kFloatDepth, K - k0);
      const i64 ragged = (col1 - col0) % lanes == 0 ? col1 : col1 - (col1 - col0) % lanes;
      if (!in_place)
        pack_panels(B, N, k0, depth, col0, col1, panels);
      else if (ragged < col1)
        pack_panels(B, N, k0, depth, ragged, col1, panels + (ragged - col0) * depth);
      for (i64 i = row0; i < row1; i += Rows) {
        const i64 rows = std::min<i64>(Rows, M - i);
        const float* a_rows[Rows];
        // Rows past M repeat the last row; their results are dropped.
        for (int r = 0; r < Rows; ++r) a_rows[r] = A + std::min<i64>(i + r, M - 1) * K + k0;
        for (i64 j = col0; j < col1; j += lanes) {
          const i64 cols = std::min<i64>(lanes, N - j);
          std::fill(out, out + Rows * lanes, 0.0f);
          if (k0 > 0)  // continue the running sums stored after the previous k block
            for (i64 r = 0; r < rows; ++r) std::copy_n(C + (i + r) * N + j, cols, out + r * lanes);
          if (in_place && j < ragged)
            micro_kernel(depth, a_rows, B + k0 * N + j, N, out);
          else
            micro_kernel(depth, a_rows, panels + (j - col0) * depth, lanes, out);
          for (i64 r = 0; r < rows; ++r) std::copy_n(out + r * lanes, cols, C + (i + r) * N + j);
        }
      }
    }
  }

  static void run(i64 M, i64 N, i64 K, const float* A, const float* B, float* C) {
    const TileGrid grid = make_grid(M, N, double(K), Rows, lanes, 256, 256);
    parallel_for(0, grid.count(), [&](i64 t0, i64 t1) {
      std::vector<float> panels(static_cast<std::size_t>(grid.tile_cols * kFloatDepth));
      for (i64 t = t0; t < t1; ++t) tile(grid, t, M, N, K, A, B, C, panels.data());
    });
  }
};

// Narrow panels (one vector) when two-vector panels would mostly pad, e.g. 16 or
// 48 columns with 16-float vectors.
bool prefer_narrow_panels(i64 n, i64 vector_lanes) { return round_up(n, 2 * vector_lanes) > round_up(n, vector_lanes); }

// Micro-tiles that fit the register file: 16 accumulators of 32 AVX-512
// registers, 8 of 16 otherwise.
#if defined(__AVX512F__)
using FloatGemmWide = FloatGemm<8, 2>;
using FloatGemmNarrow = FloatGemm<16, 1>;
#else
using FloatGemmWide = FloatGemm<4, 2>;
using FloatGemmNarrow = FloatGemm<8, 1>;
#endif

// ---------------------------------------------------------------------------
// Integer operands in the orientation the kernels use: X (P x K) is broadcast,
// Y (Q x K) is packed into vector lanes. X is the larger operand, since only Y
// needs a transposing pack. C(p, q) = C[p * c_stride_p + q * c_stride_q].

struct IntProblem {
  i64 P = 0, Q = 0, K = 0;
  const std::int32_t* X = nullptr;
  const std::int32_t* Y = nullptr;
  std::int64_t* C = nullptr;
  i64 c_stride_p = 0, c_stride_q = 0;
  std::int64_t& out(i64 p, i64 q) const { return C[p * c_stride_p + q * c_stride_q]; }
};

// Per-row max |v| and sum |v|: the bounds that prove an accumulator cannot
// saturate. The sums are only computed when the maxima do not suffice.
struct RowBounds {
  std::vector<std::uint64_t> max_abs, sum_abs;
  std::uint64_t max_all = 0;
};

i64 rows_grain(i64 K) { return std::max<i64>(1, (i64{1} << 18) / std::max<i64>(K, 1)); }

RowBounds row_maxima(const std::int32_t* M, i64 rows, i64 K) {
  RowBounds b;
  b.max_abs.resize(static_cast<std::size_t>(rows));
  parallel_for(0, rows, [&](i64 r0, i64 r1) {
    for (i64 r = r0; r < r1; ++r) {
      std::int32_t lo = 0, hi = 0;  // min and max, then the magnitude (|INT32_MIN| needs 64 bits)
      for (i64 k = 0; k < K; ++k) {
        lo = std::min(lo, M[r * K + k]);
        hi = std::max(hi, M[r * K + k]);
      }
      b.max_abs[r] = static_cast<std::uint64_t>(std::max(-std::int64_t{lo}, std::int64_t{hi}));
    }
  }, rows_grain(K));
  for (auto m : b.max_abs) b.max_all = std::max(b.max_all, m);
  return b;
}

void add_row_sums(RowBounds& b, const std::int32_t* M, i64 rows, i64 K) {
  b.sum_abs.resize(static_cast<std::size_t>(rows));
  parallel_for(0, rows, [&](i64 r0, i64 r1) {
    for (i64 r = r0; r < r1; ++r) {
      std::int64_t sum = 0;  // < 2^31 * K: no overflow for any K that fits in memory
      for (i64 k = 0; k < K; ++k) sum += std::abs(std::int64_t{M[r * K + k]});
      b.sum_abs[r] = static_cast<std::uint64_t>(sum);
    }
  }, rows_grain(K));
}

// Largest |partial sum| element (p, q) can reach: sum_k |x||y| <= min(sum|x| max|y|, max|x| sum|y|).
u128 element_bound(const RowBounds& xb, const RowBounds& yb, i64 p, i64 q) {
  return std::min(u128{xb.sum_abs[p]} * yb.max_abs[q], u128{xb.max_abs[p]} * yb.sum_abs[q]);
}

// ----- fast path: int16 operands, exact int32 partial sums over k blocks -----
// Y panels are [kpair][lanes][2]: each 32-bit lane holds (y[q][2kp], y[q][2kp+1]),
// the layout of a pairwise int16 dot-product instruction (vpdpwssd / pmaddwd).

constexpr i64 kIntDepthPairs = 512;  // 1024 k per block; bounded further so int32 cannot overflow

template <int Rows, int Vecs>
void int16_micro_kernel(i64 pairs, const std::int16_t* x, i64 x_stride, const std::int16_t* panel,
                        std::int32_t* out) {
  constexpr int lanes = 16 * Vecs;
#ifdef QTSIM_GEMM_VNNI
  __m512i acc[Rows][Vecs];
  for (int r = 0; r < Rows; ++r)
    for (int v = 0; v < Vecs; ++v) acc[r][v] = _mm512_setzero_si512();
  for (i64 kp = 0; kp < pairs; ++kp) {
    __m512i y[Vecs];
    for (int v = 0; v < Vecs; ++v) y[v] = _mm512_loadu_si512(panel + (kp * lanes + v * 16) * 2);
    for (int r = 0; r < Rows; ++r) {
      std::int32_t pair;
      std::memcpy(&pair, x + r * x_stride + 2 * kp, sizeof pair);
      const __m512i xb = _mm512_set1_epi32(pair);
      for (int v = 0; v < Vecs; ++v) acc[r][v] = _mm512_dpwssd_epi32(acc[r][v], xb, y[v]);
    }
  }
  for (int r = 0; r < Rows; ++r)
    for (int v = 0; v < Vecs; ++v) _mm512_storeu_si512(out + r * lanes + v * 16, acc[r][v]);
#else
  // Portable version of the same pairwise products (GCC vectorizes it with pmaddwd).
  std::int32_t acc[Rows][lanes] = {};
  for (i64 kp = 0; kp < pairs; ++kp) {
    const std::int16_t* y = panel + kp * lanes * 2;
    for (int r = 0; r < Rows; ++r) {
      const std::int32_t x0 = x[r * x_stride + 2 * kp], x1 = x[r * x_stride + 2 * kp + 1];
      for (int l = 0; l < lanes; ++l) acc[r][l] += x0 * y[2 * l] + x1 * y[2 * l + 1];
    }
  }
  for (int r = 0; r < Rows; ++r)
    for (int l = 0; l < lanes; ++l) out[r * lanes + l] = acc[r][l];
#endif
}

// C(p0 + r, q0 + l) = (or +=) tile[r * lanes + l], walking C contiguously.
void store_tile(const IntProblem& pr, i64 p0, i64 q0, i64 rows, i64 cols, const std::int32_t* tile, int lanes,
                bool accumulate) {
  auto store = [&](i64 r, i64 l) {
    std::int64_t& c = pr.out(p0 + r, q0 + l);
    c = accumulate ? c + tile[r * lanes + l] : tile[r * lanes + l];
  };
  if (pr.c_stride_q == 1) {
    for (i64 r = 0; r < rows; ++r)
      for (i64 l = 0; l < cols; ++l) store(r, l);
  } else {
    for (i64 l = 0; l < cols; ++l)
      for (i64 r = 0; r < rows; ++r) store(r, l);
  }
}

template <int Rows, int Vecs>
void gemm_int16(const IntProblem& pr, std::uint64_t max_x, std::uint64_t max_y) {
  constexpr int lanes = 16 * Vecs;
  const i64 K = pr.K, kpairs = ceil_div(K, 2);
  // Any block of `chunk` pairs sums to at most 2 * chunk * max_x * max_y <= INT32_MAX.
  const std::uint64_t pair_bound = 2 * max_x * max_y;  // <= 2 * 32767^2 < 2^31
  const i64 chunk =
      std::max<i64>(1, std::min<i64>(kIntDepthPairs, std::numeric_limits<std::int32_t>::max() / pair_bound));

  const i64 panel_count = ceil_div(pr.Q, lanes);
  const i64 panel_size = kpairs * lanes * 2;
  std::vector<std::int16_t> panels(static_cast<std::size_t>(panel_count * panel_size));
  parallel_for(0, panel_count, [&](i64 b0, i64 b1) {
    for (i64 b = b0; b < b1; ++b)
      for (int l = 0; l < lanes; ++l) {
        const i64 q = b * lanes + l;
        std::int16_t* dst = panels.data() + b * panel_size + 2 * l;
        for (i64 k = 0; k < 2 * kpairs; ++k)
          dst[(k / 2) * lanes * 2 + (k & 1)] = q < pr.Q && k < K ? static_cast<std::int16_t>(pr.Y[q * K + k]) : 0;
      }
  });

  const TileGrid grid = make_grid(pr.P, pr.Q, double(K), Rows, lanes, 512, 256);
  parallel_for(0, grid.count(), [&](i64 t0, i64 t1) {
    std::vector<std::int16_t> x_block(static_cast<std::size_t>(Rows * chunk * 2));
    std::int32_t out[Rows * lanes];
    for (i64 t = t0; t < t1; ++t) {
      const i64 p0 = grid.row_begin(t), p1 = grid.row_end(t), q0 = grid.col_begin(t), q1 = grid.col_end(t);
      for (i64 kp0 = 0; kp0 < kpairs; kp0 += chunk) {
        const i64 pairs = std::min(chunk, kpairs - kp0);
        const i64 x_stride = 2 * pairs;
        const i64 k_begin = 2 * kp0, k_count = std::min(K - k_begin, x_stride);
        for (i64 p = p0; p < p1; p += Rows) {
          const i64 rows = std::min<i64>(Rows, pr.P - p);
          for (i64 r = 0; r < Rows; ++r) {  // narrow this k block of X rows to int16 (zero padded)
            std::int16_t* dst = x_block.data() + r * x_stride;
            if (r < rows) {
              const std::int32_t* src = pr.X + (p + r) * K + k_begin;
              for (i64 k = 0; k < k_count; ++k) dst[k] = static_cast<std::int16_t>(src[k]);
              std::fill(dst + k_count, dst + x_stride, std::int16_t{0});
            } else {
              std::fill(dst, dst + x_stride, std::int16_t{0});
            }
          }
          for (i64 q = q0; q < q1; q += lanes) {
            const i64 cols = std::min<i64>(lanes, pr.Q - q);
            int16_micro_kernel<Rows, Vecs>(pairs, x_block.data(), x_stride,
                                           panels.data() + (q / lanes) * panel_size + kp0 * lanes * 2, out);
            store_tile(pr, p, q, rows, cols, out, lanes, kp0 > 0);
          }
        }
      }
    }
  });
}

void gemm_fast(const IntProblem& pr, std::uint64_t max_x, std::uint64_t max_y) {
  if (max_x == 0 || max_y == 0) {
    for (i64 p = 0; p < pr.P; ++p)
      for (i64 q = 0; q < pr.Q; ++q) pr.out(p, q) = 0;
    return;
  }
  if (prefer_narrow_panels(pr.Q, 16))
    gemm_int16<16, 1>(pr, max_x, max_y);
  else
    gemm_int16<8, 2>(pr, max_x, max_y);
}

// ----- canonical path: increasing k, saturate after every addition -----
// Vectorized across a row of outputs (each lane its own sequential sum) in lanes
// of T, the narrowest type in which acc + product cannot overflow. Y is packed
// once into k-major panels of `Lanes` rows; X rows are broadcast.

constexpr int kSatRows = 4;
constexpr i64 kSatDepth = 512;  // k block between saves of the running sums

template <typename T, int Lanes>
struct SaturatingGemm {
  static void micro_kernel(i64 depth, const std::int32_t* const (&x_rows)[kSatRows], const T* panel, T* acc_io,
                           T* count_io, T hi) {
    T acc[kSatRows][Lanes], count[kSatRows][Lanes];
    std::copy_n(acc_io, kSatRows * Lanes, &acc[0][0]);
    std::copy_n(count_io, kSatRows * Lanes, &count[0][0]);
    const T lo = -hi;
    for (i64 k = 0; k < depth; ++k) {
      for (int r = 0; r < kSatRows; ++r) {
        const T x = x_rows[r][k];
        for (int l = 0; l < Lanes; ++l) {
          const T sum = acc[r][l] + x * panel[k * Lanes + l];
          const T clamped = sum < lo ? lo : (sum > hi ? hi : sum);
          count[r][l] += static_cast<T>(clamped != sum);
          acc[r][l] = clamped;
        }
      }
    }
    std::copy_n(&acc[0][0], kSatRows * Lanes, acc_io);
    std::copy_n(&count[0][0], kSatRows * Lanes, count_io);
  }

  static TileGrid grid(const IntProblem& pr) {
    // A saturating multiply-add costs about as much as ten of the fast path's.
    return make_grid(pr.P, pr.Q, 10.0 * double(pr.K), kSatRows, Lanes, 256, 4 * Lanes);
  }

  // panels[b][k][l] = Y[b * Lanes + l][k], zero past Q.
  static std::vector<T> pack_panels(const IntProblem& pr) {
    const i64 count = ceil_div(pr.Q, Lanes), K = pr.K;
    std::vector<T> panels(static_cast<std::size_t>(count * K * Lanes));
    parallel_for(0, count, [&](i64 b0, i64 b1) {
      for (i64 b = b0; b < b1; ++b)
        for (int l = 0; l < Lanes; ++l) {
          const i64 q = b * Lanes + l;
          T* dst = panels.data() + b * K * Lanes + l;
          for (i64 k = 0; k < K; ++k) dst[k * Lanes] = q < pr.Q ? T(pr.Y[q * K + k]) : T{0};
        }
    });
    return panels;
  }

  // Runs the listed tiles of grid(pr); returns saturations.
  static std::uint64_t run(const IntProblem& pr, T hi, const std::vector<i64>& tiles) {
    const TileGrid g = grid(pr);
    const i64 K = pr.K;
    const std::vector<T> panels = pack_panels(pr);
    std::atomic<std::uint64_t> saturations{0};
    parallel_for(0, static_cast<i64>(tiles.size()), [&](i64 i0, i64 i1) {
      std::vector<T> acc(static_cast<std::size_t>(g.tile_rows * Lanes)), count(acc.size());
      std::uint64_t local = 0;
      for (i64 i = i0; i < i1; ++i) {
        const i64 t = tiles[i], p0 = g.row_begin(t), p1 = g.row_end(t);
        for (i64 q = g.col_begin(t); q < g.col_end(t); q += Lanes) {
          const i64 cols = std::min<i64>(Lanes, pr.Q - q);
          const T* panel = panels.data() + (q / Lanes) * K * Lanes;
          std::fill(acc.begin(), acc.end(), T{0});
          std::fill(count.begin(), count.end(), T{0});
          for (i64 k0 = 0; k0 < K; k0 += kSatDepth) {
            const i64 depth = std::min(kSatDepth, K - k0);
            for (i64 p = p0; p < p1; p += kSatRows) {
              const std::int32_t* x_rows[kSatRows];  // rows past P repeat the last row
              for (int r = 0; r < kSatRows; ++r) x_rows[r] = pr.X + std::min<i64>(p + r, pr.P - 1) * K + k0;
              micro_kernel(depth, x_rows, panel + k0 * Lanes, acc.data() + (p - p0) * Lanes,
                           count.data() + (p - p0) * Lanes, hi);
            }
          }
          // Rows past P and lanes past Q were padding: not stored, not counted.
          for (i64 p = p0; p < p1; ++p)
            for (i64 l = 0; l < cols; ++l) local += static_cast<std::uint64_t>(count[(p - p0) * Lanes + l]);
          const auto store = [&](i64 p, i64 l) {
            pr.out(p, q + l) = static_cast<std::int64_t>(acc[(p - p0) * Lanes + l]);
          };
          if (pr.c_stride_q == 1) {
            for (i64 p = p0; p < p1; ++p)
              for (i64 l = 0; l < cols; ++l) store(p, l);
          } else {
            for (i64 l = 0; l < cols; ++l)
              for (i64 p = p0; p < p1; ++p) store(p, l);
          }
        }
      }
      saturations += local;
    });
    return saturations;
  }

  // Saturation may happen: the canonical path runs on the tiles holding an
  // element whose own bound exceeds the range (all tiles for operands wider than
  // int16), the fast path everywhere else.
  static std::uint64_t run_bounded(const IntProblem& pr, RowBounds& xb, RowBounds& yb, std::int64_t hi,
                                   bool int16_operands) {
    const TileGrid g = grid(pr);
    std::vector<i64> all(static_cast<std::size_t>(g.count()));
    for (i64 t = 0; t < g.count(); ++t) all[t] = t;
    if (!int16_operands) return run(pr, static_cast<T>(hi), all);
    add_row_sums(xb, pr.X, pr.P, pr.K);
    add_row_sums(yb, pr.Y, pr.Q, pr.K);
    std::vector<char> risk(static_cast<std::size_t>(g.count()), 0);
    parallel_for(0, g.count(), [&](i64 t0, i64 t1) {
      for (i64 t = t0; t < t1; ++t)
        for (i64 p = g.row_begin(t); p < g.row_end(t) && !risk[t]; ++p)
          for (i64 q = g.col_begin(t); q < g.col_end(t) && !risk[t]; ++q)
            risk[t] = element_bound(xb, yb, p, q) > static_cast<u128>(hi);
    });
    std::vector<i64> risky;
    for (i64 t = 0; t < g.count(); ++t)
      if (risk[t]) risky.push_back(t);
    if (risky.size() == all.size()) return run(pr, static_cast<T>(hi), all);
    gemm_fast(pr, xb.max_all, yb.max_all);
    return risky.empty() ? 0 : run(pr, static_cast<T>(hi), risky);
  }
};

// One vector of lanes when Q would mostly pad two, else two.
template <typename T>
std::uint64_t gemm_bounded(const IntProblem& pr, RowBounds& xb, RowBounds& yb, std::int64_t hi, bool int16_operands) {
  constexpr int vector_lanes = static_cast<int>(64 / sizeof(T));
  if (prefer_narrow_panels(pr.Q, vector_lanes))
    return SaturatingGemm<T, vector_lanes>::run_bounded(pr, xb, yb, hi, int16_operands);
  return SaturatingGemm<T, 2 * vector_lanes>::run_bounded(pr, xb, yb, hi, int16_operands);
}

}  // namespace

void gemm_float(std::int64_t M, std::int64_t N, std::int64_t K, const float* A, const float* B, float* C) {
  if (M <= 0 || N <= 0) return;
  if (K <= 0) {
    std::fill(C, C + M * N, 0.0f);
    return;
  }
  if (prefer_narrow_panels(N, kFloatVecLanes))
    FloatGemmNarrow::run(M, N, K, A, B, C);
  else
    FloatGemmWide::run(M, N, K, A, B, C);
}

std::uint64_t gemm_int(std::int64_t M, std::int64_t N, std::int64_t K, const std::int32_t* A, const std::int32_t* Bt,
                       std::int64_t* C, int acc_bits) {
  if (acc_bits < 2 || acc_bits > 64)
    throw std::invalid_argument("gemm_int: acc_bits must be 2..64, got " + std::to_string(acc_bits));
  if (M <= 0 || N <= 0) return 0;
  if (K <= 0) {
    std::fill(C, C + M * N, std::int64_t{0});
    return 0;
  }
  IntProblem pr;
  if (M >= N) {
    pr = {M, N, K, A, Bt, C, N, 1};
  } else {  // computes C^T: the wide operand Bt is broadcast
    pr = {N, M, K, Bt, A, C, 1, N};
  }
  RowBounds xb = row_maxima(pr.X, pr.P, K);
  RowBounds yb = row_maxima(pr.Y, pr.Q, K);
  const u128 range = (u128{1} << (acc_bits - 1)) - 1;
  const u128 max_product = u128{xb.max_all} * yb.max_all;
  const u128 bound = u128(K) * max_product;
  const bool int16_operands = xb.max_all <= 32767 && yb.max_all <= 32767;
  if (bound <= range && int16_operands) {  // no partial sum can leave the range: any order is exact
    gemm_fast(pr, xb.max_all, yb.max_all);
    return 0;
  }
  // Saturating at min(range, bound) is the same as at range (when bound <= range
  // nothing saturates) and lets the canonical path use narrower lanes.
  const std::int64_t hi = static_cast<std::int64_t>(std::min(range, bound));
  // Lane type for the canonical path: acc (|.| <= hi) + one product must fit.
  const u128 worst_sum = u128(hi) + max_product;
  const bool fits32 = worst_sum <= u128{std::numeric_limits<std::int32_t>::max()} &&
                      K <= std::numeric_limits<std::int32_t>::max();
  const bool fits64 = worst_sum <= u128{std::numeric_limits<std::int64_t>::max()};
  if (fits32) return gemm_bounded<std::int32_t>(pr, xb, yb, hi, int16_operands);
  if (fits64) return gemm_bounded<std::int64_t>(pr, xb, yb, hi, int16_operands);
  return gemm_bounded<__int128>(pr, xb, yb, hi, int16_operands);
}

}  // namespace qtsim::ref
