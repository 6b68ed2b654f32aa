#pragma once
// The loss stage on the vector unit (docs/NUMERICS.md §6 "loss", §9): softmax
// cross-entropy over float32 logits [N][classes], bit for bit as
// ref::softmax_cross_entropy. Per sample, with z its logits and t its label:
//   argmax  first maximum in class order (lowest index on ties); m = z[argmax]
//   e_j     = exp(z_j − m)                      (float32)
//   S       = Σ_j e_j in double, class order, rounded to float
//   dz_j    = ((e_j / S) − [j == t]) / N        (float32, a true divide by N)
//   loss    = log(S) − (z_t − m)                (float32), batch mean in double, sample order
//   correct += argmax == t
// One pass over chunks of whole samples (the logits viewed as [1][N][1][classes],
// rows chunking: a chunk is a run of samples; the int32 labels [N] ride along as
// the chunk's "channels"). Outputs: dlogits (float32, logits' dims); the mean
// loss (IEEE double bits) and the correct count into scalar registers.
//
// Cost: each lane takes one sample and walks its classes in order (the double
// sum is ordered, so classes cannot be split across lanes): per class a compare,
// a subtract, an exp, a double add, two divides and a label compare; per sample
// the sum's conversion to float, the one-hot subtract, a log, two subtracts,
// the double loss add and the correct-count compare.
#include "models/hw/kernels/vector/stream_kernel.hpp"

namespace qtsim::hw {

struct LossRegs {
  int loss_bits = -1;  // mean loss, std::bit_cast<std::int64_t>(double)
  int correct = -1;    // samples whose first argmax equals the label
};

class SoftmaxCrossEntropyKernel : public StreamKernel {
 public:
  // logits: float32 [N][...] (classes = numel / N); labels: int32 with N elements
  // (written by the host); dlogits: float32 of the logits' dims.
  SoftmaxCrossEntropyKernel(KernelLabel label, const HwTensor& logits, const HwTensor& labels, const HwTensor& dlogits,
                            LossRegs regs, const HwConfig& config);
  void start(KernelEnv& env) override;
  void finish(KernelEnv& env) override;

 protected:
  void cost(const Chunk& chunk, Tile& tile) const override;
  void compute(const Chunk& chunk, KernelEnv& env) override;

 private:
  static std::vector<StreamOperand> operands_for(const HwTensor& logits, const HwTensor& labels, const HwTensor& dlogits);
  std::int64_t samples_, classes_;
  LossRegs regs_;
  double loss_sum_ = 0.0;
  std::int64_t correct_ = 0;
};

}  // namespace qtsim::hw
