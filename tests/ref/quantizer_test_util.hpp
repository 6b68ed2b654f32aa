#pragma once
// Helpers shared by the quantizer tests (quantizer_test.cpp, float_entry_test.cpp).
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "models/ref/quantizer.hpp"

namespace qtsim::ref::quant_test {

constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();  // -2^63
constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();  // 2^63 - 1

// The stream most vectors below were computed with: seed 12345, stream 0x0265d975
// (word(0) = 0x34ae8829, word(1) = 0x2aa1c9b7, ...).
inline const RandomStream kStream{12345U, 0x0265d975U};

inline WideTensor wide(std::vector<std::int64_t> values, int exp) {
  WideTensor t(Shape{static_cast<std::int64_t>(values.size())}, exp);
  t.v = std::move(values);
  return t;
}

inline FTensor floats(std::vector<float> values) {
  FTensor t(Shape{static_cast<std::int64_t>(values.size())});
  t.data = std::move(values);
  return t;
}

inline QuantizerSpec direct_spec(int bits, int exponent, Rounding r) {
  QuantizerSpec s;
  s.kind = QuantizerKind::direct;
  s.bits = bits;
  s.exponent = exponent;
  s.rounding = r;
  return s;
}
inline QuantizerSpec shift_spec(int bits, Rounding r) {
  QuantizerSpec s;
  s.kind = QuantizerKind::shift;
  s.bits = bits;
  s.rounding = r;
  return s;
}
inline QuantizerSpec constant_spec(int bits, int log2c, Rounding r) {
  QuantizerSpec s;
  s.kind = QuantizerKind::constant;
  s.bits = bits;
  s.constant_log2 = log2c;
  s.rounding = r;
  return s;
}
inline QuantizerSpec flag_spec(int bits, Rounding r) {
  QuantizerSpec s;
  s.kind = QuantizerKind::flag;
  s.bits = bits;
  s.rounding = r;
  return s;
}

// What a quantization must produce. `flags` empty means "not a flag tensor".
struct Expected {
  std::vector<std::int32_t> q;
  int exp = 0;
  std::uint64_t saturated = 0;
  int shift = 0;
  std::vector<std::uint8_t> flags = {};
  int discarded_exp = 0;
};

inline void expect_quantized(const QTensor& out, const QuantStats& st, const Expected& e, const std::string& what) {
  SCOPED_TRACE(what);
  EXPECT_EQ(out.q, e.q);
  EXPECT_EQ(out.exp, e.exp);
  EXPECT_EQ(st.saturated + st.clipped, e.saturated) << "values limited to the range (saturated or clipped)";
  EXPECT_EQ(st.shift, e.shift);
  EXPECT_EQ(st.elements, e.q.size());
  EXPECT_EQ(st.discarded_exp, e.discarded_exp);
  EXPECT_EQ(out.flag, e.flags);
  if (!e.flags.empty()) {
    EXPECT_EQ(out.flag_shift, out.bits - 1);
  }
  EXPECT_EQ(out.shape, Shape{static_cast<std::int64_t>(e.q.size())});
}

// Quantize `in` and compare against `e`.
inline void check(const WideTensor& in, const QuantizerSpec& spec, const Expected& e, const std::string& what,
                  const RandomStream& rs = kStream) {
  QuantStats st;
  const QTensor out = quantize(in, spec, rs, &st);
  EXPECT_EQ(out.bits, spec.bits) << what;
  expect_quantized(out, st, e, what);
  // The constant quantizer's clips to +-(c-1) are by design and counted apart from faults.
  if (spec.kind == QuantizerKind::constant) EXPECT_EQ(st.saturated, 0U) << what;
  else EXPECT_EQ(st.clipped, 0U) << what;
}

}  // namespace qtsim::ref::quant_test
