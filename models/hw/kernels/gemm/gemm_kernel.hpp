#pragma once
// The MAC array's microprogram for one convolution or linear GEMM pass
// (conv_tiling.hpp): per block, the DMA brings the operand boxes into the ifmap
// and filter buffers, the array's operand feeders generate the im2col (or
// dilated-error) operand streams from them, the array runs its folds in its
// dataflow with accumulator_bits-wide adders, and finished output blocks go
// back to DRAM as 32-bit integers (or FP32). The output stage tracks max|y|
// for the next requantization.
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "models/hw/core/hw_tensor.hpp"
#include "models/hw/core/kernel.hpp"
#include "models/hw/kernels/gemm/conv_tiling.hpp"

namespace qtsim::hw {

struct GemmOperands {
  HwTensor a;    // forward: x; backward: the error dy (may be flag-quantized)
  HwTensor b;    // forward and backward-data: weights; backward-weights: x
  HwTensor out;  // int32 (integer datapath) or float32; its exp_reg receives e_a + e_b
  int max_reg = -1;  // receives max|out| (integer datapath)
};

class GemmKernel : public Kernel {
 public:
  GemmKernel(KernelLabel label, ConvPass pass, const ConvShape& shape, GemmOperands operands, const HwConfig& config);

  void start(KernelEnv& env) override;
  bool next(Tile& tile, KernelEnv& env) override;
  void finish(KernelEnv& env) override;
  const ConvTiling& tiling() const { return tiling_; }

 private:
  void compute(const ConvBlock& block, int in_slot, int out_slot, KernelEnv& env);
  template <typename T>
  void gather(const ConvBlock& block, const std::uint8_t* a_data, const std::uint8_t* a_flags, const std::uint8_t* b_data,
              std::vector<T>& a, std::vector<T>& b) const;
  template <typename T, typename Reader>
  void fill_a(const ConvBlock& blk, const Reader& ra, T* a) const;
  template <typename T, typename Reader>
  void fill_b(const ConvBlock& blk, const Reader& rb, T* b) const;
  template <typename T, typename Reader>
  void im2col(const ConvBlock& blk, const Reader& in, const Box& box, std::int64_t channels, T* out,
              std::int64_t row_len) const;
  std::uint64_t a_bytes() const;
  static bool per_tap_sums(ConvPass pass, const ConvShape& s, const HwTensor& out);
  void compute_float_per_tap(const ConvBlock& blk, const std::vector<float>& a, const std::vector<float>& b,
                             std::uint8_t* out, const std::function<std::int64_t(std::int64_t, std::int64_t)>& at) const;

  ConvPass pass_;
  ConvShape shape_;
  GemmOperands ops_;
  const HwConfig& config_;
  ConvTiling tiling_;
  std::int64_t next_block_ = 0;
  std::optional<Box> loaded_a_[2], loaded_b_[2];  // boxes left in each slot (reused when equal)
  bool integer_ = true;
  std::uint64_t max_abs_ = 0;
  std::uint64_t out_psum_max_[2] = {0, 0};  // max |partial sum| held per output slot
};

}  // namespace qtsim::hw
