#pragma once
// A kernel is one pass of one hardware unit over one or more tensors: a GEMM on
// the MAC array, a requantization on the vector unit, a statistics pass on the
// normalization unit. It is the unit's microprogram: it cuts its work into
// tiles that fit the SRAM buffers and, for each tile, says what the DMA loads,
// how many cycles the unit is busy, which actions it performs and (exact mode)
// the arithmetic on the tile's SRAM contents. The controller runs the tiles in
// a double-buffered pipeline (load | compute | store).
//
// Cycle counts and actions never depend on data, so timing mode (no arithmetic)
// gives the same cycles and counts as exact mode.
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "models/hw/core/actions.hpp"
#include "models/hw/core/hw_config.hpp"
#include "models/hw/dma/dma_engine.hpp"
#include "models/ref/quantizer.hpp"

namespace qtsim::hw {

class SramBuffer;
struct HwTensor;

enum class ExecMode { exact, timing };
enum class Unit { mac_array, vector_unit, norm_unit };
// Forward includes the loss stage; update includes gradient quantization.
enum class Phase { forward, backward_data, backward_weights, update };

std::string to_string(Unit u);
std::string to_string(Phase p);

struct KernelLabel {
  std::string layer;  // node of the network ("block1.conv1"), or "" for step-level work
  std::string op;     // what the pass does ("gemm", "requantize", "max", "bn-stats", ...)
  Phase phase = Phase::forward;
  std::string path;   // data path of what it produces: W A E G U BN
  Unit unit = Unit::vector_unit;
};

// "block1.conv1 gemm (forward)" (a label without a layer: its op and phase).
std::string to_string(const KernelLabel& k);

// A slot (half of a double-buffered buffer) a tile reads.
struct BufferSlot {
  SramBuffer* sram = nullptr;
  int slot = 0;
  bool operator<(const BufferSlot& o) const { return sram != o.sram ? sram < o.sram : slot < o.slot; }
};

struct Tile {
  std::vector<DmaTransfer> loads;
  std::vector<DmaTransfer> stores;
  std::uint64_t cycles = 0;         // busy cycles of the kernel's unit
  ActionCounts actions;             // the unit's actions (SRAM reads by the unit included)
  std::function<void()> compute;    // exact mode only: the arithmetic on SRAM contents
  // Input slots the tile computes from, whether loaded for it or left there by
  // an earlier tile (a resident operand): no load may overwrite them until the
  // tile has run. The slots of `loads` count as read too.
  std::vector<BufferSlot> reads;
  int out_slot = 0;                 // output half; an output block may span several tiles
  bool out_begin = true;            // first tile of its output block (needs a free output slot)
  bool out_end = true;              // last tile of its output block (stores follow)
};

// A DRAM range a kernel reads or writes: kernels on different units run at the
// same time unless one writes what the other reads or writes.
struct TensorAccess {
  std::uint64_t begin = 0, end = 0;  // [begin, end) bytes
  bool write = false;
};

// Scalar registers of the controller: exponents, maxima, shifts. Kernels read
// and write them in exact mode; their values never change timing.
struct ScalarRegs {
  std::vector<std::int64_t> v;
  int allocate(std::int64_t init = 0) {
    v.push_back(init);
    return static_cast<int>(v.size()) - 1;
  }
  std::int64_t& operator[](int r) { return v.at(static_cast<std::size_t>(r)); }
};

struct Buffers {
  SramBuffer* ifmap = nullptr;
  SramBuffer* filter = nullptr;
  SramBuffer* ofmap = nullptr;
  SramBuffer* vector = nullptr;
};

// Data-dependent events (exact mode only): faults and saturations, reported
// apart from the action counts, which never depend on data.
struct NumericEvents {
  std::uint64_t accumulator_saturations = 0;
  std::map<std::string, ref::QuantStats> paths;  // quantizations by data path (A, E, G, U, BN, ...)
};

// What a kernel sees of the accelerator.
struct KernelEnv {
  ExecMode mode = ExecMode::exact;
  const HwConfig* config = nullptr;
  Buffers buffers;
  ScalarRegs* regs = nullptr;
  NumericEvents* events = nullptr;
  bool exact() const { return mode == ExecMode::exact; }
};

// Appends the accesses of a tensor (and its flag plane).
void add_access(std::vector<TensorAccess>& out, const HwTensor& t, bool write);

class Kernel {
 public:
  explicit Kernel(KernelLabel label) : label_(std::move(label)) {}
  virtual ~Kernel() = default;
  const KernelLabel& label() const { return label_; }
  // This kernel's output stage took over `other`'s work: its op names both
  // ("requantize+relu", "quantize+block1.bias2a:bias/max").
  void absorb_label(const KernelLabel& other) {
    label_.op += "+" + (other.layer == label_.layer ? other.op : other.layer + ":" + other.op);
  }
  // Before the first tile: scalar work of the controller (exact mode: read
  // registers, choose shifts). Called in both modes.
  virtual void start(KernelEnv&) {}
  // Fills the next tile; false when there is none.
  virtual bool next(Tile& tile, KernelEnv& env) = 0;
  // After the last tile has been stored.
  virtual void finish(KernelEnv&) {}
  // The DRAM ranges the kernel reads and writes (its tensors and flag planes).
  virtual void accesses(std::vector<TensorAccess>& out) const = 0;

 private:
  KernelLabel label_;
};

}  // namespace qtsim::hw
