#pragma once
// A testbench rig for vector-unit kernels: tensors placed in DRAM and filled
// by the host from reference tensors, registers with initial values, and one
// program run twice in the same simulation — on an exact-mode accelerator
// (arithmetic) and on a timing-mode one (no arithmetic) — so every test also
// checks that cycles and action counts never depend on data.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "hw_test_util.hpp"
#include "models/ref/quantizer.hpp"

namespace qtsim::hw::test {

inline Dims4 dims_of(const ref::Shape& s) { return {s.n(), s.c(), s.h(), s.w()}; }

inline KernelLabel vlabel(const std::string& op, const std::string& path, Phase phase = Phase::forward,
                          Unit unit = Unit::vector_unit) {
  return {"layer", op, phase, path, unit};
}

struct VectorRig {
  using Program = std::vector<std::unique_ptr<Kernel>>;

  // 512 bytes per slot of the double-buffered vector SRAM: every tensor of a test
  // streams through in several chunks.
  explicit VectorRig(std::uint64_t vector_bytes = 1024) : cfg(small_config(Dataflow::os, 4, 4, vector_bytes)) {}

  HwConfig cfg;
  DramAllocator alloc;
  std::vector<std::int64_t> reg_init;
  std::vector<std::function<void(Accelerator&)>> fills;
  std::function<void(Program&)> build;  // called once per accelerator: the same kernels, fresh instances
  Bench exact, timing;

  int reg(std::int64_t init = 0) {
    reg_init.push_back(init);
    return static_cast<int>(reg_init.size()) - 1;
  }

  // An integer tensor written by the host (with its flag plane if flagged), exponent in a register.
  HwTensor input(const std::string& name, const ref::QTensor& q, const Dims4* view = nullptr) {
    const Dims4 d = view ? *view : dims_of(q.shape);
    HwTensor t(alloc.allocate(name, int_dtype_for_bits(q.bits), d), reg(q.exp), q.bits);
    if (q.flagged()) {
      t.flagged = true;
      t.flags = alloc.allocate(name + ".flags", DType::u8, d);
      t.flag_shift = q.flag_shift;
    }
    fills.push_back([t, q](Accelerator& a) {
      write_ints(a.dram(), t.data, {q.q.begin(), q.q.end()});
      if (t.flagged) write_ints(a.dram(), t.flags, {q.flag.begin(), q.flag.end()});
    });
    return t;
  }
  // An integer tensor of any stored type written by the host.
  HwTensor input_ints(const std::string& name, DType type, const Dims4& d, const std::vector<std::int64_t>& v, int exp = 0) {
    HwTensor t(alloc.allocate(name, type, d), reg(exp), 8);
    fills.push_back([t, v](Accelerator& a) { write_ints(a.dram(), t.data, v); });
    return t;
  }
  HwTensor input_floats(const std::string& name, const ref::FTensor& f, const Dims4& d) {
    HwTensor t(alloc.allocate(name, DType::f32, d));
    fills.push_back([t, f](Accelerator& a) { write_floats(a.dram(), t.data, f.data); });
    return t;
  }
  // An integer result: `bits` wide, flag plane if `flag_shift` > 0.
  HwTensor output(const std::string& name, const Dims4& d, int bits, int flag_shift = 0) {
    HwTensor t(alloc.allocate(name, int_dtype_for_bits(bits), d), reg(), bits);
    if (flag_shift > 0) {
      t.flagged = true;
      t.flags = alloc.allocate(name + ".flags", DType::u8, d);
      t.flag_shift = flag_shift;
    }
    return t;
  }
  // The output of a quantizer.
  HwTensor quantized(const std::string& name, const Dims4& d, const ref::QuantizerSpec& spec) {
    return output(name, d, spec.bits, spec.kind == ref::QuantizerKind::flag ? spec.bits - 1 : 0);
  }
  // An exact (int64) result.
  HwTensor wide_output(const std::string& name, const Dims4& d) { return HwTensor(alloc.allocate(name, DType::i64, d), reg(), 64); }
  HwTensor output_floats(const std::string& name, const Dims4& d) { return HwTensor(alloc.allocate(name, DType::f32, d)); }

