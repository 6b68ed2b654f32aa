#pragma once
// Pieces shared by the normalization unit's batchnorm kernels.
//
// The unit: `norm.lanes` lanes (FP32/FP64 add and multiply, integer add and
// multiply up to 128-bit accumulators), a per-channel statistics register file
// (one entry per channel of the layer: sums, means, reciprocals) that holds a
// pass's per-channel results until the pass ends, and `norm.units` iterative
// units beside the lanes:
//   FP32 BN:  square root (`sqrt_latency` cycles, not pipelined) and divide
//             (`divide_latency`);
//   int-bn:   one digit-recurrence unit per `units` that computes an integer
//             square root or a rounded integer division one result bit per
//             cycle (`isqrt_latency` cycles each; a shared divide/sqrt
//             recurrence, as in most FPUs).
// Channel-major streaming (Chunking::rows_by_channel) finishes a channel's sums
// before the next channel starts; the channel's scalar work (divide, square
// root) runs on the iterative units while the lanes stream the next chunk, so a
// chunk costs max(stream, scalar) cycles, except the last chunk, whose scalar
// work comes after it. Work on whole per-channel vectors at the end of a pass
// (a quantizer over the C means, reciprocals with a common scale) follows the
// last chunk.
#include <cstdint>
#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "models/hw/core/hw_config.hpp"
#include "models/hw/core/hw_tensor.hpp"
#include "models/hw/kernels/norm/beyond_128_bits.hpp"
#include "models/hw/kernels/vector/quantizer_unit.hpp"
#include "models/ref/random_bits.hpp"

namespace qtsim::hw {

struct KernelEnv;

namespace norm {

inline std::uint64_t ceil_div_u(std::uint64_t a, std::uint64_t b) { return (a + b - 1) / b; }

// Channels whose last element (in channel-major order: images, then rows) lies
// in chunk box `b` of an iteration shape `s`.
inline std::int64_t channels_completed(const Box& b, const Dims4& s) {
  return b.n0 + b.nn == s.n && b.h0 + b.nh == s.h && b.w0 + b.nw == s.w ? b.nc : 0;
}

// Checks that `t` is a per-channel vector [1][C][1][1] of type `type`.
void require_channel_vector(const HwTensor& t, std::int64_t channels, DType type, const char* kernel);
// Checks that `t` has dims `d` and type `type`.
void require_tensor(const HwTensor& t, const Dims4& d, DType type, const char* kernel);

// Channel (absolute) of element i of a chunk box (elements in NCHW order inside the box).
inline std::int64_t channel_of(const Box& b, std::int64_t i) { return b.c0 + (i / (b.nh * b.nw)) % b.nc; }

// Cycles of `channels` channels' FP32 scalar work on the sqrt/divide units.
inline std::uint64_t fp_scalar_cycles(const NormUnitSpec& n, std::int64_t channels, int sqrts, int divides) {
  if (channels <= 0) return 0;
  return ceil_div_u(static_cast<std::uint64_t>(channels), static_cast<std::uint64_t>(n.units)) *
         static_cast<std::uint64_t>(sqrts * n.sqrt_latency + divides * n.divide_latency);
}

// Cycles of `channels` channels' integer square roots and divisions on the digit-recurrence units.
inline std::uint64_t digit_recurrence_cycles(const NormUnitSpec& n, std::int64_t channels, int operations) {
  if (channels <= 0) return 0;
  return ceil_div_u(static_cast<std::uint64_t>(channels), static_cast<std::uint64_t>(n.units)) *
         static_cast<std::uint64_t>(operations * n.isqrt_latency);
}

// Cycles of a chunk whose channels' scalar work overlaps the next chunk's
// stream; the last chunk's scalar work follows it.
inline std::uint64_t chunk_cycles(std::uint64_t stream, std::uint64_t scalar, bool last) {
  return last ? stream + scalar : std::max(stream, scalar);
}

// Lane work on a per-channel vector of `channels` elements, `ops` operations each.
inline std::uint64_t lane_cycles(const HwConfig& c, std::int64_t channels, int ops) {
  if (channels <= 0 || ops <= 0) return 0;
  return ceil_div_u(static_cast<std::uint64_t>(channels) * static_cast<std::uint64_t>(ops),
                    static_cast<std::uint64_t>(c.norm.lanes)) +
         static_cast<std::uint64_t>(c.vector_unit.pipeline_latency);
}

// SRAM words as floats. FP64 statistics live in 64-bit words (DType::i64 regions
// holding IEEE-754 doubles): the unit's statistics are double precision.
inline float load_f32(const std::uint8_t* p, std::int64_t i) {
  float v;
  std::memcpy(&v, p + 4 * i, 4);
  return v;
}
inline void store_f32(std::uint8_t* p, std::int64_t i, float v) { std::memcpy(p + 4 * i, &v, 4); }
inline double load_f64(const std::uint8_t* p, std::int64_t i) {
  double v;
  std::memcpy(&v, p + 8 * i, 8);
  return v;
}
inline void store_f64(std::uint8_t* p, std::int64_t i, double v) { std::memcpy(p + 8 * i, &v, 8); }

// |v| of a 128-bit value.
inline unsigned __int128 abs128(__int128 v) {
  return v < 0 ? static_cast<unsigned __int128>(-(v + 1)) + 1 : static_cast<unsigned __int128>(v);
}

// Running max and min of exact products (docs/NUMERICS.md §4.6): the narrowing
// shift z comes from max|v|, and because flooring is monotone the narrowed
// tensor's max|v| is max(|max >> z|, |min >> z|), so one pass gives both the
// narrowing and the quantizer's input max. Products beyond 128 bits (int-bn
// backward with extreme exponents) are kept apart, in wide integers.
struct WideRange {
  __int128 max = 0, min = 0;
  bool any = false;
  BeyondInt beyond_max = 0, beyond_min = 0;
  bool any_beyond = false;
  void add(__int128 v) {
    if (!any || v > max) max = v;
    if (!any || v < min) min = v;
    any = true;
  }
  void add(const BeyondInt& v) {
    if (!any_beyond || v > beyond_max) beyond_max = v;
    if (!any_beyond || v < beyond_min) beyond_min = v;
    any_beyond = true;
  }
  int narrow_shift() const;              // z = max(0, bitlen(max|v|) - 62)
  std::uint64_t narrowed_max_abs() const;  // max|v >> z|
};

// The grid of y = gamma * x-hat + beta (docs/NUMERICS.md §8 step 6): the common
// grid of the product (x-hat's and gamma's widths added) and beta (align_grid.hpp).
struct AffineGrid {
  int exp = 0;         // e_y
  int prod_shift = 0;  // gamma * x-hat onto e_y
  int beta_shift = 0;  // beta onto e_y
};
AffineGrid affine_grid(int e_xhat, int xhat_bits, const HwTensor& gamma, int e_gamma, const HwTensor& beta, int e_beta);

// A whole per-channel vector quantized by the lanes after the controller chose
// the shift from its max (what the reference's quantize does for small tensors).
struct VectorQuantized {
  std::vector<std::int64_t> q;
  std::vector<std::uint8_t> flags;  // flag quantizer only
  RequantPlan plan;
  ref::QuantStats stats;
};
VectorQuantized quantize_vector(const std::vector<std::int64_t>& v, int in_exp, const ref::QuantizerSpec& spec,
                                const ref::RandomStream& random);
// Records a quantization in the data-dependent events of path `path`, as the vector unit does.
void record_quantization(KernelEnv& env, const std::string& path, const ref::QuantStats& stats, const RequantPlan& plan);

}  // namespace norm
}  // namespace qtsim::hw
