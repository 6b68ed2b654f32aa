#pragma once
// A timeline of a run on the accelerator in the Chrome trace-event format
// (--trace FILE.json, for Perfetto UI and chrome://tracing; docs/HARDWARE.md,
// "Traces"). One process per accelerator, with tracks (threads):
//   steps                          one slice per training step
//   <unit>: kernels                one slice per kernel, from its start to its
//                                  last store (MAC array, vector unit,
//                                  normalization unit)
//   <unit>: busy                   the unit's busy intervals (back-to-back
//                                  tiles of one kernel merged), so their
//                                  durations add up to its busy cycles
//   DMA: DRAM bus                  the transfers on the DRAM data bus (back-to-
//                                  back transfers of one kernel's tiles in one
//                                  direction merged)
// and counters: each buffer's occupancy in bytes, and the DRAM bandwidth read
// and written, averaged over 10 µs windows. Slices carry integer cycle counts
// in their args; timestamps are microseconds of simulated time.
#include <cstdint>
#include <deque>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "models/hw/core/activity_recorder.hpp"
#include "models/hw/core/hw_config.hpp"
#include "models/hw/core/kernel.hpp"
#include "sim/hwsim/trace_event_writer.hpp"
#include "sim/util/staged_file.hpp"

namespace qtsim::hwsim {

// The window the DRAM bandwidth counter averages over, in picoseconds (10 µs:
// a ResNet-18 step's trace holds a few hundred thousand transfers already).
inline constexpr std::uint64_t kBandwidthWindowPs = 10000000;

class ChromeTrace : public hw::ActivityRecorder {
 public:
  // `run`: what ran, for the process's name ("fmnist-cnn (int8-eoq) on int8-fixup-8x8, timing mode").
  ChromeTrace(std::filesystem::path target, const hw::HwConfig& config, const std::string& run, int pid = 1);

  // The step whose kernels come next (their args name it).
  void begin_step(std::int64_t step) { step_ = step; }
  // A completed step: [start, end), `cycles` as the statistics count them.
  void step(std::int64_t step, sc_core::sc_time start, sc_core::sc_time end, std::uint64_t cycles);

  void kernel(const hw::KernelStats& k, sc_core::sc_time start, sc_core::sc_time end) override;
  void unit_busy(const hw::KernelLabel& kernel, std::uint64_t cycles, sc_core::sc_time start,
                 sc_core::sc_time end) override;
  void dram_transfer(const hw::KernelLabel& kernel, const hw::DmaTransfer& t, std::uint64_t bus_bytes,
                     sc_core::sc_time start, sc_core::sc_time end) override;
  void buffer_occupancy(const hw::SramBuffer& buffer, std::uint64_t bytes, sc_core::sc_time at) override;

  // Writes what is still pending and closes the trace; throws std::runtime_error naming the file on a write error.
  util::StagedFile finish();

 private:
  // Back-to-back work of one kernel, merged into one slice.
  struct Pending {
    std::string name;
    sc_core::sc_time start, end;
    std::uint64_t cycles = 0, bytes = 0, count = 0;  // count: tiles or transfers
    std::vector<std::string> tensors;  // DMA: the distinct tensors moved
    std::vector<std::string> buffers;  // DMA: the buffers they moved to or from
  };
  struct Occupancy {
    const hw::SramBuffer* buffer = nullptr;
    std::string counter;
    std::uint64_t pending_ps = 0, pending_bytes = 0;  // the value at the latest instant seen
    std::optional<std::uint64_t> written;  // the last value written
  };
  std::uint64_t ps(sc_core::sc_time t) const;
  void write_busy(int unit);
  void write_dma();
  void write_occupancy(Occupancy& o);
  void add_bandwidth(bool read, std::uint64_t bytes, std::uint64_t start_ps, std::uint64_t end_ps);
  void write_bandwidth_before(std::uint64_t window);

  TraceEventWriter out_;
  int pid_;
  std::uint64_t tick_ps_;
  std::int64_t step_ = 0;
  std::optional<Pending> busy_[3];  // by hw::Unit
  std::optional<Pending> dma_;
  bool dma_read_ = true;
  std::vector<Occupancy> occupancy_;
  // DRAM bytes read and written per bandwidth window, from `first_window_` on.
  std::deque<std::pair<double, double>> windows_;
  std::uint64_t first_window_ = 0;
  std::pair<double, double> bandwidth_written_{0.0, 0.0};  // GB/s read, written: the counter's last value
};

}  // namespace qtsim::hwsim
