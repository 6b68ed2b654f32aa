// The integer element-wise layers, the quantizers and integer batchnorm against
// direct loops written from docs/NUMERICS.md (§2, §4, §6, §8): one element at a
// time, widening through to_wide-style rules, 128-bit sums, no vectorization or
// threads. The layers under test take faster routes (int64 arithmetic where it
// is exact, fused passes, parallel loops); these tests pin them to the rules,
// including flagged inputs, exponents far apart, values near 2^62, and results
// that must not depend on the thread count.
#include <gtest/gtest.h>

#include <boost/multiprecision/cpp_int.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <string>
#include <vector>

#include "dense_test_util.hpp"
#include "models/ref/alignment.hpp"
#include "models/ref/ops/batchnorm.hpp"
#include "models/ref/ops/layers_int.hpp"
#include "models/ref/parallel.hpp"
#include "models/ref/quantizer.hpp"
#include "models/ref/wide_math.hpp"

namespace qtsim::ref {
namespace {

using dense_test::add_random_flags;
using dense_test::random_q;
using dense_test::Rng;
using i64 = std::int64_t;

// ---- the rules, one element at a time ----

// §1.1: v moved onto a grid; a finer grid is a left shift (the grid rule keeps
// it inside int64), a coarser one a floor (0 or -1 past the value's width).
i64 onto_grid(i64 v, int from, int to) {
  if (from >= to) return v * (i64{1} << (from - to));
  return from - to <= -63 ? (v < 0 ? -1 : 0) : v >> (to - from);
}

i64 widen(const QTensor& t, std::size_t i, int exp) { return onto_grid(t.q[i], t.exp_of(i), exp); }

// §1.1's grid for two operands (exponent, width |v| < 2^width): the finest
// exponent, unless an operand would then need more than 62 magnitude bits.
int grid_rule(int e_a, int w_a, int e_b, int w_b) {
  const int finest = std::min(e_a, e_b), needed = std::max(e_a + w_a, e_b + w_b) - 62;
  return std::max(finest, needed);
}
int width(const QTensor& t) { return t.bits - 1 + (t.flagged() ? t.flag_shift : 0); }

std::vector<i64> widened(const QTensor& t, int exp) {
  std::vector<i64> v(t.size());
  for (std::size_t i = 0; i < t.size(); ++i) v[i] = widen(t, i, exp);
  return v;
}

std::uint64_t magnitude(i64 v) { return v < 0 ? static_cast<std::uint64_t>(-(v + 1)) + 1 : static_cast<std::uint64_t>(v); }

// §4 with round_shift and saturate per element.
struct Quantized {
  std::vector<i64> q;
  std::vector<std::uint8_t> flag;
  int exp = 0;
  std::uint64_t saturated = 0;
};

Quantized quantize_rule(const WideTensor& in, const QuantizerSpec& spec, const RandomStream& random) {
  std::uint64_t m = 0;
  for (i64 v : in.v) m = std::max(m, magnitude(v));
  Quantized out;
  auto word = [&](std::size_t i) { return spec.rounding == Rounding::stochastic ? random.word(i) : 0U; };
  int s = 0, clip_bits = spec.bits;
  switch (spec.kind) {
    case QuantizerKind::direct: s = spec.exponent - in.exp; out.exp = spec.exponent; break;
    case QuantizerKind::shift:
    case QuantizerKind::flag: s = choose_shift(m, spec.bits, spec.rounding); out.exp = in.exp + s; break;
    case QuantizerKind::constant:
      s = round_log2(m) - spec.constant_log2;
      out.exp = -spec.constant_log2;
      clip_bits = spec.constant_log2 + 1;
      break;
  }
  const i64 qmax = max_magnitude(spec.bits);
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (spec.kind == QuantizerKind::flag) {
      const i64 fine = round_shift(in.v[i], s - (spec.bits - 1), spec.rounding, word(i));
      if (fine >= -qmax && fine <= qmax) {
        out.q.push_back(fine);
        out.flag.push_back(1);
        continue;
      }
      out.flag.push_back(0);
    }
    out.q.push_back(saturate(round_shift(in.v[i], s, spec.rounding, word(i)), clip_bits, &out.saturated));
  }
  return out;
}

void expect_quantized(const QTensor& q, const QuantStats& st, const Quantized& want) {
  ASSERT_EQ(q.size(), want.q.size());
  EXPECT_EQ(q.exp, want.exp);
  EXPECT_EQ(std::vector<i64>(q.q.begin(), q.q.end()), want.q);
  EXPECT_EQ(q.flag, want.flag);
  EXPECT_EQ(st.saturated + st.clipped, want.saturated);
}

// ---- inputs ----

// Values spread over many magnitudes up to `max_bits` significant bits.
WideTensor random_wide(i64 n, int max_bits, int exp, Rng& rng) {
  WideTensor t(Shape{n}, exp);
  for (auto& v : t.v) {
    const int bits = static_cast<int>(rng.between(0, max_bits));
    const i64 m = bits == 0 ? 0 : static_cast<i64>((std::uint64_t{1} << (bits - 1)) + static_cast<std::uint64_t>(rng.between(0, (i64{1} << (bits - 1)) - 1)));
    v = rng.between(0, 1) ? m : -m;
  }
  return t;
}

QTensor random_activation(const Shape& s, int exp, Rng& rng, int bits = 8) { return random_q(s, exp, bits, rng); }

QTensor random_error(const Shape& s, int exp, Rng& rng, bool flagged) {
  QTensor t = random_q(s, exp, 8, rng);
  if (flagged) add_random_flags(t, rng, 60);
  return t;
}

QTensor scalar(std::int32_t q, int exp) {
  QTensor t(Shape{1}, exp, 8);
  t.q[0] = q;
  return t;
}

bool operator==(const WideTensor& a, const WideTensor& b) { return a.shape == b.shape && a.exp == b.exp && a.v == b.v; }
bool operator==(const QTensor& a, const QTensor& b) {
  return a.shape == b.shape && a.exp == b.exp && a.bits == b.bits && a.q == b.q && a.flag == b.flag &&
         a.flag_shift == b.flag_shift;
}
bool operator==(const std::vector<WideTensor>& a, const std::vector<WideTensor>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (!(a[i] == b[i])) return false;
  return true;
}

// Runs fn with 1, 2 and 3 threads and checks that it returns the same each time.
template <typename Fn>
auto same_for_thread_counts(Fn&& fn) {
  const int saved = thread_count();
  set_thread_count(1);
  auto one = fn();
  for (int threads : {2, 3}) {
    set_thread_count(threads);
    EXPECT_TRUE(fn() == one) << "result differs with " << threads << " threads";
  }
  set_thread_count(saved);
  return one;
}


void expect_wide(const WideTensor& got, const std::vector<i64>& want, int exp) {
  EXPECT_EQ(got.exp, exp);
  EXPECT_EQ(got.v, want);
}

const RandomStream kStream{2024U, stream_id(5, 9, RandomPurpose::quantize_error)};

// ---- quantizers ----

TEST(IntLayers, QuantizersFollowTheElementRuleAtEveryMagnitude) {
  Rng rng(1);
  for (int max_bits : {6, 20, 33, 40, 55, 61, 62, 63}) {
    const WideTensor in = random_wide(40000, max_bits, -20, rng);  // several parallel chunks
    for (Rounding r : {Rounding::nearest, Rounding::stochastic}) {
      const std::vector<QuantizerSpec> specs = {
          {QuantizerKind::shift, 8, r}, {QuantizerKind::shift, 16, r}, {QuantizerKind::flag, 8, r},
          {QuantizerKind::flag, 4, r},  {QuantizerKind::constant, 8, r, 0, 7}, {QuantizerKind::constant, 8, r, 0, 3},
          {QuantizerKind::direct, 8, r, -20 + max_bits - 8}, {QuantizerKind::direct, 8, r, -40},
          {QuantizerKind::direct, 16, r, 10}, {QuantizerKind::direct, 8, r, -20 + max_bits - 40}};
      for (const QuantizerSpec& spec : specs) {
        SCOPED_TRACE(testing::Message() << "max bits " << max_bits << ", " << to_string(spec.kind) << " " << spec.bits
                                        << " " << to_string(r) << " exponent " << spec.exponent);
        QuantStats st;
        const QTensor q = same_for_thread_counts([&] { return quantize(in, spec, kStream); });
        quantize(in, spec, kStream, &st);
        expect_quantized(q, st, quantize_rule(in, spec, kStream));
      }
    }
  }
}

TEST(IntLayers, QuantizersAtTheInt64Edges) {
  constexpr i64 kMax = std::numeric_limits<i64>::max(), kMin = std::numeric_limits<i64>::min();
  const std::vector<std::vector<i64>> inputs = {
      {kMax, kMin, kMax - 1, kMin + 1, 0, 1, -1},
      {(i64{1} << 62) - 1, -(i64{1} << 62), i64{1} << 61, 12345},
      {(i64{1} << 61) + (i64{1} << 40), -(i64{1} << 61), 7},
  };
  for (const auto& values : inputs)
    for (Rounding r : {Rounding::nearest, Rounding::stochastic})
      for (const QuantizerSpec& spec : std::vector<QuantizerSpec>{{QuantizerKind::shift, 8, r},
                                                                  {QuantizerKind::flag, 8, r},
                                                                  {QuantizerKind::constant, 8, r, 0, 7},
                                                                  {QuantizerKind::direct, 8, r, 55},
                                                                  {QuantizerKind::direct, 8, r, 30},
                                                                  {QuantizerKind::direct, 16, r, -5}}) {
        WideTensor in(Shape{static_cast<i64>(values.size())}, 0);
        in.v = values;
        QuantStats st;
        const QTensor q = quantize(in, spec, kStream, &st);
        expect_quantized(q, st, quantize_rule(in, spec, kStream));
      }
}

// ---- element-wise layers ----

TEST(IntLayers, AlignedSumsOfQuantizedTensors) {
  Rng rng(2);
  const Shape s{3, 5, 17, 19};
  for (bool flagged_a : {false, true})
    for (bool flagged_b : {false, true})
      for (int exp_b : {-9, -3, 4, 35, 48, 70, 300, -75, -400}) {  // up to and far past int64's reach
        const QTensor a = random_error(s, -6, rng, flagged_a), b = random_error(s, exp_b, rng, flagged_b);
        const int e = grid_rule(finest_exp(a), width(a), finest_exp(b), width(b));
        std::vector<i64> want(a.size());
        for (std::size_t i = 0; i < a.size(); ++i) want[i] = widen(a, i, e) + widen(b, i, e);
        expect_wide(same_for_thread_counts([&] { return add_aligned(a, b); }), want, e);
        const WideTensor wa = to_wide(a), wb = to_wide(b);
        const WideSummand summands[] = {{&wa, width(a)}, {&wb, width(b)}};
        expect_wide(aligned_sum(summands), want, e);
      }
}

TEST(IntLayers, FixupScalarBiasAndMultiplier) {
  Rng rng(3);
  const Shape s{4, 6, 13, 11};
  for (bool flagged : {false, true})
    for (int b_exp : {-12, -7, 0, 40, 60, -100}) {
      const QTensor x = random_error(s, -5, rng, flagged);
      const QTensor b = scalar(-77, b_exp), m = scalar(45, -6);
      const int ex = finest_exp(x), e = grid_rule(ex, width(x), b_exp, 7);

      std::vector<i64> biased(x.size()), scaled(x.size());
      i64 sum = 0, dot = 0;
      const QTensor other = random_error(s, -8, rng, !flagged);
      for (std::size_t i = 0; i < x.size(); ++i) {
        biased[i] = widen(x, i, e) + onto_grid(-77, b_exp, e);
        scaled[i] = widen(x, i, ex) * 45;
        sum += widen(x, i, ex);
        dot += widen(x, i, ex) * widen(other, i, finest_exp(other));
      }
      expect_wide(same_for_thread_counts([&] { return bias_forward(x, b); }), biased, e);
      expect_wide(same_for_thread_counts([&] { return scale_forward(x, m); }), scaled, ex - 6);
      expect_wide(scale_backward_data(x, m), scaled, ex - 6);
      expect_wide(same_for_thread_counts([&] { return sum_all(x); }), {sum}, ex);
      expect_wide(same_for_thread_counts([&] { return scale_backward_param(x, other); }), {dot}, ex + finest_exp(other));
    }
}

TEST(IntLayers, PerChannelBiasAndSum) {
  Rng rng(4);
  for (const Shape& s : {Shape{3, 7, 9, 5}, Shape{64, 10, 1, 1}, Shape{2, 300, 8, 8}}) {
    WideTensor acc(s, -14);
    for (auto& v : acc.v) v = rng.between(-(i64{1} << 40), i64{1} << 40);
    const QTensor b = random_q(Shape{s.c()}, -7, 8, rng);
    const QTensor dy = random_error(s, -9, rng, true);
    const i64 plane = s.h() * s.w();
    std::vector<i64> biased(acc.size()), sums(static_cast<std::size_t>(s.c()), 0);
    for (std::size_t i = 0; i < acc.size(); ++i) {
      const auto c = static_cast<std::size_t>(static_cast<i64>(i) / plane % s.c());
      biased[i] = acc.v[i] + (i64{b.q[c]} << 7);
      sums[c] += widen(dy, i, finest_exp(dy));
    }
    expect_wide(same_for_thread_counts([&] { return channel_bias_forward(acc, 41, b); }), biased, -14);
    expect_wide(same_for_thread_counts([&] { return channel_sum(dy); }), sums, finest_exp(dy));
    // A bias finer than the accumulator: the accumulator is widened.
    WideTensor coarse = acc;
    coarse.exp = -3;
    for (std::size_t i = 0; i < acc.size(); ++i) biased[i] = (acc.v[i] << 4) + b.q[static_cast<std::size_t>(static_cast<i64>(i) / plane % s.c())];
    expect_wide(channel_bias_forward(coarse, 41, b), biased, -7);
    // An accumulator 70 bits finer than the bias: the grid stops where the bias
    // still fits (-7 + 7 - 62 = -62) and the accumulator is floored onto it.
    WideTensor fine = acc;
    fine.exp = -84;
    for (std::size_t i = 0; i < acc.size(); ++i)
      biased[i] = onto_grid(acc.v[i], -84, -62) + (i64{b.q[static_cast<std::size_t>(static_cast<i64>(i) / plane % s.c())]} << 55);
    expect_wide(channel_bias_forward(fine, 41, b), biased, -62);
  }
}

TEST(IntLayers, Pools) {
  Rng rng(5);
  const Shape s{3, 4, 9, 7};
  const QTensor x = random_activation(s, -4, rng);
  const QTensor dy_global = random_error(Shape{3, 4, 1, 1}, -10, rng, true);
  const i64 area = 63, m = (65536 + area / 2) / area;

  std::vector<i64> pooled(12, 0), spread(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) pooled[i / 63] += x.q[i];
  for (auto& v : pooled) v *= m;
  for (std::size_t i = 0; i < x.size(); ++i) spread[i] = widen(dy_global, i / 63, finest_exp(dy_global)) * m;
  expect_wide(same_for_thread_counts([&] { return global_avgpool_forward(x); }), pooled, -4 - 16);
  expect_wide(same_for_thread_counts([&] { return global_avgpool_backward(dy_global, s); }), spread, finest_exp(dy_global) - 16);

  // 3x3 windows, stride 2, padding 1: output 5 x 4; padding counts in the area.
  const QTensor dy = random_error(Shape{3, 4, 5, 4}, -11, rng, true);
  const i64 m9 = (65536 + 4) / 9;
  std::vector<i64> avg(dy.size(), 0), back(x.size(), 0), routed(x.size(), 0);
  std::vector<i64> argmax;
  const QTensor mx = maxpool_forward(x, 3, 2, 1, &argmax);
  for (i64 nc = 0; nc < 12; ++nc)
    for (i64 p = 0; p < 5; ++p)
      for (i64 q = 0; q < 4; ++q) {
        const auto o = static_cast<std::size_t>((nc * 5 + p) * 4 + q);
        for (i64 r = 0; r < 3; ++r)
          for (i64 t = 0; t < 3; ++t) {
            const i64 h = 2 * p - 1 + r, w = 2 * q - 1 + t;
            if (h < 0 || h >= 9 || w < 0 || w >= 7) continue;
            const auto i = static_cast<std::size_t>((nc * 9 + h) * 7 + w);
            avg[o] += x.q[i];
            back[i] += widen(dy, o, finest_exp(dy)) * m9;
          }
        avg[o] *= m9;
        routed[static_cast<std::size_t>(argmax[o])] += widen(dy, o, finest_exp(dy));
      }
  expect_wide(avgpool_forward(x, 3, 2, 1), avg, -4 - 16);
  expect_wide(avgpool_backward(dy, s, 3, 2, 1), back, finest_exp(dy) - 16);
  expect_wide(maxpool_backward(dy, argmax, s), routed, finest_exp(dy));
}

TEST(IntLayers, ReluKeepsFlagsOfPassedErrors) {
  Rng rng(6);
  const Shape s{5, 3, 40, 41};
  QTensor x = random_activation(s, -3, rng);
  const QTensor y = same_for_thread_counts([&] { return relu_forward(x); });
  const QTensor dy = random_error(s, -8, rng, true);
  const QTensor dx = same_for_thread_counts([&] { return relu_backward(dy, y); });
  ASSERT_EQ(dx.flag.size(), dy.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    ASSERT_EQ(y.q[i], std::max(x.q[i], 0));
    ASSERT_EQ(dx.q[i], y.q[i] > 0 ? dy.q[i] : 0);
    ASSERT_EQ(dx.flag[i], y.q[i] > 0 ? dy.flag[i] : 0);
  }
  EXPECT_EQ(dx.exp, dy.exp);
  EXPECT_EQ(dx.flag_shift, dy.flag_shift);
}

// ---- integer batchnorm (§8), transcribed one element at a time ----

struct BnRule {
  QTensor mean, stddev, xhat;
  WideTensor var, y;
  std::vector<i64> inv;
  int inv_r = 0;
};

QuantizerSpec nearest_shift(int bits) { return {QuantizerKind::shift, bits, Rounding::nearest}; }

i64 align(i64 v, int from, int to) { return onto_grid(v, from, to); }

WideTensor narrowed(const Shape& shape, const std::vector<__int128>& v, int exp) {
  unsigned __int128 m = 0;
  for (auto x : v) m = std::max(m, x < 0 ? static_cast<unsigned __int128>(-x) : static_cast<unsigned __int128>(x));
  const int z = std::max(0, bit_length(m) - 62);
  WideTensor out(shape, exp + z);
  for (std::size_t i = 0; i < v.size(); ++i) out.v[i] = static_cast<i64>(v[i] >> z);
  return out;
}

BnRule bn_forward_rule(const QTensor& x, const QTensor& gamma, const QTensor& beta, const IntBatchNormSpec& spec,
                       const IntBatchNormRunning* running) {
  const i64 C = x.shape.c(), plane = x.shape.h() * x.shape.w(), M = x.shape.n() * plane;
  auto channel = [&](std::size_t i) { return static_cast<std::size_t>(static_cast<i64>(i) / plane % C); };
  BnRule r;
  if (running) {
    WideTensor rm(Shape{C}, kIntBnRunningMeanExp);
    rm.v = running->mean;
    r.mean = quantize(rm, nearest_shift(spec.mean_bits), {});
  } else {
    std::vector<__int128> s(static_cast<std::size_t>(C), 0);
    for (std::size_t i = 0; i < x.size(); ++i) s[channel(i)] += x.q[i];
    WideTensor mu(Shape{C}, x.exp - 16);
    for (std::size_t c = 0; c < s.size(); ++c) mu.v[c] = static_cast<i64>(rdiv(s[c] * 65536, M));
    r.mean = quantize(mu, nearest_shift(spec.mean_bits), {});
  }
  const int e_d = grid_rule(x.exp, width(x), r.mean.exp, width(r.mean));
  std::vector<i64> d(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) d[i] = align(x.q[i], x.exp, e_d) - align(r.mean.q[channel(i)], r.mean.exp, e_d);
  std::vector<__int128> sq(static_cast<std::size_t>(C), 0);
  for (std::size_t i = 0; i < x.size(); ++i) sq[channel(i)] += static_cast<__int128>(d[i]) * d[i];
  r.var = WideTensor(Shape{C}, 2 * e_d);
  for (std::size_t c = 0; c < sq.size(); ++c) r.var.v[c] = static_cast<i64>(rdiv(sq[c], M));
  WideTensor var = r.var;
  if (running) {
    var = WideTensor(Shape{C}, kIntBnRunningVarExp);
    for (std::size_t c = 0; c < var.size(); ++c) var.v[c] = std::max<i64>(running->var[c], 0);
  }
  const int e_root = var.exp / 2, e = grid_rule(e_root, 32, spec.eps_exp, 1);
  WideTensor sigma(Shape{C}, e);
  for (std::size_t c = 0; c < sigma.size(); ++c) sigma.v[c] = align(isqrt(var.v[c]), e_root, e) + align(1, spec.eps_exp, e);
  r.stddev = quantize(sigma, nearest_shift(spec.std_bits), {});
  for (auto& s : r.stddev.q) s = std::max(s, 1);
  r.inv_r = bit_length(static_cast<unsigned __int128>(*std::max_element(r.stddev.q.begin(), r.stddev.q.end()))) + 15;
  for (auto s : r.stddev.q) r.inv.push_back(static_cast<i64>(rdiv(static_cast<__int128>(1) << r.inv_r, s)));
  std::vector<__int128> prod(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) prod[i] = static_cast<__int128>(d[i]) * r.inv[channel(i)];
  r.xhat = quantize(narrowed(x.shape, prod, e_d - r.inv_r - r.stddev.exp), nearest_shift(spec.norm_bits), {});
  const int e_prod = r.xhat.exp + gamma.exp, e_y = grid_rule(e_prod, width(r.xhat) + width(gamma), beta.exp, width(beta));
  r.y = WideTensor(x.shape, e_y);
  for (std::size_t i = 0; i < x.size(); ++i)
    r.y.v[i] = align(static_cast<i64>(r.xhat.q[i]) * gamma.q[channel(i)], e_prod, e_y) + align(beta.q[channel(i)], beta.exp, e_y);
  return r;
}

IntBatchNormGrads bn_backward_rule(const QTensor& dy, const QTensor& gamma, const BnRule& f) {
  const i64 C = dy.shape.c(), plane = dy.shape.h() * dy.shape.w(), M = dy.shape.n() * plane;
  auto channel = [&](std::size_t i) { return static_cast<std::size_t>(static_cast<i64>(i) / plane % C); };
  const int e_d = finest_exp(dy);
  const std::vector<i64> d = widened(dy, e_d);
  IntBatchNormGrads g{WideTensor(dy.shape, 0), WideTensor(Shape{C}, e_d + f.xhat.exp), WideTensor(Shape{C}, e_d)};
  std::vector<__int128> sum_g(static_cast<std::size_t>(C), 0), sum_gx(static_cast<std::size_t>(C), 0);
  for (std::size_t i = 0; i < d.size(); ++i) {
    g.dbeta.v[channel(i)] += d[i];
    g.dgamma.v[channel(i)] += d[i] * f.xhat.q[i];
    const __int128 gi = static_cast<__int128>(d[i]) * gamma.q[channel(i)];
    sum_g[channel(i)] += gi;
    sum_gx[channel(i)] += gi * f.xhat.q[i];
  }
  // t and t * inv in integers of any width: with tiny activations the terms lie
  // far more than 128 bits apart; then floored by z onto int64 (§4.6).
  using Big = boost::multiprecision::cpp_int;
  auto two_to = [](int e) -> Big { return boost::multiprecision::pow(Big(2), static_cast<unsigned>(e)); };
  const int e_g = e_d + gamma.exp, e_m1 = e_g - 16, e_xm2 = e_g + 2 * f.xhat.exp - 16, e_t = std::min(e_m1, e_xm2);
  std::vector<Big> prod(d.size());
  Big largest = 0;
  for (std::size_t i = 0; i < d.size(); ++i) {
    const std::size_t c = channel(i);
    const Big m1 = Big(rdiv(sum_g[c] * 65536, M)), m2 = Big(rdiv(sum_gx[c] * 65536, M));
    const Big gi = Big(d[i]) * gamma.q[c];
    const Big t = gi * two_to(e_g - e_t) - m1 * two_to(e_m1 - e_t) - f.xhat.q[i] * m2 * two_to(e_xm2 - e_t);
    prod[i] = t * f.inv[c];
    largest = std::max(largest, Big(abs(prod[i])));
  }
  const int bits = largest == 0 ? 0 : static_cast<int>(msb(largest)) + 1, z = std::max(0, bits - 62);
  g.dx = WideTensor(dy.shape, e_t - f.inv_r - f.stddev.exp + z);
  const Big step = two_to(z);
  for (std::size_t i = 0; i < d.size(); ++i) {
    Big r = prod[i] % step;  // truncated: the sign of prod
    if (r < 0) r += step;
    g.dx.v[i] = static_cast<i64>((prod[i] - r) / step);  // floor
  }
  return g;
}

struct BnCase {
  Shape shape;
  IntBatchNormSpec spec;
  bool flagged_dy;
  int x_exp = -4;  // -90: activations so small that sigma's grid lies 91 bits below epsilon's;
                   // 40: so large that the running variance leaves int64 (saturated, counted)
};

class IntBatchNormRule : public ::testing::TestWithParam<BnCase> {};

TEST_P(IntBatchNormRule, ForwardTrainEvalAndBackward) {
  const BnCase bc = GetParam();
  Rng rng(7);
  const i64 C = bc.shape.c();
  QTensor x = random_activation(bc.shape, bc.x_exp, rng);
  for (std::size_t i = 0; i < x.size(); ++i)  // channels of different scales and offsets
    x.q[i] = std::clamp<std::int32_t>(x.q[i] / (1 + static_cast<std::int32_t>(i / static_cast<std::size_t>(bc.shape.h() * bc.shape.w()) % C)) + 20, -127, 127);
  const QTensor gamma = random_q(Shape{C}, -6, 8, rng), beta = random_q(Shape{C}, -7, 8, rng);

  IntBatchNormRunning running;
  IntBatchNormSaved saved;
  QuantStats st;
  const WideTensor y = same_for_thread_counts([&] {
    IntBatchNormRunning r;
    return int_batchnorm_forward_train(x, gamma, beta, bc.spec, r, nullptr, &st);
  });
  QuantStats train_stats;
  int_batchnorm_forward_train(x, gamma, beta, bc.spec, running, &saved, &train_stats);
  // The running statistics saturate on their int64 grids only for huge inputs, and that is counted (§8).
  EXPECT_EQ(train_stats.saturated > 0, bc.x_exp > 30);
  const BnRule rule = bn_forward_rule(x, gamma, beta, bc.spec, nullptr);
  EXPECT_TRUE(y == rule.y);
  EXPECT_TRUE(saved.mean == rule.mean);
  EXPECT_TRUE(saved.stddev == rule.stddev);
  EXPECT_TRUE(saved.xhat == rule.xhat);
  EXPECT_EQ(saved.inv, rule.inv);
  EXPECT_EQ(saved.inv_r, rule.inv_r);

  const QTensor dy = random_error(bc.shape, -12, rng, bc.flagged_dy);
  const IntBatchNormGrads want = bn_backward_rule(dy, gamma, rule);
  const auto grads = same_for_thread_counts([&] {
    const IntBatchNormGrads g = int_batchnorm_backward(dy, gamma, saved);
    return std::vector<WideTensor>{g.dx, g.dgamma, g.dbeta};
  });
  EXPECT_TRUE(grads[0] == want.dx);
  EXPECT_TRUE(grads[1] == want.dgamma);
  EXPECT_TRUE(grads[2] == want.dbeta);

  const WideTensor y_eval = same_for_thread_counts([&] { return int_batchnorm_forward_eval(x, gamma, beta, bc.spec, running, &st); });
  EXPECT_TRUE(y_eval == bn_forward_rule(x, gamma, beta, bc.spec, &running).y);
}

INSTANTIATE_TEST_SUITE_P(Shapes, IntBatchNormRule,
                         ::testing::Values(BnCase{Shape{4, 5, 7, 9}, {16, 16, 8, -15, 3}, true},
                                           BnCase{Shape{16, 16, 28, 28}, {16, 16, 8, -15, 3}, true},
                                           BnCase{Shape{8, 24, 14, 14}, {16, 16, 16, -15, 3}, false},
                                           BnCase{Shape{3, 2, 5, 5}, {8, 8, 4, -3, 1}, false},
                                           BnCase{Shape{32, 10, 1, 1}, {16, 16, 16, -15, 3}, true},
                                           BnCase{Shape{4, 5, 7, 9}, {16, 16, 8, -15, 3}, false, -90},
                                           BnCase{Shape{4, 5, 7, 9}, {16, 16, 8, -15, 3}, false, 40}),
                         [](const ::testing::TestParamInfo<BnCase>& info) {
                           const BnCase& c = info.param;
                           std::string name = std::to_string(info.index) + "_";
                           for (std::size_t a = 0; a < c.shape.rank(); ++a) name += (a ? "x" : "") + std::to_string(c.shape[a]);
                           name += "_norm" + std::to_string(c.spec.norm_bits) + (c.flagged_dy ? "_flagged" : "");
                           return name + "_xexp" + (c.x_exp < 0 ? "m" : "") + std::to_string(std::abs(c.x_exp));
                         });

}  // namespace
}  // namespace qtsim::ref
