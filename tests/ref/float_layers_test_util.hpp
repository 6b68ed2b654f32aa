#pragma once
// Helpers for the float-layer tests: a portable seeded generator (the standard
// distributions differ between library implementations) and central finite
// differences of a scalar loss.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "models/ref/tensor.hpp"

namespace qtsim::ref::float_test {

class TestRng {
 public:
  explicit TestRng(std::uint32_t seed) : gen_(seed) {}
  // Uniform in [lo, hi), from 24 random bits, identical on every platform.
  float uniform(float lo, float hi) { return lo + (hi - lo) * static_cast<float>(gen_() >> 8) * 0x1p-24f; }
  std::uint32_t below(std::uint32_t n) { return gen_() % n; }

 private:
  std::mt19937 gen_;
};

inline FTensor random_tensor(const Shape& shape, TestRng& rng, float lo, float hi) {
  FTensor t(shape);
  for (auto& v : t.data) v = rng.uniform(lo, hi);
  return t;
}

// Values (k - numel/2) * gap for k = 0 .. numel-1 in random order: all distinct
// and at least `gap` apart, so perturbations below gap/2 change no comparison.
inline FTensor distinct_tensor(const Shape& shape, TestRng& rng, float gap) {
  FTensor t(shape);
  const auto n = static_cast<std::int64_t>(t.size());
  for (std::int64_t k = 0; k < n; ++k) t.data[static_cast<std::size_t>(k)] = static_cast<float>(k - n / 2) * gap;
  for (std::size_t i = t.size(); i > 1; --i) std::swap(t.data[i - 1], t.data[rng.below(static_cast<std::uint32_t>(i))]);
  return t;
}

// sum_i a_i * b_i in double: the scalar loss whose gradient w.r.t. y is b.
inline double dot(const FTensor& a, const FTensor& b) {
  EXPECT_EQ(a.size(), b.size());
  double s = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) s += static_cast<double>(a[i]) * static_cast<double>(b[i]);
  return s;
}

// Central differences of loss(v) w.r.t. every element of v. The step actually
// taken is the difference of the rounded float arguments, so the quotient does
// not carry the representation error of v +- step.
inline std::vector<double> numeric_gradient(const FTensor& v, float step,
                                            const std::function<double(const FTensor&)>& loss) {
  std::vector<double> grad(v.size());
  FTensor probe = v;
  for (std::size_t j = 0; j < v.size(); ++j) {
    const float plus = v[j] + step, minus = v[j] - step;
    probe[j] = plus;
    const double loss_plus = loss(probe);
    probe[j] = minus;
    const double loss_minus = loss(probe);
    probe[j] = v[j];
    grad[j] = (loss_plus - loss_minus) / (static_cast<double>(plus) - static_cast<double>(minus));
  }
  return grad;
}

// The same in double for a double-precision re-implementation.
inline std::vector<double> numeric_gradient(const std::vector<double>& v, double step,
                                            const std::function<double(const std::vector<double>&)>& loss) {
  std::vector<double> grad(v.size());
  std::vector<double> probe = v;
  for (std::size_t j = 0; j < v.size(); ++j) {
    probe[j] = v[j] + step;
    const double loss_plus = loss(probe);
    probe[j] = v[j] - step;
    const double loss_minus = loss(probe);
    probe[j] = v[j];
    grad[j] = (loss_plus - loss_minus) / (2.0 * step);
  }
  return grad;
}

inline std::vector<double> to_double(const FTensor& t) { return std::vector<double>(t.data.begin(), t.data.end()); }

// |actual - expected| <= abs_tol + rel_tol * |expected| element-wise.
inline void expect_close(const FTensor& actual, const std::vector<double>& expected, double abs_tol, double rel_tol,
                         const std::string& what) {
  ASSERT_EQ(actual.size(), expected.size()) << what;
  for (std::size_t i = 0; i < expected.size(); ++i)
    EXPECT_NEAR(actual[i], expected[i], abs_tol + rel_tol * std::abs(expected[i])) << what << " element " << i;
}

inline void expect_bitwise_equal(const FTensor& a, const FTensor& b, const std::string& what) {
  ASSERT_EQ(a.shape, b.shape) << what;
  ASSERT_EQ(a.size(), b.size()) << what;
  for (std::size_t i = 0; i < a.size(); ++i)
    ASSERT_EQ(std::bit_cast<std::uint32_t>(a[i]), std::bit_cast<std::uint32_t>(b[i])) << what << " element " << i;
}

}  // namespace qtsim::ref::float_test
