#pragma once
// An on-chip SRAM buffer: capacity enforced, reads and writes counted in bytes.
// The DMA and the units reach its storage directly (data moves at tile
// granularity; the time it takes is annotated by the unit that moves it, and
// its energy counted per byte). When double-buffered, the two halves alternate
// between transfer and compute.
#include <cstdint>
#include <memory>

#include <systemc>

#include "models/hw/core/actions.hpp"
#include "models/hw/core/activity_recorder.hpp"
#include "models/hw/core/hw_config.hpp"

namespace qtsim::hw {

// Releases an SRAM buffer's mapped storage.
struct SramUnmap {
  std::uint64_t bytes;
  void operator()(std::uint8_t* p) const;
};

class SramBuffer : public sc_core::sc_module {
 public:
  // `with_storage`: false in timing mode (no data is moved).
  SramBuffer(sc_core::sc_module_name name, const SramSpec& spec, bool with_storage);

  const SramSpec& spec() const { return spec_; }
  // Bytes one slot (half of a double-buffered buffer) holds.
  std::uint64_t slot_bytes() const { return spec_.usable_bytes(); }
  std::uint64_t slot_base(int slot) const { return spec_.double_buffered ? static_cast<std::uint64_t>(slot & 1) * slot_bytes() : 0; }
  // The slot (half) an offset lies in.
  int slot_of(std::uint64_t offset) const { return spec_.double_buffered && offset >= slot_bytes() ? 1 : 0; }
  int slots() const { return spec_.double_buffered ? 2 : 1; }
  // Pointer to `bytes` at `offset`; throws if the range leaves the buffer (a tile planner bug).
  std::uint8_t* at(std::uint64_t offset, std::uint64_t bytes);
  // Counts an access here and into the action counts of the work that made it.
  void count_read(std::uint64_t bytes, ActionCounts& actions) {
    read_bytes_ += bytes;
    actions.add(read_action_, bytes);
  }
  void count_write(std::uint64_t bytes, ActionCounts& actions) {
    write_bytes_ += bytes;
    actions.add(write_action_, bytes);
  }
  std::uint64_t read_bytes() const { return read_bytes_; }
  std::uint64_t write_bytes() const { return write_bytes_; }
  // Checks that a tile of `bytes` fits one slot.
  void check_fits(std::uint64_t bytes, const char* what) const;
  // Checks that [offset, offset + bytes) lies in the buffer (a planner bug otherwise).
  void check_range(std::uint64_t offset, std::uint64_t bytes, const char* what) const;
  // Bytes of tiles currently held: inputs loaded and not yet consumed, outputs
  // computed and not yet stored (the occupancy trace). `delta` may be negative.
  void hold(std::int64_t delta) {
    held_ += delta;
    occupancy.write(static_cast<std::uint64_t>(held_));
    if (recorder_) recorder_->buffer_occupancy(*this, static_cast<std::uint64_t>(held_), sc_core::sc_time_stamp());
  }
  void record(ActivityRecorder* r) { recorder_ = r; }
  // The loader, executor and storer all write it, sometimes in the same delta
  // cycle (SC_MANY_WRITERS rejects that: error E115 on ResNet-50); every write
  // carries the running total held_, so the last write of a delta is right.
  sc_core::sc_signal<std::uint64_t, sc_core::SC_UNCHECKED_WRITERS> occupancy;

 private:
  SramSpec spec_;
  // Mapped without reserving memory: pages are committed when written, so an
  // ideal-memory buffer of many GiB costs only what a run touches.
  std::unique_ptr<std::uint8_t, SramUnmap> storage_;
  bool with_storage_;
  Action read_action_, write_action_;
  std::uint64_t read_bytes_ = 0, write_bytes_ = 0;
  std::int64_t held_ = 0;
  ActivityRecorder* recorder_ = nullptr;
};

}  // namespace qtsim::hw
