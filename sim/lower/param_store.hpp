#pragma once
// The training state that lives in the accelerator's DRAM across steps: every
// parameter's forward weights W, master copy M and momentum buffer V (integer
// schemes) or values and velocity (FP32), and batchnorm running statistics.
// Each lives in two banks: step s reads bank s % 2 and the update writes bank
// (s + 1) % 2, so a step's inputs stay readable after it (validation reads
// both). Exponents live in persistent scalar registers (V's changes each step).
#include <cstdint>
#include <vector>

#include "models/hw/core/dram_allocator.hpp"
#include "models/hw/core/hw_tensor.hpp"
#include "models/hw/core/kernel.hpp"
#include "models/hw/memory/dram.hpp"
#include "models/ref/model.hpp"

namespace qtsim::lower {

hw::Dims4 dims_of(const ref::Shape& s);

struct ParamSlot {
  std::string name;
  int node = 0;
  ref::ParamRole role = ref::ParamRole::weight;
  bool is_float = false;
  bool has_master = false;    // master copy wider than W
  bool has_velocity = false;
  hw::HwTensor w[2], master[2], velocity[2];  // integer (master aliases w when !has_master)
  int velocity_nonzero_reg = -1;              // 1 when the latest V holds a nonzero value (NUMERICS.md §7)
  hw::HwTensor value[2], fvelocity[2];        // float
};

struct BnSlot {
  int node = -1;
  bool is_float = true;
  hw::HwTensor running_mean[2], running_var[2];  // float32 [C], or int64 at -24 / -32
  int initialised_reg = -1;                       // int-bn: running statistics set on the first step
};

class ParamStore {
 public:
  // Places the parameters of `model` (shapes, widths and exponents as its scheme says).
  ParamStore(const ref::Model& model, hw::DramAllocator& alloc, hw::ScalarRegs& regs);
  // Host: writes the model's current parameter values into bank `bank`.
  void load(ref::Model& model, hw::Dram& dram, hw::ScalarRegs& regs, int bank) const;

  const std::vector<ParamSlot>& params() const { return params_; }
  const std::vector<BnSlot>& batchnorms() const { return bn_; }  // one per node (node = -1 when not BN)
  int first_param(int node) const { return first_[static_cast<std::size_t>(node)]; }

 private:
  std::vector<ParamSlot> params_;
  std::vector<BnSlot> bn_;
  std::vector<int> first_;
};

}  // namespace qtsim::lower
