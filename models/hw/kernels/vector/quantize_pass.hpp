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
//
// Output-stage fusion: as each quantized result leaves the unit, its output
// stage can apply a ReLU (stored as a second output) and compute the next
// operation's pass 1 - that operation's wide result from this pass's final
// output and its own other operands, reduced into its max register - so that
// neither needs a pass of its own over the tensor (as NVDLA's SDP or a TPU's
// activation pipeline do). The ReLU is a compare in the output stage of
// whichever unit ran the pass (counted as that unit's operation); the next
// operation's pass 1 is fused only when it runs on the same unit (the Fixup
// unit's multiplies stay on the Fixup unit). Both passes must stream flat runs
// of the same elements.
#include <cstdint>
#include <memory>
#include <optional>
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

// Adds one quantization of a tensor (its element and saturation counts, the
// shift the plan chose) to the data path's numeric events.
void record_quantization(NumericEvents& events, const std::string& path, ref::QuantStats stats, const RequantPlan& plan);

class QuantizePassKernel : public StreamKernel {
 public:
  // `inputs` are the operation's operands; the output is appended in pass 2.
  QuantizePassKernel(KernelLabel label, const Dims4& shape, Chunking chunking, std::vector<StreamOperand> inputs,
                     QuantizePass pass, QuantizeTarget target, const HwConfig& config);

  void start(KernelEnv& env) override;
  void finish(KernelEnv& env) override;

  QuantizePass pass() const { return pass_; }
  const QuantizeTarget& target() const { return target_; }
  // The tensor this pass leaves for the next operation: the ReLU's output when one is fused.
  const HwTensor& final_output() const { return relu_ ? *relu_ : target_.out; }
  // Whether a ReLU with output `y` can be fused (quantize pass, unflagged
  // output, flat runs, nothing fused after it yet), and fuses it.
  bool can_fuse_relu(const HwTensor& y) const;
  void fuse_relu(const HwTensor& y);
  // Whether `next`, a max pass whose first operand is final_output(), can be
  // fused, and fuses it (this kernel then owns it and runs its start and finish).
  bool can_fuse_next_max(const QuantizePassKernel& next) const;
  void fuse_next_max(std::unique_ptr<QuantizePassKernel> next);

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
  // Quantize pass: whether any value it stored was nonzero (a zero detect on
  // the store path, an OR over the lanes; not charged as an operation).
  bool stored_nonzero() const { return stored_nonzero_; }

 private:
  // Pass 1 of a fused next operation on a view of this pass's chunk.
  void accumulate_max(const Chunk& view, KernelEnv& env);
  void cost(const Chunk& chunk, Tile& tile) const override;
  void compute(const Chunk& chunk, KernelEnv& env) override;
  static std::vector<StreamOperand> with_output(std::vector<StreamOperand> inputs, QuantizePass pass,
                                                const QuantizeTarget& t);

  QuantizePass pass_;
  QuantizeTarget target_;
  std::size_t output_operand_ = 0;              // the quantized output's place among the operands (quantize pass)
  int in_exp_ = 0;
  RequantPlan plan_;
  std::uint64_t max_ = 0;
  bool stored_nonzero_ = false;
  ref::QuantStats stats_;
  std::optional<HwTensor> relu_;                // fused ReLU output
  std::unique_ptr<QuantizePassKernel> next_;    // fused max pass of the next operation
  std::size_t next_first_operand_ = 0;          // where next_'s other operands start in this kernel's operands
};

}  // namespace qtsim::hw
