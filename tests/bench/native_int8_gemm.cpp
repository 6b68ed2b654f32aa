// The yardstick of scripts/bench.sh (not a test): int8 x int8 -> int32
// multiply-accumulates per second of a plain native GEMM loop on one core,
// compiled like the rest of the project (-O3, and -march=native unless
// QTSIM_NATIVE=OFF), so the compiler vectorises it. The simulator's exact mode
// is measured against it in the same run.
//
//   qtsim_bench_native_gemm [M K N]   (default 256 256 256)
// Prints "native_int8_gemm_macs_per_second <value>" and the shape.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace {

// C[M x N] += A[M x K] * B[K x N], row-major; the i-k-j order keeps the inner
// loop contiguous (the textbook loop a compiler vectorises).
void gemm(const std::int8_t* a, const std::int8_t* b, std::int32_t* c, int m, int k, int n) {
  for (int i = 0; i < m; ++i)
    for (int p = 0; p < k; ++p) {
      const std::int32_t av = a[static_cast<std::size_t>(i) * k + p];
      const std::int8_t* brow = b + static_cast<std::size_t>(p) * n;
      std::int32_t* crow = c + static_cast<std::size_t>(i) * n;
      for (int j = 0; j < n; ++j) crow[j] += av * brow[j];
    }
}

}  // namespace

int main(int argc, char** argv) {
  int m = 256, k = 256, n = 256;
  if (argc == 4) {
    m = std::atoi(argv[1]), k = std::atoi(argv[2]), n = std::atoi(argv[3]);
  } else if (argc != 1) {
    std::fprintf(stderr, "usage: qtsim_bench_native_gemm [M K N]\n");
    return 2;
  }
  if (m < 1 || k < 1 || n < 1 || m > 8192 || k > 8192 || n > 8192) {
    std::fprintf(stderr, "qtsim_bench_native_gemm: M, K, N must be in 1..8192\n");
    return 2;
  }
  std::vector<std::int8_t> a(static_cast<std::size_t>(m) * k), b(static_cast<std::size_t>(k) * n);
  std::uint32_t x = 12345;
  for (auto* v : {&a, &b})
    for (auto& e : *v) {
      x = x * 1664525u + 1013904223u;
      e = static_cast<std::int8_t>(static_cast<int>(x >> 24) % 255 - 127);
    }
  std::vector<std::int32_t> c(static_cast<std::size_t>(m) * n, 0);
  using clock = std::chrono::steady_clock;
  gemm(a.data(), b.data(), c.data(), m, k, n);  // warm-up
  double best = 1e30, total = 0;
  for (int run = 0; run < 200 && (run < 5 || total < 1.0); ++run) {
    const auto t0 = clock::now();
    gemm(a.data(), b.data(), c.data(), m, k, n);
    const double s = std::chrono::duration<double>(clock::now() - t0).count();
    best = std::min(best, s);
    total += s;
  }
  std::int64_t checksum = 0;
  for (std::int32_t v : c) checksum += v;  // keeps the loop from being optimised away
  const double macs = static_cast<double>(m) * k * n;
  std::printf("native_int8_gemm_macs_per_second %.6g\n", macs / best);
  std::printf("shape %dx%dx%d best %.6f s checksum %lld\n", m, k, n, best, static_cast<long long>(checksum));
  return 0;
}
