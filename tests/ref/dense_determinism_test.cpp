// Every output element is computed by one thread in a fixed order, so all
// results are bitwise identical for any thread count.
#include <gtest/gtest.h>

#include <cstring>
#include <functional>
#include <vector>

#include "dense_test_util.hpp"
#include "models/ref/ops/dense.hpp"
#include "models/ref/ops/gemm.hpp"

namespace qtsim::ref {
namespace {

using namespace dense_test;

// Runs `compute` with 1, 2 and 3 threads and expects identical bytes.
template <typename Result>
void expect_same_for_all_thread_counts(const std::function<Result()>& compute,
                                       const std::function<std::vector<char>(const Result&)>& bytes) {
  ThreadCountGuard guard;
  set_thread_count(1);
  const std::vector<char> reference = bytes(compute());
  for (int threads : {2, 3}) {
    set_thread_count(threads);
    EXPECT_EQ(bytes(compute()), reference) << threads << " threads";
  }
}

template <typename T>
std::vector<char> raw(const std::vector<T>& v) {
  std::vector<char> out(v.size() * sizeof(T));
  if (!v.empty()) std::memcpy(out.data(), v.data(), out.size());
  return out;
}

std::vector<char> float_bytes(const std::vector<FTensor>& ts) {
  std::vector<char> out;
  for (const auto& t : ts) {
    const auto b = raw(t.data);
    out.insert(out.end(), b.begin(), b.end());
  }
  return out;
}

struct WideResults {
  std::vector<WideTensor> tensors;
  std::vector<std::uint64_t> saturations;
};

std::vector<char> wide_bytes(const WideResults& r) {
  std::vector<char> out = raw(r.saturations);
  for (const auto& t : r.tensors) {
    const auto b = raw(t.v);
    out.insert(out.end(), b.begin(), b.end());
  }
  return out;
}

FTensor random_float(const Shape& shape, Rng& rng) {
  FTensor t(shape);
  for (auto& v : t.data) v = rng.uniform(-1, 1);
  return t;
}

TEST(DenseDeterminism, GemmFloat) {
  Rng rng(1);
  const i64 M = 70, N = 900, K = 700;
  const FTensor A = random_float({M, K}, rng), B = random_float({K, N}, rng);
  expect_same_for_all_thread_counts<std::vector<FTensor>>(
      [&] {
        FTensor C({M, N});
        gemm_float(M, N, K, A.data.data(), B.data.data(), C.data.data());
        return std::vector<FTensor>{C};
      },
      float_bytes);
}

TEST(DenseDeterminism, ConvAndLinearFloat) {
  Rng rng(2);
  const ConvCase s{6, 24, 14, 13, 40, 3, 2, 1};
  const FTensor x = random_float(s.x_shape(), rng), w = random_float(s.w_shape(), rng),
                dy = random_float(s.y_shape(), rng);
  const FTensor lx = random_float({50, 24, 3, 3}, rng), lw = random_float({30, 24 * 9}, rng),
                ldy = random_float({50, 30, 1, 1}, rng);
  expect_same_for_all_thread_counts<std::vector<FTensor>>(
      [&] {
        return std::vector<FTensor>{conv2d_forward(x, w, s.stride, s.pad),
                                    conv2d_backward_data(dy, w, s.x_shape(), s.stride, s.pad),
                                    conv2d_backward_weights(x, dy, s.w_shape(), s.stride, s.pad),
                                    linear_forward(lx, lw), linear_backward_data(ldy, lw, lx.shape),
                                    linear_backward_weights(lx, ldy, lw.shape)};
      },
      float_bytes);
}

TEST(DenseDeterminism, ConvAndLinearInt) {
  Rng rng(3);
  const ConvCase s{6, 24, 14, 13, 40, 3, 2, 1};
  const QTensor x = random_q(s.x_shape(), -3, 8, rng), w = random_q(s.w_shape(), -7, 8, rng);
  QTensor dy = random_q(s.y_shape(), -9, 8, rng);
  add_random_flags(dy, rng);
  const QTensor lx = random_q({50, 24, 3, 3}, -3, 8, rng), lw = random_q({30, 24 * 9}, -7, 8, rng);
  const QTensor ldy = random_q({50, 30, 1, 1}, -9, 8, rng);
  for (int acc_bits : {32, 14}) {
    SCOPED_TRACE(acc_bits);
    expect_same_for_all_thread_counts<WideResults>(
        [&] {
          WideResults r;
          r.saturations.resize(6);
          r.tensors.push_back(conv2d_forward(x, w, s.stride, s.pad, acc_bits, &r.saturations[0]));
          r.tensors.push_back(conv2d_backward_data(dy, w, s.x_shape(), s.stride, s.pad, acc_bits, &r.saturations[1]));
          r.tensors.push_back(
              conv2d_backward_weights(x, dy, s.w_shape(), s.stride, s.pad, acc_bits, &r.saturations[2]));
          r.tensors.push_back(linear_forward(lx, lw, acc_bits, &r.saturations[3]));
          r.tensors.push_back(linear_backward_data(ldy, lw, lx.shape, acc_bits, &r.saturations[4]));
          r.tensors.push_back(linear_backward_weights(lx, ldy, lw.shape, acc_bits, &r.saturations[5]));
          return r;
        },
        wide_bytes);
  }
}

}  // namespace
}  // namespace qtsim::ref
