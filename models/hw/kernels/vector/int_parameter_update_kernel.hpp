#pragma once
// The integer parameter update on the vector unit (docs/NUMERICS.md §7, steps
// 3-5), one elementwise pass per parameter tensor:
//   Delta = sat_kU(round(eta_int * dir + eta_int * lambda_int * M))  onto e_M, U rounding
//           (stochastic: words from the parameter's "update" stream by flat element
//           index); the sum in the update unit's 128-bit multiply-add on the
//           aligned grid (update_datapath.hpp), the decay term absent when lambda_int = 0
//   M'    = sat_kM(M - Delta)
//   W'    = sat_kW(round_nearest(M', k_M - k_W))                   at e_W = e_M + (k_M - k_W)
// `dir` is the G-quantized gradient, or the momentum buffer after
// MomentumBufferKernel. eta_int = round(eta * 2^lr_frac) is written by the host
// into a register (it follows the learning-rate schedule). Delta is stored as
// the step's "u" tensor (recorded for validation).
//
// Outputs go to the regions given: M' may be M itself (in place) or the other
// bank; when k_M == k_W the master copy is the forward weights (M' is W') and
// there is no separate W' output. The registers of Delta, M' and W' receive
// their exponents. An element whose Delta, M' or W' saturates is counted once
// into the label's path (the reference's "U" statistics). Flat chunking; cost per
// element: one multiply, one round-and-shift (Delta), one subtract with
// saturation, one round-and-shift (W'), a random word when stochastic; with
// decay one more multiply (M by the scalar eta_int * lambda_int) and one add.
#include <optional>

#include "models/hw/kernels/vector/stream_kernel.hpp"
#include "models/hw/kernels/vector/quantizer_unit.hpp"
#include "models/ref/random_bits.hpp"
#include "models/hw/kernels/vector/update_datapath.hpp"

namespace qtsim::hw {

struct IntUpdateTensors {
  HwTensor direction;                   // g or V (integer, exponent register)
  HwTensor master;                      // M: k_M bits (HwTensor::bits) at e_M
  HwTensor update;                      // out: Delta, k_U bits (HwTensor::bits)
  HwTensor master_out;                  // out: M' (may be `master`: in place)
  std::optional<HwTensor> weights_out;  // out: W', k_W bits; none when k_M == k_W
};

// The rates of one update: eta_int from a register, lambda_int a constant.
struct IntUpdateRates {
  int lr_reg = 0;
  int lr_frac_bits = 16;
  std::int64_t decay_int = 0;  // 0: no weight decay for this tensor
  int decay_frac_bits = 20;
};

class IntParameterUpdateKernel : public StreamKernel {
 public:
  IntParameterUpdateKernel(KernelLabel label, const IntUpdateTensors& tensors, const IntUpdateRates& rates,
                           ref::Rounding rounding, const ref::RandomStream& update_random, const HwConfig& config);

  void start(KernelEnv& env) override;
  void finish(KernelEnv& env) override;

 private:
  void cost(const Chunk& chunk, Tile& tile) const override;
  void compute(const Chunk& chunk, KernelEnv& env) override;
  static std::vector<StreamOperand> operands_of(const IntUpdateTensors& t);

  IntUpdateTensors t_;
  IntUpdateRates rates_;
  ref::Rounding rounding_;
  ref::RandomStream random_;
  // Latched when the pass starts (exact mode).
  UpdateStepPlan step_plan_;
  int to_master_ = 0;  // right shift from the step grid onto e_M
  std::int64_t lr_int_ = 0;
  int weight_drop_ = 0;
  ref::QuantStats stats_;
};

}  // namespace qtsim::hw
