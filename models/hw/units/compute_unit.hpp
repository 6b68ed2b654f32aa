#pragma once
// A compute unit's timing shell: the MAC array, the vector/quantization unit
// and the normalization unit each run one tile at a time for the cycles their
// kernel computed, raising `busy` meanwhile (traced to VCD). The arithmetic
// itself is the kernel's microprogram (models/hw/kernels), run in exact mode.
#include <cstdint>
#include <functional>
#include <string>

#include <systemc>

namespace qtsim::hw {

class ComputeUnit : public sc_core::sc_module {
 public:
  sc_core::sc_signal<bool> busy;

  ComputeUnit(sc_core::sc_module_name name, double cycle_ns)
      : sc_module(name), busy("busy"), period_(cycle_ns, sc_core::SC_NS) {}

  // Blocking: occupies the unit for `cycles`; runs `arithmetic` if given.
  void execute(std::uint64_t cycles, const std::function<void()>& arithmetic) {
    busy.write(true);
    if (arithmetic) arithmetic();
    wait(period_ * static_cast<double>(cycles));
    busy.write(false);
    busy_cycles_ += cycles;
  }
  std::uint64_t busy_cycles() const { return busy_cycles_; }
  sc_core::sc_time period() const { return period_; }

 private:
  sc_core::sc_time period_;
  std::uint64_t busy_cycles_ = 0;
};

}  // namespace qtsim::hw
