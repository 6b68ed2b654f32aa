// GEMM and conv throughput of the reference, in GMAC/s (not a test).
// Usage: qtsim_bench_gemm [max_threads]   (default: hardware concurrency)
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "models/ref/ops/dense.hpp"
#include "models/ref/ops/gemm.hpp"
#include "models/ref/parallel.hpp"

using namespace qtsim::ref;

namespace {

// Best of several runs lasting at least ~0.3 s in total, in seconds per call.
double seconds_per_call(const std::function<void()>& fn) {
  using clock = std::chrono::steady_clock;
  fn();  // warm-up: page faults, thread start
  double best = 1e30, total = 0;
  for (int run = 0; run < 50 && (run < 3 || total < 0.3); ++run) {
    const auto t0 = clock::now();
    fn();
    const double s = std::chrono::duration<double>(clock::now() - t0).count();
    best = std::min(best, s);
    total += s;
  }
  return best;
}

std::vector<std::int32_t> random_ints(std::int64_t n, int magnitude, std::mt19937& rng) {
  std::uniform_int_distribution<int> d(-magnitude, magnitude);
  std::vector<std::int32_t> v(static_cast<std::size_t>(n));
  for (auto& x : v) x = d(rng);
  return v;
}

std::vector<float> random_floats(std::int64_t n, std::mt19937& rng) {
  std::uniform_real_distribution<float> d(-1.0f, 1.0f);
  std::vector<float> v(static_cast<std::size_t>(n));
  for (auto& x : v) x = d(rng);
  return v;
}

struct GemmShape {
  const char* what;
  std::int64_t M, N, K;
};

void bench_gemms(int threads) {
  const GemmShape shapes[] = {
      {"conv fwd 64ch 14x14 b128", 64, 128 * 196, 576},
      {"conv fwd 64ch 7x7 group", 64, 20 * 49, 576},
      {"conv bwd-data 64ch group", 576, 5 * 196, 64},
      {"conv bwd-wgt 16ch group", 16, 144, 5 * 784},
      {"conv bwd-wgt 16ch b128 block", 80, 16, 128 * 784},
      {"linear 128x64 -> 10", 128, 10, 64},
  };
  std::mt19937 rng(1);
  for (const auto& s : shapes) {
    const auto a = random_ints(s.M * s.K, 127, rng), bt = random_ints(s.N * s.K, 127, rng);
    const auto a_flag = random_ints(s.M * s.K, 127 << 7, rng);  // a flagged (15-bit) operand
    std::vector<std::int64_t> c(static_cast<std::size_t>(s.M * s.N));
    const auto fa = random_floats(s.M * s.K, rng), fb = random_floats(s.K * s.N, rng);
    std::vector<float> fc(c.size());
    const double macs = double(s.M) * double(s.N) * double(s.K);
    const double t_int = seconds_per_call([&] { gemm_int(s.M, s.N, s.K, a.data(), bt.data(), c.data(), 32); });
    const double t_flag = seconds_per_call([&] { gemm_int(s.M, s.N, s.K, a_flag.data(), bt.data(), c.data(), 64); });
    const double t_sat = seconds_per_call([&] { gemm_int(s.M, s.N, s.K, a.data(), bt.data(), c.data(), 16); });
    const double t_float = seconds_per_call([&] { gemm_float(s.M, s.N, s.K, fa.data(), fb.data(), fc.data()); });
    std::printf("%-30s M=%-5lld N=%-6lld K=%-6lld threads=%d  int8 %6.1f  int15x8 %6.1f  int8 acc16(saturating) %5.1f  "
                "float %5.1f GMAC/s\n",
                s.what, static_cast<long long>(s.M), static_cast<long long>(s.N), static_cast<long long>(s.K), threads,
                macs / t_int * 1e-9, macs / t_flag * 1e-9, macs / t_sat * 1e-9, macs / t_float * 1e-9);
  }
}

void bench_conv(int threads, std::int64_t batch, std::int64_t channels, std::int64_t size, std::int64_t stride) {
  std::mt19937 rng(2);
  const Shape x_shape{batch, channels, size, size}, w_shape{channels, channels, 3, 3};
  const std::int64_t out = (size + 2 - 3) / stride + 1;
  const Shape y_shape{batch, channels, out, out};
  QTensor x(x_shape, -4, 8), w(w_shape, -7, 8), dy(y_shape, -10, 8);
  x.q = random_ints(x_shape.numel(), 127, rng);
  w.q = random_ints(w_shape.numel(), 127, rng);
  dy.q = random_ints(y_shape.numel(), 127, rng);
  FTensor fx(x_shape), fw(w_shape), fdy(y_shape);
  fx.data = random_floats(x_shape.numel(), rng);
  fw.data = random_floats(w_shape.numel(), rng);
  fdy.data = random_floats(y_shape.numel(), rng);
  const double macs = double(batch) * channels * channels * 9 * out * out;
  std::uint64_t sat = 0;
  const double i_f = seconds_per_call([&] { conv2d_forward(x, w, stride, 1, 32, &sat); });
  const double i_d = seconds_per_call([&] { conv2d_backward_data(dy, w, x_shape, stride, 1, 32, &sat); });
  const double i_w = seconds_per_call([&] { conv2d_backward_weights(x, dy, w_shape, stride, 1, 32, &sat); });
  const double s_f = seconds_per_call([&] { conv2d_forward(x, w, stride, 1, 16, &sat); });
  const double s_d = seconds_per_call([&] { conv2d_backward_data(dy, w, x_shape, stride, 1, 16, &sat); });
  const double s_w = seconds_per_call([&] { conv2d_backward_weights(x, dy, w_shape, stride, 1, 16, &sat); });
  const double f_f = seconds_per_call([&] { conv2d_forward(fx, fw, stride, 1); });
  const double f_d = seconds_per_call([&] { conv2d_backward_data(fdy, fw, x_shape, stride, 1); });
  const double f_w = seconds_per_call([&] { conv2d_backward_weights(fx, fdy, w_shape, stride, 1); });
  std::printf("conv3x3 %lldch %lldx%lld stride %lld b%lld threads=%d  int8 fwd/bwd-data/bwd-wgt %5.1f %5.1f %5.1f | "
              "acc16 %5.1f %5.1f %5.1f | float %5.1f %5.1f %5.1f GMAC/s\n",
              static_cast<long long>(channels), static_cast<long long>(size), static_cast<long long>(size),
              static_cast<long long>(stride), static_cast<long long>(batch), threads, macs / i_f * 1e-9,
              macs / i_d * 1e-9, macs / i_w * 1e-9, macs / s_f * 1e-9, macs / s_d * 1e-9, macs / s_w * 1e-9,
              macs / f_f * 1e-9, macs / f_d * 1e-9, macs / f_w * 1e-9);
}

}  // namespace

int main(int argc, char** argv) {
  const int max_threads = argc > 1 ? std::atoi(argv[1]) : thread_count();
  for (int threads = 1; threads <= max_threads; threads *= 2) {
    set_thread_count(threads);
    bench_gemms(threads);
    bench_conv(threads, 128, 16, 28, 1);
    bench_conv(threads, 128, 32, 14, 1);
    bench_conv(threads, 128, 64, 7, 1);
    bench_conv(threads, 128, 32, 28, 2);
  }
  return 0;
}
