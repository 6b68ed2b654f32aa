#pragma once
// The controller runs the hardware program. Kernels go to the pipeline of
// their unit (tile_pipeline.hpp): one for the MAC array, one for the vector and
// normalization units, which share the vector buffer. Each pipeline runs its
// kernels in program order, one at a time; the two pipelines run at the same
// time, and a kernel waits only for the earlier kernels of the other pipeline
// whose DRAM tensors it reads or writes, or that read what it writes (a
// scoreboard over address ranges). So the vector unit requantizes one GEMM's
// results while the MAC array computes the next GEMM.
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include <systemc>

#include "models/hw/core/kernel.hpp"
#include "models/hw/dma/dma_engine.hpp"
#include "models/hw/units/compute_unit.hpp"
#include "models/hw/units/tile_pipeline.hpp"

namespace qtsim::hw {

class Controller : public sc_core::sc_module {
 public:
  using KernelDone = std::function<void(const Kernel&, const KernelStats&)>;

  Controller(sc_core::sc_module_name name, KernelEnv env, DmaEngine& dma, ComputeUnit& mac, ComputeUnit& vec,
             ComputeUnit& norm);

  // Blocking (call from a SystemC thread): runs the program. `done` is called
  // for every kernel, in program order, once it and every kernel before it
  // have finished. `stop`, if given, is asked before each kernel starts; when
  // it says stop, no further kernel starts, the running ones finish, and run
  // returns false.
  bool run(const std::vector<std::unique_ptr<Kernel>>& program, const KernelDone& done,
           const std::function<bool()>& stop = {});
  KernelEnv& env() { return env_; }
  // Reports kernels and tiles to `r` (nullptr: none).
  void record(ActivityRecorder* r);

 private:
  ComputeUnit& unit_of(Unit u);
  std::uint64_t now_cycles() const;

  KernelEnv env_;
  ComputeUnit &mac_, &vec_, &norm_;
  sc_core::sc_time period_;
  TilePipeline mac_pipeline_, vector_pipeline_;
  ActivityRecorder* recorder_ = nullptr;
};

}  // namespace qtsim::hw
