#include "quantizer.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <atomic>
#include <limits>
#include <stdexcept>

#include "ops/elementwise.hpp"
#include "parallel.hpp"

namespace qtsim::ref {

std::string to_string(QuantizerKind kind) {
  switch (kind) {
    case QuantizerKind::direct: return "direct";
    case QuantizerKind::shift: return "shift";
    case QuantizerKind::constant: return "constant";
    case QuantizerKind::flag: return "flag";
  }
  return "?";
}

std::string to_string(Rounding rounding) { return rounding == Rounding::nearest ? "nearest" : "stochastic"; }

namespace {

// Worst-case result of rounding a non-negative m right by s bits.
std::uint64_t worst_rounded(std::uint64_t m, int s, Rounding rounding) {
  if (s == 0) return m;
  if (s >= 64) return 1;  // never the binding case: callers stop long before
  const unsigned __int128 offset = rounding == Rounding::nearest ? (static_cast<unsigned __int128>(1) << (s - 1))
                                                                 : ((static_cast<unsigned __int128>(1) << s) - 1);
  return static_cast<std::uint64_t>((static_cast<unsigned __int128>(m) + offset) >> s);
}

int bit_length(std::uint64_t m) { return m == 0 ? 0 : 64 - std::countl_zero(m); }

constexpr std::int64_t kGrain = 16384;  // elements: the smallest chunk worth a thread

// round_shift(v, s, mode, word) in plain int64 arithmetic, for the cases where
// that gives the same result as round_shift's 128-bit rule: v + offset cannot
// overflow (s > 0), or the left shift by -s cannot (s <= 0). Branch-free per
// element, so the loops that use it vectorize.
class Int64Rounding {
 public:
  static bool exact(std::uint64_t max_abs, int s, Rounding mode) {
    constexpr std::uint64_t kMax = std::numeric_limits<std::int64_t>::max();
    if (s <= 0) return s > -63 && max_abs <= (kMax >> -s);
    if (s > 62) return false;
    const Int64Rounding r(s);
    const std::uint64_t max_offset = mode == Rounding::nearest ? static_cast<std::uint64_t>(r.half_)
                                                               : std::uint64_t{r.word_mask_} << r.word_shift_;
    return max_abs <= kMax - max_offset;
  }
  explicit Int64Rounding(int s)
      : s_(s), half_(s > 0 ? std::int64_t{1} << (s - 1) : 0),
        word_mask_(s <= 0 ? 0U : s < 32 ? static_cast<std::uint32_t>((std::uint64_t{1} << s) - 1) : ~0U),
        word_shift_(std::max(0, s - 32)), factor_(s > 0 ? 1 : std::int64_t{1} << -s) {}
  std::int64_t nearest(std::int64_t v) const { return s_ > 0 ? (v + half_) >> s_ : v * factor_; }
  // The random offset: the low s bits of the word, or for s > 32 the word at the top of the s-bit fraction.
  std::int64_t stochastic(std::int64_t v, std::uint32_t word) const {
    return s_ > 0 ? (v + (static_cast<std::int64_t>(word & word_mask_) << word_shift_)) >> s_ : v * factor_;
  }

