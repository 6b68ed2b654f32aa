#pragma once
// The MAC array's microprogram for one convolution or linear GEMM pass
// (models/hw/mapping/conv_gemm.hpp): the mapper chooses tile sizes and a loop
// order (gemm_mapper.hpp); per tile, the DMA brings the operand boxes that
// changed into the other slot of the ifmap or filter buffer (an operand that
// did not change stays where it is), the operand feeders generate the array's
// streams from them, the array runs the tile's folds in its dataflow with
// accumulator_bits-wide adders, and finished output blocks go back to DRAM as
// 32-bit integers (or FP32). The output stage tracks max|y| for the next
// requantization; when the whole int32 output fits the ofmap buffer it stays
// there, and once the last tile has run (the maximum is known) the output
// stage requantizes it and stores only the quantized tensor: no int32 round
// trip through DRAM and no requantization pass on the vector unit.
//
// A grouped convolution runs its groups' GEMMs one after another with the
// same mapping (they have the same shape); the maximum, and an on-chip output,
// cover all groups.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "models/hw/core/hw_tensor.hpp"
#include "models/hw/core/kernel.hpp"
#include "models/hw/mapping/gemm_geometry.hpp"
#include "models/hw/kernels/vector/quantize_pass.hpp"
#include "models/hw/mapping/gemm_mapper.hpp"

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
  void accesses(std::vector<TensorAccess>& out) const override;
  const GemmGeometry& geometry() const { return geometry_; }
  // The mapping the mapper chose, and its estimate.
  const MapperResult& mapped() const { return mapped_; }
  // What the last run of the kernel moved between DRAM and its buffers.
  const GemmTraffic& traffic() const { return traffic_; }
  // Requantizes the outputs in the output stage, keeping the int32 results on
  // chip, if they and the quantized results fit the ofmap buffer together (the
  // mapping is chosen again with the whole output as one block). False, with
  // output_note() saying why, when they do not.
  bool requantize_on_chip(const QuantizeTarget& target);
  // Where the int32 results went, for the stats ("on chip", or why not).
  const std::string& output_note() const { return output_note_; }
  // Cycles of the output stage's requantization (0 when the results went to DRAM).
  std::uint64_t output_stage_cycles() const { return output_stage_cycles_; }

 private:
  // An operand tile held in a buffer slot, and which tile of it (index along
  // its two loops).
  struct Resident {
    bool valid = false;
    std::int64_t group = -1, first = -1, second = -1;
    int slot = 0;
    BoxSet boxes;
  };
  void stage(Resident& r, std::int64_t group, std::int64_t first, std::int64_t second, const std::function<BoxSet()>& boxes_of,
             const HwTensor& t, SramBuffer& buf, Tile& tile) const;
  void compute(const TilePlace& place, const Resident& a, const Resident& b, int out_slot, KernelEnv& env);
  std::uint64_t a_bytes() const;
  // Elements of one group's output (M x N), and of all groups'.
  std::uint64_t group_outputs() const;
  std::uint64_t outputs() const { return group_outputs() * static_cast<std::uint64_t>(geometry_.groups()); }
  // The output boxes of every group, as the on-chip results hold them (group after group).
  std::vector<StridedBox> whole_output_boxes() const;

  ConvPass pass_;
  GemmOperands ops_;
  const HwConfig& config_;
  GemmGeometry geometry_;
  MapperResult mapped_;
  std::int64_t next_tile_ = 0;
  Resident a_, b_;
  GemmTraffic traffic_;
  bool integer_ = true;
  std::uint64_t max_abs_ = 0;
  std::optional<QuantizeTarget> requantize_;  // on-chip requantization
  bool output_stage_done_ = false;
  std::string output_note_;
  std::uint64_t output_stage_cycles_ = 0;
  bool output_stage_tile(Tile& tile, KernelEnv& env);
  void output_stage_compute(KernelEnv& env);
  std::uint64_t out_psum_max_[2] = {0, 0};  // bound of |partial sum| held per output slot
};

}  // namespace qtsim::hw
