#pragma once
// Testbench helper for vector-unit kernels: builds the same program on an
// exact-mode and a timing-mode accelerator, runs both in one simulation and
// checks that every kernel took the same cycles and counted the same actions
// in both (costs never depend on data; timing mode skips the arithmetic).
#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <functional>
#include <random>
#include <vector>

#include "hw_test_util.hpp"

namespace qtsim::hw::test {

using BuildProgram = std::function<void(ScalarRegs&, std::vector<std::unique_ptr<Kernel>>&)>;

// `build` runs once per accelerator and must allocate registers in the same
// order both times; `before`/`after` (host work) run on the exact one only.
inline std::vector<KernelStats> run_exact_and_timing(const HwConfig& cfg, std::uint64_t dram_bytes,
                                                     const BuildProgram& build,
                                                     const std::function<void(Accelerator&)>& before,
                                                     const std::function<void(Accelerator&)>& after) {
  Bench exact, timing;
  exact.acc = std::make_unique<Accelerator>("exact", cfg, ExecMode::exact, dram_bytes);
  timing.acc = std::make_unique<Accelerator>("timing", cfg, ExecMode::timing, dram_bytes);
  build(exact.acc->regs(), exact.program);
  build(timing.acc->regs(), timing.program);
  exact.before = before;
  exact.after = after;
  run_all({&exact, &timing});
  EXPECT_EQ(exact.stats.size(), exact.program.size());
  EXPECT_EQ(timing.stats.size(), exact.stats.size());
  for (std::size_t k = 0; k < std::min(exact.stats.size(), timing.stats.size()); ++k) {
    const KernelStats &e = exact.stats[k], &t = timing.stats[k];
    EXPECT_EQ(e.cycles, t.cycles) << "kernel " << k << " (" << e.label.op << ")";
    EXPECT_EQ(e.busy_cycles, t.busy_cycles) << "kernel " << k << " (" << e.label.op << ")";
    EXPECT_EQ(e.tiles, t.tiles) << "kernel " << k << " (" << e.label.op << ")";
    EXPECT_TRUE(e.actions == t.actions) << "kernel " << k << " (" << e.label.op << ")";
    EXPECT_GT(e.busy_cycles, 0u);
  }
  return exact.stats;
}

inline Dims4 dims_of(const ref::Shape& s) { return {s.n(), s.c(), s.h(), s.w()}; }

// Random floats over many binades (so the order of a double sum matters), with
// exact zeros, negative zeros and repeated values sprinkled in.
inline std::vector<float> random_floats(std::size_t n, std::uint32_t seed, int spread = 12) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> mant(-1.0f, 1.0f);
  std::uniform_int_distribution<int> ex(-spread, spread / 2), pick(0, 15);
  std::vector<float> v(n);
  for (std::size_t i = 0; i < n; ++i) {
    const int k = pick(rng);
    if (k == 0) v[i] = 0.0f;
    else if (k == 1) v[i] = -0.0f;
    else if (k == 2 && i > 0) v[i] = v[i - 1];
    else v[i] = std::ldexp(mant(rng), ex(rng));
  }
  return v;
}

inline std::vector<std::uint32_t> float_bits(const std::vector<float>& v) {
  std::vector<std::uint32_t> b(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) b[i] = std::bit_cast<std::uint32_t>(v[i]);
  return b;
}

inline std::vector<std::int64_t> ints_of(const ref::QTensor& t) { return {t.q.begin(), t.q.end()}; }
inline std::vector<std::int64_t> flags_of(const ref::QTensor& t) { return {t.flag.begin(), t.flag.end()}; }

}  // namespace qtsim::hw::test
