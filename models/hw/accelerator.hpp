#pragma once
// The accelerator's top level: DRAM, DMA, the four SRAM buffers, the MAC array,
// the vector/quantization unit, the normalization unit and the controller,
// bound together. `run` executes a program of kernels (from sim/lower) and
// reports each kernel's statistics as it completes.
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include <systemc>

#include "models/hw/core/hw_config.hpp"
#include "models/hw/core/kernel.hpp"
#include "models/hw/dma/dma_engine.hpp"
#include "models/hw/memory/dram.hpp"
#include "models/hw/memory/sram_buffer.hpp"
#include "models/hw/units/compute_unit.hpp"
#include "models/hw/units/controller.hpp"

namespace qtsim::hw {

class Accelerator : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(Accelerator);

  // `dram_bytes`: size of the DRAM address space (backing store only in exact mode).
  Accelerator(sc_core::sc_module_name name, const HwConfig& config, ExecMode mode, std::uint64_t dram_bytes);

  // Elaboration: the program runs when the simulation starts; `run_program` is
  // called from the accelerator's thread and may call `execute` any number of times.
  void on_start(std::function<void(Accelerator&)> run_program) { run_program_ = std::move(run_program); }
  // Blocking (from the run_program callback): runs kernels in order; false if
  // `stop` (asked between kernels) ended the run early.
  bool execute(const std::vector<std::unique_ptr<Kernel>>& program, const Controller::KernelDone& done,
               const std::function<bool()>& stop = {});

  const HwConfig& config() const { return config_; }
  ExecMode mode() const { return mode_; }
  ScalarRegs& regs() { return regs_; }
  NumericEvents& events() { return events_; }
  Dram& dram() { return dram_; }
  Buffers buffers() { return {&ifmap_, &filter_, &ofmap_, &vector_}; }
  ComputeUnit& mac_array() { return mac_; }
  ComputeUnit& vector_unit() { return vec_; }
  ComputeUnit& norm_unit() { return norm_; }
  std::uint64_t now_cycles() const;
  // Traces unit-busy and buffer-occupancy signals (call before the simulation starts).
  void trace(sc_core::sc_trace_file* tf);
  // Reports kernels, unit tiles, DRAM transfers and buffer occupancy to `r`
  // (call before the simulation starts; `r` must outlive it).
  void record(ActivityRecorder* r);

 private:
  void main_thread();

  HwConfig config_;
  ExecMode mode_;
  ScalarRegs regs_;
  NumericEvents events_;
  Dram dram_;
  SramBuffer ifmap_, filter_, ofmap_, vector_;
  DmaEngine dma_;
  ComputeUnit mac_, vec_, norm_;
  Controller controller_;
  std::function<void(Accelerator&)> run_program_;
};

}  // namespace qtsim::hw