  void run() {
    exact.acc = std::make_unique<Accelerator>("exact", cfg, ExecMode::exact, alloc.used());
    timing.acc = std::make_unique<Accelerator>("timing", cfg, ExecMode::timing, alloc.used());
    for (Bench* b : {&exact, &timing}) {
      for (std::int64_t v : reg_init) b->acc->regs().allocate(v);
      build(b->program);
    }
    exact.before = [this](Accelerator& a) {
      for (auto& f : fills) f(a);
    };
    run_all({&exact, &timing});
    ASSERT_EQ(exact.stats.size(), exact.program.size());
    ASSERT_EQ(timing.stats.size(), exact.stats.size());
    for (std::size_t k = 0; k < exact.stats.size(); ++k) {
      const KernelStats &e = exact.stats[k], &t = timing.stats[k];
      EXPECT_EQ(e.tiles, t.tiles) << "kernel " << k << " " << e.label.op;
      EXPECT_EQ(e.busy_cycles, t.busy_cycles) << "kernel " << k << " " << e.label.op;
      EXPECT_EQ(e.cycles, t.cycles) << "kernel " << k << " " << e.label.op;
      EXPECT_TRUE(e.actions == t.actions) << "kernel " << k << " " << e.label.op;
      EXPECT_GT(e.busy_cycles, 0u) << "kernel " << k << " " << e.label.op;
    }
  }

  // Kernel k ran in several chunks.
  void expect_chunked(std::size_t k) const {
    ASSERT_LT(k, exact.stats.size());
    EXPECT_GT(exact.stats[k].tiles, 2u) << "the vector buffer should force chunking of " << exact.stats[k].label.op;
  }

  ScalarRegs& regs() { return exact.acc->regs(); }
  std::int64_t reg_value(int r) { return regs()[r]; }
  std::vector<std::int64_t> ints(const TensorRegion& r) { return read_ints(exact.acc->dram(), r); }
  std::vector<float> floats(const TensorRegion& r) { return read_floats(exact.acc->dram(), r); }
  const ActionCounts& actions(std::size_t k) const { return exact.stats.at(k).actions; }
};

inline std::vector<std::int64_t> as_ints(const std::vector<std::int32_t>& v) { return {v.begin(), v.end()}; }
inline std::vector<std::int64_t> as_ints(const std::vector<std::uint8_t>& v) { return {v.begin(), v.end()}; }

inline std::vector<std::uint32_t> float_bits(const std::vector<float>& v) {
  std::vector<std::uint32_t> b(v.size());
  std::memcpy(b.data(), v.data(), v.size() * sizeof(float));
  return b;
}

// A hardware integer result against the reference's: values, exponent register, flags.
inline void expect_same_q(VectorRig& rig, const HwTensor& t, const ref::QTensor& ref) {
  EXPECT_EQ(rig.reg_value(t.exp_reg), ref.exp) << t.data.name << ": exponent";
  EXPECT_EQ(rig.ints(t.data), as_ints(ref.q)) << t.data.name << ": values";
  EXPECT_EQ(t.flagged, ref.flagged()) << t.data.name << ": flag plane";
  if (t.flagged && ref.flagged()) {
    EXPECT_EQ(t.flag_shift, ref.flag_shift);
    EXPECT_EQ(rig.ints(t.flags), as_ints(ref.flag)) << t.data.name << ": flags";
  }
}

// Random k-bit integers at `exp`; a flag plane (about half the elements flagged) if flag_shift > 0.
inline ref::QTensor random_q(const ref::Shape& s, int exp, std::uint32_t seed, int flag_shift = 0, int bits = 8,
                             std::int64_t range = 127) {
  ref::QTensor q(s, exp, bits);
  const auto v = random_ints(q.size(), -range, range, seed);
  for (std::size_t i = 0; i < q.size(); ++i) q.q[i] = static_cast<std::int32_t>(v[i]);
  if (flag_shift > 0) {
    q.flag_shift = flag_shift;
    const auto f = random_ints(q.size(), 0, 1, seed + 1000);
    q.flag.assign(f.begin(), f.end());
  }
  return q;
}

}  // namespace qtsim::hw::test
