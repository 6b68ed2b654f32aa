#include "mac_arithmetic.hpp"

#include <algorithm>
#include <cstring>
#include <limits>

#if defined(__AVX512F__) && defined(__AVX512BW__)
#include <immintrin.h>
#define QTSIM_HW_GEMM_PAIRS 512
#elif defined(__AVX2__)
#include <immintrin.h>
#define QTSIM_HW_GEMM_PAIRS 256
#endif

namespace qtsim::hw {

namespace {

// Scratch of the tile being computed, kept between tiles (and kernels) so
// that each tile does not allocate and fault in fresh pages.
struct Scratch {
  std::vector<std::int32_t> acc, a_pairs;
  std::vector<std::int16_t> b_pairs;
};

Scratch& scratch() {
  thread_local Scratch s;
  return s;
}

std::uint64_t magnitude(std::int64_t v) { return static_cast<std::uint64_t>(v < 0 ? -v : v); }

#ifdef QTSIM_HW_GEMM_PAIRS
// The exact fast path of an integer block whose operands fit int16 and whose
// partial sums cannot leave int32 (so the order of additions does not matter):
// B is packed as k-pairs, b_pairs[((p * Np) + j) * 2 + {0, 1}] = b[2p][j],
// b[2p + 1][j] (zero past K and N), and each output row accumulates pairwise
// int16 dot products (pmaddwd / vpdpwssd) in int32 lanes, several vectors of
// columns held in registers across the whole reduction.
#if QTSIM_HW_GEMM_PAIRS == 512
using PairVec = __m512i;
constexpr std::size_t kPairLanes = 16;
inline PairVec pv_load(const void* p) { return _mm512_loadu_si512(p); }
inline void pv_store(void* p, PairVec v) { _mm512_storeu_si512(p, v); }
inline PairVec pv_broadcast(std::int32_t v) { return _mm512_set1_epi32(v); }
inline PairVec pv_dot_add(PairVec acc, PairVec a, PairVec b) {
#ifdef __AVX512VNNI__
  return _mm512_dpwssd_epi32(acc, a, b);
#else
  return _mm512_add_epi32(acc, _mm512_madd_epi16(a, b));
#endif
}
#else
using PairVec = __m256i;
constexpr std::size_t kPairLanes = 8;
inline PairVec pv_load(const void* p) { return _mm256_loadu_si256(static_cast<const __m256i*>(p)); }
inline void pv_store(void* p, PairVec v) { _mm256_storeu_si256(static_cast<__m256i*>(p), v); }
inline PairVec pv_broadcast(std::int32_t v) { return _mm256_set1_epi32(v); }
inline PairVec pv_dot_add(PairVec acc, PairVec a, PairVec b) { return _mm256_add_epi32(acc, _mm256_madd_epi16(a, b)); }
#endif

// A tile of Rows output rows x Vecs vectors of columns from column j0:
// acc[r * np + j] += sum over p of a_pairs[r * kp + p] . b_pairs row p, held in
// registers across the whole reduction (independent chains hide the latency).
template <int Rows, int Vecs>
inline void pair_tile(std::size_t kp, std::size_t np, std::size_t j0, const std::int32_t* a_pairs,
                      const std::int16_t* b_pairs, std::int32_t* acc) {
  PairVec c[Rows][Vecs];
  for (int r = 0; r < Rows; ++r)
    for (int v = 0; v < Vecs; ++v) c[r][v] = pv_load(acc + r * np + j0 + v * kPairLanes);
  const std::int16_t* bp = b_pairs + 2 * j0;
  for (std::size_t p = 0; p < kp; ++p, bp += 2 * np) {
    PairVec bv[Vecs];
    for (int v = 0; v < Vecs; ++v) bv[v] = pv_load(bp + 2 * v * kPairLanes);
    for (int r = 0; r < Rows; ++r) {
      const PairVec w = pv_broadcast(a_pairs[r * kp + p]);
      for (int v = 0; v < Vecs; ++v) c[r][v] = pv_dot_add(c[r][v], w, bv[v]);
    }
  }
  for (int r = 0; r < Rows; ++r)
    for (int v = 0; v < Vecs; ++v) pv_store(acc + r * np + j0 + v * kPairLanes, c[r][v]);
}

// All np columns of Rows rows.
template <int Rows>
inline void pair_rows(std::size_t kp, std::size_t np, const std::int32_t* a_pairs, const std::int16_t* b_pairs,
                      std::int32_t* acc) {
  std::size_t j0 = 0;
  for (; j0 + 4 * kPairLanes <= np; j0 += 4 * kPairLanes) pair_tile<Rows, 4>(kp, np, j0, a_pairs, b_pairs, acc);
  if (j0 + 2 * kPairLanes <= np) {
    pair_tile<Rows, 2>(kp, np, j0, a_pairs, b_pairs, acc);
    j0 += 2 * kPairLanes;
  }
  if (j0 < np) pair_tile<Rows, 1>(kp, np, j0, a_pairs, b_pairs, acc);
}
#endif

}  // namespace

IntMacOutcome int_mac(const std::vector<std::int32_t>& a, const std::vector<std::int32_t>& b, std::int64_t m_, std::int64_t n_,
                      std::int64_t k_, PartialSums out, bool first, std::uint64_t psum_bound, IntAccumulator accum) {
  const auto M = static_cast<std::size_t>(m_), N = static_cast<std::size_t>(n_), K = static_cast<std::size_t>(k_);
  auto at = [&](std::size_t i, std::size_t j) { return out.base + 4 * (static_cast<std::int64_t>(i) * out.row_stride + static_cast<std::int64_t>(j)); };
  const int bits = accum.bits;
  // Saturation is to the symmetric range +-(2^(bits-1) - 1) (docs/NUMERICS.md §1, §5).
  const std::int64_t acc_max = (std::int64_t{1} << (bits - 1)) - 1, acc_min = -acc_max;
  std::uint64_t max_a = 0, max_b = 0;
  for (std::int32_t v : a) max_a = std::max(max_a, magnitude(v));
  for (std::int32_t v : b) max_b = std::max(max_b, magnitude(v));
  const std::uint64_t psum_max = first ? 0 : psum_bound;
  // When no partial sum can leave the accumulator's range the order of additions
  // does not matter and 32-bit arithmetic is exact; otherwise every addition
  // saturates (or wraps) in reduction order, as the array's adders do.
  const unsigned __int128 bound = static_cast<unsigned __int128>(max_a) * max_b * K + psum_max;
  const bool fast = bound <= static_cast<unsigned __int128>(acc_max);
  IntMacOutcome outcome;
#ifdef QTSIM_HW_GEMM_PAIRS
  if (fast && bound <= static_cast<unsigned __int128>(std::numeric_limits<std::int32_t>::max()) && max_a <= 32767 &&
      max_b <= 32767) {
    Scratch& sc = scratch();
    const std::size_t KP = (K + 1) / 2, NP = (N + kPairLanes - 1) / kPairLanes * kPairLanes;
    std::vector<std::int16_t>& bp = sc.b_pairs;
    bp.assign(KP * NP * 2, 0);
    for (std::size_t kk = 0; kk < K; ++kk) {
      const std::int32_t* brow = b.data() + kk * N;
      std::int16_t* dst = bp.data() + (kk / 2) * NP * 2 + (kk & 1);
      for (std::size_t j = 0; j < N; ++j) dst[2 * j] = static_cast<std::int16_t>(brow[j]);
    }
    constexpr std::size_t kRows = 4;
    std::vector<std::int32_t>& ap = sc.a_pairs;
    std::vector<std::int32_t>& acc = sc.acc;
    ap.assign(kRows * KP, 0);
    acc.assign(kRows * NP, 0);
    for (std::size_t i0 = 0; i0 < M; i0 += kRows) {
      const std::size_t rows = std::min(kRows, M - i0);
      for (std::size_t r = 0; r < rows; ++r) {
        const std::int32_t* arow = a.data() + (i0 + r) * K;
        std::int32_t* apr = ap.data() + r * KP;
        for (std::size_t p = 0; p < K / 2; ++p)
          apr[p] = static_cast<std::int32_t>(static_cast<std::uint32_t>(static_cast<std::uint16_t>(arow[2 * p])) |
                                             static_cast<std::uint32_t>(static_cast<std::uint16_t>(arow[2 * p + 1])) << 16);
        if (K % 2) apr[KP - 1] = static_cast<std::int32_t>(static_cast<std::uint16_t>(arow[K - 1]));
        std::int32_t* accr = acc.data() + r * NP;
        if (first)
          std::fill(accr, accr + N, 0);
        else
          std::memcpy(accr, at(i0 + r, 0), 4 * N);
      }
      if (rows == kRows)
        pair_rows<kRows>(KP, NP, ap.data(), bp.data(), acc.data());
      else
        for (std::size_t r = 0; r < rows; ++r) pair_rows<1>(KP, NP, ap.data() + r * KP, bp.data(), acc.data() + r * NP);
      for (std::size_t r = 0; r < rows; ++r) {
        const std::int32_t* accr = acc.data() + r * NP;
        std::memcpy(at(i0 + r, 0), accr, 4 * N);
        for (std::size_t j = 0; j < N; ++j) outcome.max_abs = std::max(outcome.max_abs, magnitude(accr[j]));
      }
    }
    return outcome;
  }
#endif
  std::vector<std::int64_t> acc(N);
  std::vector<std::int32_t> acc32(N);
  for (std::size_t i = 0; i < M; ++i) {
    if (first)
      std::fill(acc32.begin(), acc32.end(), 0);
    else
      std::memcpy(acc32.data(), at(i, 0), 4 * N);
    if (fast) {
      for (std::size_t kk = 0; kk < K; ++kk) {
        const std::int32_t av = a[i * K + kk];
        if (av == 0) continue;
        const std::int32_t* brow = b.data() + kk * N;
        for (std::size_t j = 0; j < N; ++j) acc32[j] += av * brow[j];
      }
    } else {
      std::copy(acc32.begin(), acc32.end(), acc.begin());
      const std::uint64_t modulus_mask = bits == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << bits) - 1;
      for (std::size_t kk = 0; kk < K; ++kk) {
        const std::int64_t av = a[i * K + kk];
        const std::int32_t* brow = b.data() + kk * N;
        for (std::size_t j = 0; j < N; ++j) {
          std::int64_t s = acc[j] + av * brow[j];
          if (s > acc_max || s < (accum.saturates ? acc_min : acc_min - 1)) {
            ++outcome.saturations;
            if (accum.saturates) {
              s = s > acc_max ? acc_max : acc_min;
            } else {  // two's complement wrap-around at `bits`
              std::uint64_t u = static_cast<std::uint64_t>(s) & modulus_mask;
              if (u >> (bits - 1)) u |= ~modulus_mask;
              s = static_cast<std::int64_t>(u);
            }
          }
          acc[j] = s;
        }
      }
      for (std::size_t j = 0; j < N; ++j) acc32[j] = static_cast<std::int32_t>(acc[j]);
    }
    std::memcpy(at(i, 0), acc32.data(), 4 * N);
    for (std::int32_t v : acc32) outcome.max_abs = std::max(outcome.max_abs, magnitude(v));
  }
  return outcome;
}

void float_mac(const std::vector<float>& a, const std::vector<float>& b, std::int64_t m_, std::int64_t n_, std::int64_t k_,
               PartialSums out, bool first) {
  const auto M = static_cast<std::size_t>(m_), N = static_cast<std::size_t>(n_), K = static_cast<std::size_t>(k_);
  std::vector<float> acc(N);
  for (std::size_t i = 0; i < M; ++i) {
    std::uint8_t* row = out.base + 4 * static_cast<std::int64_t>(i) * out.row_stride;
    if (first)
      std::fill(acc.begin(), acc.end(), 0.0f);
    else
      std::memcpy(acc.data(), row, 4 * N);
    for (std::size_t kk = 0; kk < K; ++kk) {
      const float av = a[i * K + kk];
      const float* brow = b.data() + kk * N;
      for (std::size_t j = 0; j < N; ++j) acc[j] = acc[j] + av * brow[j];
    }
    std::memcpy(row, acc.data(), 4 * N);
  }
}

}  // namespace qtsim::hw
