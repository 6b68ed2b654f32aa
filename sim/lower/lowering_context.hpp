#pragma once
// What every kernel builder of the lowering needs: the hardware, the DRAM
// allocator of the step, the registers, the program being built, the step's
// random streams.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "models/hw/core/dram_allocator.hpp"
#include "models/hw/core/hw_config.hpp"
#include "models/hw/core/hw_tensor.hpp"
#include "models/hw/core/kernel.hpp"
#include "models/ref/random_bits.hpp"
#include "models/ref/scheme.hpp"

namespace qtsim::lower {

struct LoweringContext {
  const hw::HwConfig& config;
  const ref::Scheme& scheme;
  hw::DramAllocator& alloc;
  hw::ScalarRegs& regs;
  std::vector<std::unique_ptr<hw::Kernel>>& program;
  std::uint32_t step = 0;
  std::uint32_t seed = 1;

  // An integer tensor of `bits` (flag plane when `flagged`), with a fresh exponent register.
  hw::HwTensor int_tensor(const std::string& name, const hw::Dims4& dims, int bits, bool flagged = false);
  // A wide integer tensor: int32 (accumulators) or int64.
  hw::HwTensor wide_tensor(const std::string& name, const hw::Dims4& dims, hw::DType type = hw::DType::i64);
  hw::HwTensor float_tensor(const std::string& name, const hw::Dims4& dims);
  // The quantized output of a path's quantizer (bits and flags from the spec).
  hw::HwTensor quantized(const std::string& name, const hw::Dims4& dims, const ref::QuantizerSpec& spec);
  ref::RandomStream stream(std::uint32_t tensor_id, ref::RandomPurpose purpose) const {
    return {seed, ref::stream_id(step, tensor_id, purpose)};
  }
  // Appends a kernel, fusing it into the kernel before it when that one's
  // output stage can take it (a ReLU, or the next operation's max pass:
  // models/hw/kernels/vector/quantize_pass.hpp).
  void add(std::unique_ptr<hw::Kernel> k);

  // Work off the critical path (weight-gradient quantization, bias and scalar
  // gradients, the update) is held back and placed after the next
  // backward-data GEMM, so that the in-order vector pipeline does it while the
  // MAC array computes that GEMM rather than delaying the errors the array
  // waits for.
  bool deferring = false;
  std::vector<std::unique_ptr<hw::Kernel>> deferred;
  void flush_deferred() {
    for (auto& k : deferred) program.push_back(std::move(k));
    deferred.clear();
  }
};

// Reinterprets a tensor's storage with other dimensions (flatten; NCHW is already N x CHW).
hw::HwTensor reshaped(hw::HwTensor t, const hw::Dims4& dims);

}  // namespace qtsim::lower
