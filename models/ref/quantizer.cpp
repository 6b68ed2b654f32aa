#include "quantizer.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <stdexcept>

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
  std::uint64_t m = 0;
  for (auto v : t.v) m = std::max(m, v < 0 ? static_cast<std::uint64_t>(-(v + 1)) + 1 : static_cast<std::uint64_t>(v));
  return m;
}

QTensor quantize(const WideTensor& in, const QuantizerSpec& spec, const RandomStream& random, QuantStats* stats) {
  if (spec.bits < 2 || spec.bits > 32) throw std::invalid_argument("quantizer bits must be in 2..32");
  QuantStats st;
  st.elements = in.size();
  const std::uint64_t m = max_abs(in);
  QTensor out(in.shape, 0, spec.bits);
  auto word = [&](std::size_t i) { return spec.rounding == Rounding::stochastic ? random.word(i) : 0U; };

  switch (spec.kind) {
    case QuantizerKind::direct: {
      st.shift = spec.exponent - in.exp;
      out.exp = spec.exponent;
      for (std::size_t i = 0; i < in.size(); ++i)
        out.q[i] = static_cast<std::int32_t>(
            saturate(round_shift(in.v[i], st.shift, spec.rounding, word(i)), spec.bits, &st.saturated));
      break;
    }
    case QuantizerKind::shift: {
      st.shift = choose_shift(m, spec.bits, spec.rounding);
      out.exp = in.exp + st.shift;
      for (std::size_t i = 0; i < in.size(); ++i)
        out.q[i] = static_cast<std::int32_t>(
            saturate(round_shift(in.v[i], st.shift, spec.rounding, word(i)), spec.bits, &st.saturated));
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
      for (std::size_t i = 0; i < in.size(); ++i)
        out.q[i] = static_cast<std::int32_t>(
            saturate(round_shift(in.v[i], st.shift, spec.rounding, word(i)), clip_bits, &st.saturated));
      break;
    }
    case QuantizerKind::flag: {
      // Coarse exponent as the shift quantizer; elements whose value fits at the
      // fine exponent (bits-1 finer) keep it and set their flag.
      st.shift = choose_shift(m, spec.bits, spec.rounding);
      out.exp = in.exp + st.shift;
      out.flag_shift = spec.bits - 1;
      out.flag.assign(in.size(), 0);
      const int fine_shift = st.shift - out.flag_shift;
      const std::int64_t qmax = max_magnitude(spec.bits);
      for (std::size_t i = 0; i < in.size(); ++i) {
        const std::uint32_t w = word(i);
        const std::int64_t fine = round_shift(in.v[i], fine_shift, spec.rounding, w);
        if (fine >= -qmax && fine <= qmax) {
          out.q[i] = static_cast<std::int32_t>(fine);
          out.flag[i] = 1;
        } else {
          out.q[i] = static_cast<std::int32_t>(
              saturate(round_shift(in.v[i], st.shift, spec.rounding, w), spec.bits, &st.saturated));
        }
      }
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
  if (t.flagged() && std::find(t.flag.begin(), t.flag.end(), std::uint8_t{1}) != t.flag.end()) return t.exp - t.flag_shift;
  return t.exp;
}

WideTensor to_wide(const QTensor& in, int exp) {
  WideTensor out(in.shape, exp);
  for (std::size_t i = 0; i < in.size(); ++i) {
    const int s = in.exp_of(i) - exp;
    if (s < 0) throw std::logic_error("to_wide: target exponent coarser than an element");
    out.v[i] = left_shift_saturating(in.q[i], s);
  }
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
