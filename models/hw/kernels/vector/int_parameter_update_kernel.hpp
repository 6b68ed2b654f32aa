#pragma once
// The integer parameter update on the vector unit (docs/NUMERICS.md §7, steps
// 3-5), one elementwise pass per parameter tensor:
//   Delta = sat_kU(round(eta_int * dir, e_M - (e_dir - lr_frac)))  U rounding (stochastic:
//           words from the parameter's "update" stream by flat element index)
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
// their exponents. Saturations of Delta, M' and W' are counted into the
// label's path (the reference's "U" statistics). Flat chunking; cost per
// element: one multiply, one round-and-shift (Delta), one subtract with
// saturation, one round-and-shift (W'), a random word when stochastic.
#include <optional>

#include "models/hw/kernels/vector/stream_kernel.hpp"
#include "models/hw/kernels/vector/quantizer_unit.hpp"
#include "models/ref/random_bits.hpp"

namespace qtsim::hw {

struct IntUpdateTensors {
  HwTensor direction;                   // g or V (integer, exponent register)
  HwTensor master;                      // M: k_M bits (HwTensor::bits) at e_M
  HwTensor update;                      // out: Delta, k_U bits (HwTensor::bits)
  HwTensor master_out;                  // out: M' (may be `master`: in place)
  std::optional<HwTensor> weights_out;  // out: W', k_W bits; none when k_M == k_W
};

class IntParameterUpdateKernel : public StreamKernel {
 public:
  IntParameterUpdateKernel(KernelLabel label, const IntUpdateTensors& tensors, int lr_reg, int lr_frac_bits,
                           ref::Rounding rounding, const ref::RandomStream& update_random, const HwConfig& config);

  void start(KernelEnv& env) override;
  void finish(KernelEnv& env) override;

 private:
  void cost(const Chunk& chunk, Tile& tile) const override;
  void compute(const Chunk& chunk, KernelEnv& env) override;
  static std::vector<StreamOperand> operands_of(const IntUpdateTensors& t);

  IntUpdateTensors t_;
  int lr_reg_, lr_frac_bits_;
  ref::Rounding rounding_;
  ref::RandomStream random_;
  // Latched when the pass starts (exact mode).
  RequantPlan plan_;
  std::int64_t lr_int_ = 0;
  int weight_drop_ = 0;
  ref::QuantStats stats_;
};

}  // namespace qtsim::hw
