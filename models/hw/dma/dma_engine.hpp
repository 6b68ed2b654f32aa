#pragma once
// The DMA engine: moves boxes of 4-D tensors between DRAM and an SRAM buffer.
// A box lands in SRAM densely in NCHW order. Data moves through DMI pointers
// (exact mode only); the time comes from one timed TLM transaction per transfer
// to the DRAM (bandwidth shared with every other transfer, latency), plus a
// descriptor setup time. Contiguous runs are counted in whole DRAM bursts.
#include <array>
#include <cstdint>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "models/hw/core/actions.hpp"
#include "models/hw/core/activity_recorder.hpp"
#include "models/hw/core/hw_config.hpp"
#include "models/hw/core/tensor_region.hpp"
#include "models/hw/memory/dram.hpp"
#include "models/hw/memory/sram_buffer.hpp"

namespace qtsim::hw {

struct DmaTransfer {
  enum class Direction { to_sram, to_dram } direction = Direction::to_sram;
  TensorRegion tensor;
  Box box;
  SramBuffer* sram = nullptr;
  std::uint64_t sram_offset = 0;
  // Where the box's elements sit in SRAM: densely in NCHW order from
  // sram_offset, or, when strided, element (n0+a, c0+b, h0+c, w0+d) at
  // sram_offset + (a*s[0] + b*s[1] + c*s[2] + d*s[3]) * element bytes (the
  // array's output buffer holds a block as a row-major matrix).
  bool strided = false;
  std::array<std::int64_t, 4> sram_stride{};
  std::uint64_t bytes() const { return static_cast<std::uint64_t>(box.numel()) * dtype_bytes(tensor.type); }
  // Bytes from sram_offset to the end of the last element.
  std::uint64_t sram_extent() const;
};

class DmaEngine : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<DmaEngine> dram_socket;

  DmaEngine(sc_core::sc_module_name name, const DmaSpec& spec, double cycle_ns, bool move_data);

  // Blocking: returns when the transfer has completed. Counts into `actions`.
  void transfer(const DmaTransfer& t, ActionCounts& actions);
  // Blocking: issues the descriptors one after another (setup time each), the
  // data shares the DRAM bus and the latencies overlap; returns when the last
  // has completed. `kernel`: whose tile they are (for the recorder).
  void transfer_all(const std::vector<DmaTransfer>& ts, ActionCounts& actions, const KernelLabel* kernel = nullptr);
  // Reports each transfer's time on `dram`'s bus to `r` (nullptr: none).
  void record(ActivityRecorder* r, const Dram* dram) {
    recorder_ = r;
    recorded_dram_ = dram;
  }
  // Bytes a transfer occupies on the DRAM bus (contiguous runs rounded to bursts).
  std::uint64_t dram_bytes(const DmaTransfer& t) const;

 private:
  void move(const DmaTransfer& t);
  std::uint8_t* dram_pointer();

  DmaSpec spec_;
  double cycle_ns_;
  bool move_data_;
  std::uint8_t* dram_ = nullptr;
  std::uint64_t dram_size_ = 0;
  bool dmi_checked_ = false;
  ActivityRecorder* recorder_ = nullptr;
  const Dram* recorded_dram_ = nullptr;
};

}  // namespace qtsim::hw
