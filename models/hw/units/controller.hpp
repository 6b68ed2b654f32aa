#pragma once
// The controller runs the hardware program one kernel after another. Inside a
// kernel, three threads form a double-buffered pipeline: the loader issues a
// tile's DMA loads once its input slot is free, the executor runs the tile on
// its unit once the loads are in (and its output slot is free), the storer
// writes finished output blocks back. So transfers overlap compute, and a
// kernel whose transfers take longer than its compute stalls the unit.
#include <cstdint>
#include <deque>
#include <functional>
#include <ostream>
#include <memory>
#include <vector>

#include <systemc>

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

class Controller : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(Controller);
  using KernelDone = std::function<void(const Kernel&, const KernelStats&)>;

  Controller(sc_core::sc_module_name name, KernelEnv env, DmaEngine& dma, ComputeUnit& mac, ComputeUnit& vec,
             ComputeUnit& norm);

  // Blocking (call from a SystemC thread): runs the kernels in order. `stop`,
  // if given, is asked before each kernel; returns false if it stopped the run.
  bool run(const std::vector<std::unique_ptr<Kernel>>& program, const KernelDone& done,
           const std::function<bool()>& stop = {});
  KernelEnv& env() { return env_; }

 private:
  struct Token {
    std::size_t tile = 0;
    bool last = false;
    friend std::ostream& operator<<(std::ostream& os, const Token& t) { return os << "tile " << t.tile; }
  };
  void loader();
  void executor();
  void storer();
  ComputeUnit& unit_of(Unit u);
  std::uint64_t now_cycles() const;

  KernelEnv env_;
  DmaEngine& dma_;
  ComputeUnit &mac_, &vec_, &norm_;
  sc_core::sc_time period_;

  // State of the kernel being run.
  Kernel* kernel_ = nullptr;
  KernelStats stats_;
  std::deque<Tile> tiles_;        // tiles in flight, front = oldest not yet stored
  std::size_t first_tile_ = 0;    // index of tiles_.front()
  sc_core::sc_event start_kernel_, kernel_done_;
  sc_core::sc_fifo<Token> loaded_, computed_;
  sc_core::sc_semaphore in_slots_, out_slots_;
  Tile& tile(std::size_t i) { return tiles_[i - first_tile_]; }
};

}  // namespace qtsim::hw
