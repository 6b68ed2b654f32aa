#pragma once
// Observes what the accelerator does and when, for timeline traces: kernels,
// the tiles a unit computes, the transfers on the DRAM bus, the bytes each
// buffer holds. The models call it only when one is attached
// (Accelerator::record), so a run without a trace pays nothing. Times are
// absolute simulated times; intervals are [start, end).
#include <cstdint>

#include <systemc>

namespace qtsim::hw {

struct KernelLabel;
struct KernelStats;
struct DmaTransfer;
class SramBuffer;

class ActivityRecorder {
 public:
  virtual ~ActivityRecorder() = default;
  // A kernel finished (its last store): `k` holds its complete figures.
  virtual void kernel(const KernelStats& k, sc_core::sc_time start, sc_core::sc_time end) = 0;
  // The kernel's unit computed one tile of it: `cycles` busy cycles.
  virtual void unit_busy(const KernelLabel& kernel, std::uint64_t cycles, sc_core::sc_time start,
                         sc_core::sc_time end) = 0;
  // A transfer of `kernel`'s tile held the DRAM data bus for `bus_bytes` (whole bursts).
  virtual void dram_transfer(const KernelLabel& kernel, const DmaTransfer& t, std::uint64_t bus_bytes,
                             sc_core::sc_time start, sc_core::sc_time end) = 0;
  // `buffer` holds `bytes` of tiles from now on.
  virtual void buffer_occupancy(const SramBuffer& buffer, std::uint64_t bytes, sc_core::sc_time at) = 0;
};

}  // namespace qtsim::hw
