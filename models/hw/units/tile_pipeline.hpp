#pragma once
// One kernel at a time, as a three-stage pipeline over double-buffered tiles:
// the loader issues a tile's DMA loads once no earlier tile still reads the
// slots they overwrite, the executor runs the tile on its unit once the loads
// are in (and its output slot is free), the storer writes finished output
// blocks back. So transfers overlap compute, and a kernel whose transfers take
// longer than its compute stalls the unit. The controller runs one pipeline
// per group of units that share buffers: the MAC array (ifmap, filter, ofmap)
// and the vector and normalization units (vector buffer).
#include <cstdint>
#include <deque>
#include <map>
#include <ostream>

#include <systemc>

#include "models/hw/core/activity_recorder.hpp"
#include "models/hw/core/kernel.hpp"
#include "models/hw/dma/dma_engine.hpp"
#include "models/hw/units/compute_unit.hpp"

namespace qtsim::hw {

// What one kernel cost: the unit's busy cycles, the cycles from its start to its
// last store, and every action (unit, SRAM, DRAM, DMA).
struct KernelStats {
  KernelLabel label;
  std::uint64_t start_cycle = 0;
  std::uint64_t cycles = 0;        // elapsed, start to finish
  std::uint64_t busy_cycles = 0;   // unit busy
  std::uint64_t tiles = 0;
  ActionCounts actions;
};

class TilePipeline : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(TilePipeline);
  using UnitOf = std::function<ComputeUnit&(Unit)>;

  TilePipeline(sc_core::sc_module_name name, KernelEnv& env, DmaEngine& dma, UnitOf unit_of, int output_slots);

  // Starts `k` (non-blocking); `stats` receives its figures; `done` fires when
  // its last tile has been stored.
  void start(Kernel& k, KernelStats& stats);
  bool idle() const { return kernel_ == nullptr; }
  void record(ActivityRecorder* r) { recorder_ = r; }
  const sc_core::sc_event& done() const { return done_; }

 private:
  struct Token {
    std::uint64_t tile = 0;
    bool last = false;
    friend std::ostream& operator<<(std::ostream& os, const Token& t) { return os << "tile " << t.tile; }
  };
  void loader();
  void executor();
  void storer();
  Tile& tile(std::uint64_t seq) { return tiles_[static_cast<std::size_t>(seq - first_tile_)]; }

  KernelEnv& env_;
  DmaEngine& dma_;
  UnitOf unit_of_;
  Kernel* kernel_ = nullptr;
  ActivityRecorder* recorder_ = nullptr;
  KernelStats* stats_ = nullptr;
  std::deque<Tile> tiles_;         // tiles in flight, front = oldest not yet stored
  std::uint64_t first_tile_ = 1;   // sequence number of tiles_.front()
  std::uint64_t next_tile_ = 1;    // sequence number of the next tile loaded (over all kernels)
  std::uint64_t executed_ = 0;     // tiles executed so far (sequence numbers up to this one)
  std::map<BufferSlot, std::uint64_t> last_reader_;  // the last tile that reads each slot
  sc_core::sc_event start_, executed_event_, done_;
  sc_core::sc_fifo<Token> loaded_, computed_;
  sc_core::sc_semaphore out_slots_;
};

}  // namespace qtsim::hw
