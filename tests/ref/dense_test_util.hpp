#pragma once
// Independent references for the dense-layer tests: direct 7-deep conv loops in
// int64 and in double, the canonical-order saturating accumulator of
// docs/NUMERICS.md §5, and flag widening written from the spec (§4.4), not
// from the code under test.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "models/ref/parallel.hpp"
#include "models/ref/tensor.hpp"

namespace qtsim::ref::dense_test {

using i64 = std::int64_t;

// Portable generator (the standard distributions differ between libraries).
class Rng {
 public:
  explicit Rng(std::uint32_t seed) : gen_(seed) {}
  i64 between(i64 lo, i64 hi) { return lo + static_cast<i64>(gen_() % static_cast<std::uint64_t>(hi - lo + 1)); }
  float uniform(float lo, float hi) { return lo + (hi - lo) * static_cast<float>(gen_() >> 40) * 0x1p-24f; }

 private:
  std::mt19937_64 gen_;
};

inline QTensor random_q(const Shape& shape, int exp, int bits, Rng& rng) {
  QTensor t(shape, exp, bits);
  const i64 m = (i64{1} << (bits - 1)) - 1;
  for (auto& v : t.q) v = static_cast<std::int32_t>(rng.between(-m, m));
  return t;
}

// Makes t flag-quantized (k-1 bit fine range) with about `fraction` of elements flagged.
inline void add_random_flags(QTensor& t, Rng& rng, int percent_flagged = 50) {
  t.flag_shift = t.bits - 1;
  t.flag.resize(t.q.size());
  for (auto& f : t.flag) f = rng.between(0, 99) < percent_flagged ? 1 : 0;
}

// Values as consumers see them (§4.4): a flag-quantized tensor is widened to its
// fine exponent exp - flag_shift, unflagged elements shifted left by flag_shift.
struct FineValues {
  std::vector<i64> v;
  int exp;
};
inline FineValues fine_values(const QTensor& t) {
  const bool flagged = !t.flag.empty();
  FineValues out{std::vector<i64>(t.q.begin(), t.q.end()), flagged ? t.exp - t.flag_shift : t.exp};
  if (flagged)
    for (std::size_t i = 0; i < t.q.size(); ++i)
      if (!t.flag[i]) out.v[i] = t.q[i] * (i64{1} << t.flag_shift);
  return out;
}

// acc_bits accumulator saturating after every addition, counting saturations.
struct SaturatingSum {
  explicit SaturatingSum(int acc_bits) : hi((__int128{1} << (acc_bits - 1)) - 1) {}
  void add(__int128 product) {
    value += product;
    if (value > hi) {
      value = hi;
      ++saturations;
    } else if (value < -hi) {
      value = -hi;
      ++saturations;
    }
  }
  __int128 hi;
  __int128 value = 0;
  std::uint64_t saturations = 0;
};

// groups > 1: filter k reads only the channels of its group, k / (K / groups).
struct ConvCase {
  i64 n, c, h, w, k, r, stride, pad;
  i64 groups = 1;
  i64 p() const { return (h + 2 * pad - r) / stride + 1; }
  i64 q() const { return (w + 2 * pad - r) / stride + 1; }
  i64 cg() const { return c / groups; }  // channels a filter reads
  i64 kg() const { return k / groups; }  // filters of a group
  Shape x_shape() const { return {n, c, h, w}; }
  Shape w_shape() const { return {k, cg(), r, r}; }
  Shape y_shape() const { return {n, k, p(), q()}; }
  // Index of weight (k, channel c of x, r, t); c must be in k's group.
  i64 w_index(i64 kk, i64 cc, i64 rr, i64 tt) const { return ((kk * cg() + cc % cg()) * r + rr) * r + tt; }
};

inline std::ostream& operator<<(std::ostream& os, const ConvCase& s) {
  os << "N" << s.n << " C" << s.c << " " << s.h << "x" << s.w << " K" << s.k << " R" << s.r << " stride "
     << s.stride << " pad " << s.pad;
  if (s.groups != 1) os << " groups " << s.groups;
  return os;
}

// Accumulation policies of the loops below.
inline void accumulate(i64& acc, i64 a, i64 b) { acc += a * b; }
inline void accumulate(double& acc, double a, double b) { acc += a * b; }
inline void accumulate(float& acc, float a, float b) { acc = acc + a * b; }  // one rounding each (-ffp-contract=off)
inline void accumulate(SaturatingSum& acc, i64 a, i64 b) { acc.add(__int128{a} * b); }
template <typename V>
V result(i64 acc, std::uint64_t*) { return acc; }
template <typename V>
V result(double acc, std::uint64_t*) { return acc; }
template <typename V>
V result(float acc, std::uint64_t*) { return acc; }
template <typename V>
V result(const SaturatingSum& acc, std::uint64_t* saturations) {
  if (saturations) *saturations += acc.saturations;
  return static_cast<V>(acc.value);
}

inline auto plain_int = [] { return i64{0}; };
inline auto plain_double = [] { return 0.0; };
inline auto plain_float = [] { return 0.0f; };  // float32 sums in the loops' (canonical) order
inline auto saturating(int acc_bits) {
  return [acc_bits] { return SaturatingSum(acc_bits); };
}

// The three conv passes as direct loops in the canonical orders; Acc is int64
// (plain sums), SaturatingSum or double, as made by `make`.
template <typename V, typename MakeAcc>
std::vector<V> naive_conv_forward(const ConvCase& s, const std::vector<V>& x, const std::vector<V>& w, MakeAcc make,
                                  std::uint64_t* saturations = nullptr) {
  std::vector<V> y(static_cast<std::size_t>(s.y_shape().numel()));
  for (i64 n = 0; n < s.n; ++n)
    for (i64 k = 0; k < s.k; ++k)
      for (i64 p = 0; p < s.p(); ++p)
        for (i64 q = 0; q < s.q(); ++q) {
          auto acc = make();
          const i64 c0 = k / s.kg() * s.cg();
          for (i64 c = c0; c < c0 + s.cg(); ++c)
            for (i64 r = 0; r < s.r; ++r)
              for (i64 t = 0; t < s.r; ++t) {
                const i64 h = p * s.stride + r - s.pad, ww = q * s.stride + t - s.pad;
                if (h < 0 || h >= s.h || ww < 0 || ww >= s.w) continue;
                accumulate(acc, x[((n * s.c + c) * s.h + h) * s.w + ww], w[s.w_index(k, c, r, t)]);
              }
          y[((n * s.k + k) * s.p() + p) * s.q() + q] = result<V>(acc, saturations);
        }
  return y;
}

template <typename V, typename MakeAcc>
std::vector<V> naive_conv_backward_data(const ConvCase& s, const std::vector<V>& dy, const std::vector<V>& w,
                                        MakeAcc make, std::uint64_t* saturations = nullptr) {
  std::vector<V> dx(static_cast<std::size_t>(s.x_shape().numel()));
  for (i64 n = 0; n < s.n; ++n)
    for (i64 c = 0; c < s.c; ++c)
      for (i64 h = 0; h < s.h; ++h)
        for (i64 ww = 0; ww < s.w; ++ww) {
          auto acc = make();
          const i64 k0 = c / s.cg() * s.kg();
          for (i64 k = k0; k < k0 + s.kg(); ++k)
            for (i64 r = 0; r < s.r; ++r)
              for (i64 t = 0; t < s.r; ++t) {
                const i64 ph = h + s.pad - r, qw = ww + s.pad - t;
                if (ph < 0 || qw < 0 || ph % s.stride || qw % s.stride) continue;
                const i64 p = ph / s.stride, q = qw / s.stride;
                if (p >= s.p() || q >= s.q()) continue;
                accumulate(acc, dy[((n * s.k + k) * s.p() + p) * s.q() + q], w[s.w_index(k, c, r, t)]);
              }
          dx[((n * s.c + c) * s.h + h) * s.w + ww] = result<V>(acc, saturations);
        }
  return dx;
}

template <typename V, typename MakeAcc>
std::vector<V> naive_conv_backward_weights(const ConvCase& s, const std::vector<V>& x, const std::vector<V>& dy,
                                           MakeAcc make, std::uint64_t* saturations = nullptr) {
  std::vector<V> dw(static_cast<std::size_t>(s.w_shape().numel()));
  for (i64 k = 0; k < s.k; ++k)
    for (i64 c = k / s.kg() * s.cg(); c < (k / s.kg() + 1) * s.cg(); ++c)
      for (i64 r = 0; r < s.r; ++r)
        for (i64 t = 0; t < s.r; ++t) {
          auto acc = make();
          for (i64 n = 0; n < s.n; ++n)
            for (i64 p = 0; p < s.p(); ++p)
              for (i64 q = 0; q < s.q(); ++q) {
                // Padding contributes the product 0 * dy (as a padded operand would),
                // which matters only when dy is not finite.
                const i64 h = p * s.stride + r - s.pad, ww = q * s.stride + t - s.pad;
                const bool inside = h >= 0 && h < s.h && ww >= 0 && ww < s.w;
                accumulate(acc, dy[((n * s.k + k) * s.p() + p) * s.q() + q],
                           inside ? x[((n * s.c + c) * s.h + h) * s.w + ww] : V{});
              }
          dw[s.w_index(k, c, r, t)] = result<V>(acc, saturations);
        }
  return dw;
}

// Float backward-data in the GEMM + col2im order of strided convs (and pad >= R):
// for every tap (r, s) inside dy, t = the sum over k from 0.0f of w * dy, and dx
// (from 0.0f) adds the taps' t in (r, s) order.
inline std::vector<float> tapwise_conv_backward_data(const ConvCase& s, const std::vector<float>& dy,
                                                     const std::vector<float>& w) {
  std::vector<float> dx(static_cast<std::size_t>(s.x_shape().numel()), 0.0f);
  for (i64 n = 0; n < s.n; ++n)
    for (i64 c = 0; c < s.c; ++c)
      for (i64 h = 0; h < s.h; ++h)
        for (i64 ww = 0; ww < s.w; ++ww) {
          float sum = 0.0f;
          for (i64 r = 0; r < s.r; ++r)
            for (i64 t = 0; t < s.r; ++t) {
              const i64 ph = h + s.pad - r, qw = ww + s.pad - t;
              if (ph < 0 || qw < 0 || ph % s.stride || qw % s.stride) continue;
              const i64 p = ph / s.stride, q = qw / s.stride;
              if (p >= s.p() || q >= s.q()) continue;
              float tap = 0.0f;
              const i64 k0 = c / s.cg() * s.kg();
              for (i64 k = k0; k < k0 + s.kg(); ++k)
                tap = tap + w[s.w_index(k, c, r, t)] * dy[((n * s.k + k) * s.p() + p) * s.q() + q];
              sum = sum + tap;
            }
          dx[((n * s.c + c) * s.h + h) * s.w + ww] = sum;
        }
  return dx;
}

inline std::vector<double> to_double(const std::vector<float>& v) { return {v.begin(), v.end()}; }

inline void expect_bitwise_equal(const std::vector<float>& actual, const std::vector<float>& expected) {
  ASSERT_EQ(actual.size(), expected.size());
  for (std::size_t i = 0; i < actual.size(); ++i)
    ASSERT_EQ(std::bit_cast<std::uint32_t>(actual[i]), std::bit_cast<std::uint32_t>(expected[i]))
        << "element " << i << ": " << actual[i] << " vs " << expected[i];
}

// Bitwise equal, except that any NaN matches any NaN.
inline void expect_bitwise_equal_or_both_nan(const std::vector<float>& actual, const std::vector<float>& expected) {
  ASSERT_EQ(actual.size(), expected.size());
  for (std::size_t i = 0; i < actual.size(); ++i) {
    if (std::isnan(actual[i]) && std::isnan(expected[i])) continue;
    ASSERT_EQ(std::bit_cast<std::uint32_t>(actual[i]), std::bit_cast<std::uint32_t>(expected[i]))
        << "element " << i << ": " << actual[i] << " vs " << expected[i];
  }
}

// |actual - expected| <= rel * max(|expected|, floor_fraction * max|expected|), element-wise.
inline void expect_close(const std::vector<float>& actual, const std::vector<double>& expected, double rel,
                         double floor_fraction = 0.05) {
  ASSERT_EQ(actual.size(), expected.size());
  double scale = 0;
  for (double e : expected) scale = std::max(scale, std::abs(e));
  for (std::size_t i = 0; i < actual.size(); ++i) {
    const double tol = rel * std::max(std::abs(expected[i]), floor_fraction * scale);
    ASSERT_NEAR(actual[i], expected[i], tol) << "element " << i;
  }
}

// Central differences of a linear-in-v double function L at every element of v.
template <typename Loss>
std::vector<double> finite_differences(std::vector<double> v, Loss loss, double step = 1e-3) {
  std::vector<double> grad(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) {
    const double saved = v[i];
    v[i] = saved + step;
    const double up = loss(v);
    v[i] = saved - step;
    const double down = loss(v);
    v[i] = saved;
    grad[i] = (up - down) / (2 * step);
  }
  return grad;
}

inline double dot(const std::vector<double>& a, const std::vector<double>& b) {
  double s = 0;
  for (std::size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
  return s;
}

// Restores the thread count a test changed.
class ThreadCountGuard {
 public:
  ThreadCountGuard() : saved_(thread_count()) {}
  ~ThreadCountGuard() { set_thread_count(saved_); }

 private:
  int saved_;
};

}  // namespace qtsim::ref::dense_test
