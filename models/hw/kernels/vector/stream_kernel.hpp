#pragma once
// Base of the vector and normalization units' microprograms: a pass that
// streams one or more tensors through the unit's SRAM buffer in chunks. The
// chunking follows a 4-D iteration shape: flat runs of elements, whole rows
// (a chunk never splits a row), or whole planes (pooling windows need a plane),
// iterated image-major or channel-major (per-channel statistics see all images
// of a channel before the next channel). Each operand's box follows its role:
//   same     the chunk's box of a tensor of the iteration shape
//   planes   the chunk's images and channels, all of the tensor's own rows (pool in/out)
//   channel  the chunk's channels of a per-channel vector [1][C][1][1]
//   whole    the whole (small) tensor
// Inputs are loaded, the unit computes, outputs are stored, double-buffered.
// Derived kernels give each chunk's cycles and actions (never data-dependent)
// and, in exact mode, its arithmetic. Chunk::data of a `last_only` output is
// null except in the last chunk.
#include <cstdint>
#include <optional>
#include <vector>

#include "models/hw/core/hw_tensor.hpp"
#include "models/hw/core/kernel.hpp"

namespace qtsim::hw {

enum class Chunking { flat, rows_by_image, rows_by_channel, planes_by_image, planes_by_channel };
enum class OperandRole { same, planes, channel, whole };

struct StreamOperand {
  HwTensor tensor;
  OperandRole role = OperandRole::same;
  bool output = false;
  bool with_flags = false;  // also move the flag plane (flag-quantized errors)
  // Output produced only by the last chunk (a reduction's result, kept in the
  // unit's registers until then): stored once, after the last chunk.
  bool last_only = false;
};

class StreamKernel : public Kernel {
 public:
  StreamKernel(KernelLabel label, const Dims4& shape, Chunking chunking, std::vector<StreamOperand> operands,
               const HwConfig& config);

  bool next(Tile& tile, KernelEnv& env) override;
  void start(KernelEnv& env) override;
  void accesses(std::vector<TensorAccess>& out) const override;

  struct Chunk {
    std::int64_t index = 0;
    Box box;                         // over the iteration shape
    std::int64_t elements = 0;       // box.numel()
    bool first = false, last = false;
    std::vector<Box> boxes;          // per operand
    std::vector<std::uint8_t*> data; // per operand, in SRAM (exact mode)
    std::vector<std::uint8_t*> flags;// per operand flag plane, or null
    // Flat index in the iteration shape of element i of the chunk (NCHW order inside the box).
    std::int64_t flat_index(const Dims4& shape, std::int64_t i) const;
  };

  Chunking chunking() const { return chunking_; }
  const std::vector<StreamOperand>& operands() const { return operands_; }
  const Dims4& shape() const { return shape_; }

 protected:
  // Cycles and the unit's own actions for a chunk (SRAM traffic of the chunk's
  // operands is counted by the base).
  virtual void cost(const Chunk& chunk, Tile& tile) const = 0;
  // Exact mode: the arithmetic on the chunk's SRAM contents.
  virtual void compute(const Chunk& chunk, KernelEnv& env) = 0;

  const HwConfig& config() const { return config_; }
  // More operands, laid out in the slot after the others (the chunks shrink
  // to fit them). For output-stage fusion (quantize_pass.hpp).
  void append_operands(std::vector<StreamOperand> more);
  // Lanes of the unit this kernel runs on (vector unit, or normalization unit
  // for BN and Fixup scalar work): use this rather than a unit's spec directly.
  int unit_lanes() const {
    return label().unit == Unit::norm_unit ? config_.norm.lanes : config_.vector_unit.lanes;
  }
  // Elementwise pass cycles: ceil(elements * ops / lanes) plus the pipeline latency.
  std::uint64_t stream_cycles(std::int64_t elements, int ops_per_element, int lanes) const;
  std::int64_t chunk_count() const { return count_; }

 private:
  Box chunk_box(std::int64_t index) const;
  Box operand_box(const StreamOperand& op, const Box& chunk) const;
  std::uint64_t bytes_for(const Box& chunk) const;
  void plan();

  Dims4 shape_;
  Chunking chunking_;
  std::vector<StreamOperand> operands_;
  const HwConfig& config_;
  Dims4 extent_;                  // chunk extents in the iteration shape
  std::vector<std::uint64_t> data_offset_, flags_offset_;  // fixed layout of a slot, per operand
  std::int64_t count_ = 0;
  std::int64_t next_ = 0;
  std::vector<std::optional<Box>> resident_[2];  // per slot: box of each input left there
};

}  // namespace qtsim::hw
