#pragma once
// The two-pass pattern of every dynamically quantized vector operation: pass 1
// computes the operation's exact (wide) results lane by lane and reduces max|v|
// into a register; pass 2 recomputes them and requantizes with the shift the
// controller chose from that max (quantizer_unit.hpp). Recomputing from the
// narrow inputs is cheaper than storing and re-reading wide results. When the
// max is already known (the MAC array's output stage tracked it), only pass 2
// runs.
//
// A derived kernel supplies the wide results of a chunk, their exponent and
// the cost of producing one element.
#include <cstdint>
#include <vector>

#include "models/hw/kernels/vector/quantizer_unit.hpp"
#include "models/hw/kernels/vector/stream_kernel.hpp"
#include "models/ref/random_bits.hpp"

namespace qtsim::hw {

enum class QuantizePass { max, quantize };

struct QuantizeTarget {
  HwTensor out;                   // quantized output (exp_reg receives its exponent; flags if flag quantizer)
  ref::QuantizerSpec spec;
  ref::RandomStream random;       // stream of the stochastic-rounding words (element index = flat index)
  int max_reg = -1;               // max|wide| (written by pass 1 or by the MAC array)
};

class QuantizePassKernel : public StreamKernel {
 public:
  // `inputs` are the operation's operands; the output is appended in pass 2.
  QuantizePassKernel(KernelLabel label, const Dims4& shape, Chunking chunking, std::vector<StreamOperand> inputs,
                     QuantizePass pass, QuantizeTarget target, const HwConfig& config);

  void start(KernelEnv& env) override;
  void finish(KernelEnv& env) override;

 protected:
  // Exponent of the wide results (exact mode: from the inputs' registers).
  virtual int wide_exp(KernelEnv& env) const = 0;
  // Wide results of a chunk, in the chunk's element order.
  virtual void wide_values(const Chunk& chunk, KernelEnv& env, std::int64_t* out) const = 0;
  // Vector-lane operations per element of producing the wide result, and their kind.
  virtual int ops_per_element() const = 0;
  virtual Action op_action() const { return Action::vec_int_add; }
  // The actions of producing one element's wide result, for kernels whose lanes
  // mix kinds (window adds and one multiply); by default ops_per_element() of
  // op_action(). The pass's cycles count their total.
  virtual void element_actions(ActionCounts& per_element) const {
    per_element.add(op_action(), static_cast<std::uint64_t>(ops_per_element()));
  }
  // Elements of the output per element of the iteration shape (1 for elementwise).
  QuantizePass pass() const { return pass_; }
  const QuantizeTarget& target() const { return target_; }
  // Quantize pass: whether any value it stored was nonzero (a zero detect on
  // the store path, an OR over the lanes; not charged as an operation).
  bool stored_nonzero() const { return stored_nonzero_; }

 private:
  void cost(const Chunk& chunk, Tile& tile) const override;
  void compute(const Chunk& chunk, KernelEnv& env) override;
  static std::vector<StreamOperand> with_output(std::vector<StreamOperand> inputs, QuantizePass pass,
                                                const QuantizeTarget& t);

  QuantizePass pass_;
  QuantizeTarget target_;
  int in_exp_ = 0;
  RequantPlan plan_;
  std::uint64_t max_ = 0;
  bool stored_nonzero_ = false;
  ref::QuantStats stats_;
};

}  // namespace qtsim::hw
