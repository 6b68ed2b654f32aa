#pragma once
// The quantizer families of docs/NUMERICS.md ("Quantizers"): direct, shift,
// constant and flag. All are defined on exact integers: a quantizer maps a
// WideTensor (int64 values at one exponent) to a QTensor. Floats enter through
// an exact conversion to a WideTensor (to_wide), never through float rounding.
#include <cstdint>
#include <string>

#include "random_bits.hpp"
#include "rounding.hpp"
#include "tensor.hpp"

namespace qtsim::ref {

enum class QuantizerKind { direct, shift, constant, flag };

struct QuantizerSpec {
  QuantizerKind kind = QuantizerKind::shift;
  int bits = 8;
  Rounding rounding = Rounding::nearest;
  int exponent = 0;       // direct: the fixed exponent of the result
  int constant_log2 = 7;  // constant: c = 2^constant_log2, results clipped to +-(c-1)
};

// What one quantization did; summed into the run's statistics and dumps.
struct QuantStats {
  std::uint64_t elements = 0;
  std::uint64_t saturated = 0;  // values that overflowed the range and were saturated (counted, never silent)
  std::uint64_t clipped = 0;    // constant quantizer: clips to +-(c-1) by design (the largest elements)
  std::uint64_t nonfinite = 0;  // NaN/Inf met on float entry (NaN -> 0, Inf -> +-2^62 on the entry grid)
  int shift = 0;                // right shift applied to the input grid (may be negative)
  int discarded_exp = 0;        // constant quantizer: exponent of the scale it normalised away
  void add(const QuantStats& o) {
    elements += o.elements;
    saturated += o.saturated;
    clipped += o.clipped;
    nonfinite += o.nonfinite;
  }
};

std::string to_string(QuantizerKind kind);
std::string to_string(Rounding rounding);

// Smallest s >= 0 such that max_abs rounded right by s bits (worst case of the
// rounding mode) fits in bits-1 magnitude bits, so the largest element never
// saturates: nearest needs (m + 2^(s-1)) >> s <= qmax, stochastic (m + 2^s - 1) >> s <= qmax.
int choose_shift(std::uint64_t max_abs, int bits, Rounding rounding);

// round(log2(m)) for m > 0, computed exactly in integers (0 for m == 0).
int round_log2(std::uint64_t m);

std::uint64_t max_abs(const WideTensor& t);

// Quantize exact integers. `random` supplies word i for element i (flat NCHW index).
QTensor quantize(const WideTensor& in, const QuantizerSpec& spec, const RandomStream& random,
                 QuantStats* stats = nullptr);

// Exact float -> integer entry: every float is m * 2^x with a 24-bit integer m;
// each is converted to an int64 at the common exponent msb(max) - 40 with floor
// (which preserves nearest-rounding decisions at every coarser grid). NaN -> 0
// and +-Inf -> +-2^62, both counted as non-finite.
WideTensor to_wide(const FTensor& in, QuantStats* stats = nullptr);

// Exact widening of a quantized tensor to `exp` (<= its finest element exponent).
WideTensor to_wide(const QTensor& in);
WideTensor to_wide(const QTensor& in, int exp);
// Finest exponent present in a tensor (exp - flag_shift when any element is flagged).
int finest_exp(const QTensor& t);

// value = q * 2^exp as float (exact for |q| < 2^24 and exponents in float range).
FTensor dequantize(const QTensor& in);
FTensor dequantize(const WideTensor& in);

// Float entry in one call: to_wide + quantize.
QTensor quantize(const FTensor& in, const QuantizerSpec& spec, const RandomStream& random,
                 QuantStats* stats = nullptr);

}  // namespace qtsim::ref
