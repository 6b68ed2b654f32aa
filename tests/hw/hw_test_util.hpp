#pragma once
// Helpers for accelerator testbenches: small configurations, random integer
// tensors, running programs on one or more accelerators in one simulation.
#include <cstdint>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <systemc>

#include "models/hw/accelerator.hpp"
#include "models/hw/core/dram_allocator.hpp"
#include "models/hw/host/tensor_io.hpp"
#include "models/ref/tensor.hpp"

namespace qtsim::hw::test {

inline HwConfig small_config(Dataflow df, int rows, int cols, std::uint64_t sram_bytes,
                             ArrayDatapath dp = ArrayDatapath::int8) {
  HwConfig c;
  c.name = "test";
  c.array.rows = rows;
  c.array.cols = cols;
  c.array.dataflow = df;
  c.array.datapath = dp;
  c.ifmap.capacity_bytes = c.filter.capacity_bytes = c.ofmap.capacity_bytes = sram_bytes;
  c.vector.capacity_bytes = sram_bytes;
  return c;
}

inline std::vector<std::int64_t> random_ints(std::size_t n, std::int64_t lo, std::int64_t hi, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<std::int64_t> d(lo, hi);
  std::vector<std::int64_t> v(n);
  for (auto& x : v) x = d(rng);
  return v;
}

inline ref::QTensor to_qtensor(const std::vector<std::int64_t>& v, const Dims4& d, int exp, int bits = 8) {
  ref::QTensor q(ref::Shape{d.n, d.c, d.h, d.w}, exp, bits);
  for (std::size_t i = 0; i < v.size(); ++i) q.q[i] = static_cast<std::int32_t>(v[i]);
  return q;
}

// One accelerator with its program and the host work around it.
struct Bench {
  std::unique_ptr<Accelerator> acc;
  std::function<void(Accelerator&)> before;  // host: fill DRAM, set registers
  std::vector<std::unique_ptr<Kernel>> program;
  std::function<void(Accelerator&)> after;   // host: read results
  std::vector<KernelStats> stats;
};

// Runs all benches in one simulation (each accelerator has its own thread).
inline void run_all(std::vector<Bench*> benches) {
  for (Bench* b : benches)
    b->acc->on_start([b](Accelerator& a) {
      if (b->before) b->before(a);
      a.execute(b->program, [b](const Kernel&, const KernelStats& s) { b->stats.push_back(s); });
      if (b->after) b->after(a);
    });
  sc_core::sc_start();
}

}  // namespace qtsim::hw::test