 private:
  int s_;
  std::int64_t half_;
  std::uint32_t word_mask_;
  int word_shift_;
  std::int64_t factor_;
};

// out[i] = sat_k(round(v[i], s)) for all i, in parallel chunks; returns the
// saturation count. Int64Rounding where it is exact, round_shift otherwise.
std::uint64_t round_all(const WideTensor& in, std::uint64_t max_abs, int s, Rounding mode, const RandomStream& random,
                        int clip_bits, std::int32_t* out) {
  const std::int64_t qmax = max_magnitude(clip_bits);
  const bool fast = Int64Rounding::exact(max_abs, s, mode);
  const Int64Rounding rounding(fast ? s : 0);
  std::atomic<std::uint64_t> saturated{0};
  parallel_for(0, static_cast<std::int64_t>(in.size()), [&](std::int64_t b, std::int64_t e) {
    // Local copies: the compiler cannot tell that the stores through `out` leave
    // the captured variables alone, and would reload them for every element.
    const Int64Rounding rounding_ = rounding;
    const std::int64_t qmax_ = qmax;
    const std::int64_t* v = in.v.data();
    std::int32_t* q = out;
    std::uint64_t sat = 0;
    auto store = [&](std::int64_t i, std::int64_t r) {  // branch-free so the loops vectorise
      sat += static_cast<std::uint64_t>(r > qmax_) + static_cast<std::uint64_t>(r < -qmax_);
      q[i] = static_cast<std::int32_t>(std::clamp(r, -qmax_, qmax_));
    };
    if (fast && mode == Rounding::nearest) {
      for (std::int64_t i = b; i < e; ++i) store(i, rounding_.nearest(v[i]));
    } else if (fast) {
      const std::uint32_t key = random.key();
      for (std::int64_t i = b; i < e; ++i)
        store(i, rounding_.stochastic(v[i], lowbias32(static_cast<std::uint32_t>(i) ^ key)));
    } else {
      for (std::int64_t i = b; i < e; ++i) {
        const std::uint32_t w = mode == Rounding::stochastic ? random.word(static_cast<std::uint64_t>(i)) : 0U;
        store(i, round_shift(v[i], s, mode, w));
      }
    }
    saturated += sat;
  }, kGrain);
  return saturated;
}

// The flag quantizer's element rule (docs/NUMERICS.md §4.4): the fine rounding
// (fine_shift = s - flag_shift) when it fits in k bits, with flag 1; else the
// coarse rounding, saturated, with flag 0. Returns the saturation count.
std::uint64_t flag_round_all(const WideTensor& in, std::uint64_t max_abs, int s, int fine_shift, Rounding mode,
                             const RandomStream& random, int bits, std::int32_t* out, std::uint8_t* flag) {
  const std::int64_t qmax = max_magnitude(bits);
  const bool fast = Int64Rounding::exact(max_abs, s, mode) && Int64Rounding::exact(max_abs, fine_shift, mode);
  const Int64Rounding coarse(fast ? s : 0), fine(fast ? fine_shift : 0);
  const bool stochastic = mode == Rounding::stochastic;
  std::atomic<std::uint64_t> saturated{0};
  parallel_for(0, static_cast<std::int64_t>(in.size()), [&](std::int64_t b, std::int64_t e) {
    // Local copies: stores through `flag` (bytes) may alias anything, so the
    // compiler would otherwise reload every captured variable per element.
    const Int64Rounding coarse_ = coarse, fine_ = fine;
    const std::int64_t qmax_ = qmax;
    const std::int64_t* v = in.v.data();
    std::int32_t* q = out;
    std::uint8_t* f_out = flag;
    std::uint64_t sat = 0;
    auto store = [&](std::int64_t i, std::int64_t f, std::int64_t c) {  // branch-free so the loops vectorise
      const std::int64_t fits = static_cast<std::int64_t>(f >= -qmax_) & static_cast<std::int64_t>(f <= qmax_);
      const std::int64_t clamped = std::clamp(c, -qmax_, qmax_);
      sat += static_cast<std::uint64_t>((1 - fits) & static_cast<std::int64_t>(clamped != c));
      q[i] = static_cast<std::int32_t>(fits != 0 ? f : clamped);
      f_out[i] = static_cast<std::uint8_t>(fits);
    };
    if (fast && !stochastic) {
      for (std::int64_t i = b; i < e; ++i) store(i, fine_.nearest(v[i]), coarse_.nearest(v[i]));
    } else if (fast) {
      const std::uint32_t key = random.key();
      for (std::int64_t i = b; i < e; ++i) {
        const std::uint32_t w = lowbias32(static_cast<std::uint32_t>(i) ^ key);
        store(i, fine_.stochastic(v[i], w), coarse_.stochastic(v[i], w));
      }
    } else {
      for (std::int64_t i = b; i < e; ++i) {
        const std::uint32_t w = stochastic ? random.word(static_cast<std::uint64_t>(i)) : 0U;
        store(i, round_shift(v[i], fine_shift, mode, w), round_shift(v[i], s, mode, w));
      }
    }
    saturated += sat;
  }, kGrain);
  return saturated;
}

}  // namespace

int choose_shift(std::uint64_t max_abs, int bits, Rounding rounding) {
  const auto qmax = static_cast<std::uint64_t>(max_magnitude(bits));
  int s = std::max(0, bit_length(max_abs) - (bits - 1) - 1);
  while (worst_rounded(max_abs, s, rounding) > qmax) ++s;
  return s;
}

int round_log2(std::uint64_t m) {
  if (m == 0) return 0;
  const int p = bit_length(m) - 1;
  // round(log2 m) = p + 1 exactly when m >= 2^(p + 1/2), i.e. m^2 >= 2^(2p+1).
  const unsigned __int128 sq = static_cast<unsigned __int128>(m) * m;
  const unsigned __int128 half_up = static_cast<unsigned __int128>(1) << (2 * p + 1);
  return sq >= half_up ? p + 1 : p;
}

std::uint64_t max_abs(const WideTensor& t) {
  std::atomic<std::uint64_t> result{0};
  parallel_for(0, static_cast<std::int64_t>(t.size()), [&](std::int64_t b, std::int64_t e) {
    std::uint64_t m = 0;
    for (std::int64_t i = b; i < e; ++i) {
      const std::int64_t v = t.v[static_cast<std::size_t>(i)];
      m = std::max(m, v < 0 ? static_cast<std::uint64_t>(-(v + 1)) + 1 : static_cast<std::uint64_t>(v));
    }
    std::uint64_t cur = result.load();
    while (m > cur && !result.compare_exchange_weak(cur, m)) {}
  }, 16384);
  return result;
}

QTensor quantize(const WideTensor& in, const QuantizerSpec& spec, const RandomStream& random, QuantStats* stats) {
  if (spec.bits < 2 || spec.bits > 32) throw std::invalid_argument("quantizer bits must be in 2..32");
  QuantStats st;
  st.elements = in.size();
  const std::uint64_t m = max_abs(in);
  QTensor out(in.shape, 0, spec.bits);

  switch (spec.kind) {
    case QuantizerKind::direct: {
      st.shift = spec.exponent - in.exp;
      out.exp = spec.exponent;
      st.saturated = round_all(in, m, st.shift, spec.rounding, random, spec.bits, out.q.data());
      break;
    }
    case QuantizerKind::shift: {
      st.shift = choose_shift(m, spec.bits, spec.rounding);
      out.exp = in.exp + st.shift;
      st.saturated = round_all(in, m, st.shift, spec.rounding, random, spec.bits, out.q.data());
      break;
    }
    case QuantizerKind::constant: {
      if (spec.constant_log2 < 1 || spec.constant_log2 > spec.bits - 1)
        throw std::invalid_argument("constant quantizer needs 1 <= log2(c) <= bits-1");
      // x * c / 2^round(log2 max|x|): the tensor's scale is normalised away.
      const int r = round_log2(m);
      st.shift = r - spec.constant_log2;
      st.discarded_exp = in.exp + r;
      out.exp = -spec.constant_log2;
      const int clip_bits = spec.constant_log2 + 1;  // +-(c-1) is the symmetric range of log2(c)+1 bits
      st.clipped = round_all(in, m, st.shift, spec.rounding, random, clip_bits, out.q.data());
      break;
    }
    case QuantizerKind::flag: {
      // Coarse exponent as the shift quantizer; elements whose value fits at the
      // fine exponent (bits-1 finer) keep it and set their flag.
      st.shift = choose_shift(m, spec.bits, spec.rounding);
      out.exp = in.exp + st.shift;
      out.flag_shift = spec.bits - 1;
      out.flag.resize(in.size());
      st.saturated = flag_round_all(in, m, st.shift, st.shift - out.flag_shift, spec.rounding, random, spec.bits,
                                    out.q.data(), out.flag.data());
      break;
    }
  }
  if (stats) {
    stats->add(st);
    stats->shift = st.shift;
    stats->discarded_exp = st.discarded_exp;
  }
  return out;
}

WideTensor to_wide(const FTensor& in, QuantStats* stats) {
  float m = 0.0f;
  std::uint64_t nonfinite = 0;
  for (float v : in.data) {
    if (!std::isfinite(v)) {
      ++nonfinite;
      continue;
    }
    m = std::max(m, std::fabs(v));
  }
  WideTensor out(in.shape, 0);
  if (m > 0.0f) {
    int msb_exp = 0;
    std::frexp(m, &msb_exp);   // m in [2^(msb_exp-1), 2^msb_exp)
    out.exp = msb_exp - 1 - 40;  // 40 bits below the max's most significant bit
  }
  constexpr std::int64_t kInfValue = std::int64_t{1} << 62;
  for (std::size_t i = 0; i < in.size(); ++i) {
    const float v = in.data[i];
    if (std::isnan(v)) {
      out.v[i] = 0;
    } else if (std::isinf(v)) {
      out.v[i] = v > 0 ? kInfValue : -kInfValue;
    } else if (v != 0.0f) {
      int e = 0;
      const float frac = std::frexp(v, &e);                                      // v = frac * 2^e, |frac| in [0.5, 1)
      const auto mant = static_cast<std::int64_t>(std::ldexp(frac, 24));         // exact 24-bit integer
      const int shift = out.exp - (e - 24);                                      // mant * 2^(e-24) at grid out.exp
      out.v[i] = shift >= 0 ? floor_shift(mant, shift) : left_shift_saturating(mant, -shift);
    }
  }
  if (stats) stats->nonfinite += nonfinite;
  return out;
}

int finest_exp(const QTensor& t) {
  // A flagged tensor always widens to its fine exponent, as the MAC array does
  // (docs/NUMERICS.md §4.4), whether or not any element is flagged.
  return t.flagged() ? t.exp - t.flag_shift : t.exp;
}

WideTensor to_wide(const QTensor& in, int exp) {
  if (finest_exp(in) < exp) throw std::logic_error("to_wide: target exponent coarser than an element");
  const Widened widened(in, exp);
  WideTensor out(in.shape, exp);
  for_each_element(static_cast<std::int64_t>(in.size()), [&](std::int64_t i) { out.v[i] = widened[i]; });
  return out;
}

WideTensor to_wide(const QTensor& in) { return to_wide(in, finest_exp(in)); }

FTensor dequantize(const QTensor& in) {
  FTensor out(in.shape);
  for (std::size_t i = 0; i < in.size(); ++i)
    out.data[i] = std::ldexp(static_cast<float>(in.q[i]), in.exp_of(i));
  return out;
}

FTensor dequantize(const WideTensor& in) {
  FTensor out(in.shape);
  for (std::size_t i = 0; i < in.size(); ++i)
    out.data[i] = std::ldexp(static_cast<float>(in.v[i]), in.exp);
  return out;
}

QTensor quantize(const FTensor& in, const QuantizerSpec& spec, const RandomStream& random, QuantStats* stats) {
  return quantize(to_wide(in, stats), spec, random, stats);
}

}  // namespace qtsim::ref
