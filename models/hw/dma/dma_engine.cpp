#include "dma_engine.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>

namespace qtsim::hw {

using sc_core::sc_time;
using sc_core::SC_NS;

DmaEngine::DmaEngine(sc_core::sc_module_name name, const DmaSpec& spec, double cycle_ns, bool move_data)
    : sc_module(name), dram_socket("dram_socket"), spec_(spec), cycle_ns_(cycle_ns), move_data_(move_data) {}

std::uint8_t* DmaEngine::dram_pointer() {
  if (!dmi_checked_) {
    tlm::tlm_generic_payload trans;
    tlm::tlm_dmi dmi;
    trans.set_address(0);
    if (dram_socket->get_direct_mem_ptr(trans, dmi)) {
      dram_ = dmi.get_dmi_ptr();
      dram_size_ = dmi.get_end_address() + 1;
    }
    dmi_checked_ = true;
  }
  if (!dram_) throw std::logic_error("DMA: the DRAM grants no direct memory access (timing mode has no data)");
  return dram_;
}

std::uint64_t DmaEngine::dram_bytes(const DmaTransfer& t) const {
  const Box& b = t.box;
  const Dims4& d = t.tensor.dims;
  const std::uint64_t e = dtype_bytes(t.tensor.type);
  // Longest contiguous run: whole rows merge into planes, whole planes into channel runs.
  std::uint64_t run = static_cast<std::uint64_t>(b.nw), runs = static_cast<std::uint64_t>(b.nn * b.nc * b.nh);
  if (b.nw == d.w) {
    run *= static_cast<std::uint64_t>(b.nh);
    runs /= static_cast<std::uint64_t>(b.nh);
    if (b.nh == d.h) {
      run *= static_cast<std::uint64_t>(b.nc);
      runs /= static_cast<std::uint64_t>(b.nc);
    }
  }
  const std::uint64_t burst = static_cast<std::uint64_t>(spec_.burst_bytes);
  return runs * ((run * e + burst - 1) / burst * burst);
}

std::uint64_t DmaTransfer::sram_extent() const {
  const std::uint64_t e = dtype_bytes(tensor.type);
  if (!strided) return bytes();
  const Box& b = box;
  const std::int64_t last = (b.nn - 1) * sram_stride[0] + (b.nc - 1) * sram_stride[1] + (b.nh - 1) * sram_stride[2] +
                            (b.nw - 1) * sram_stride[3];
  return static_cast<std::uint64_t>(last + 1) * e;
}

void DmaEngine::move(const DmaTransfer& t) {
  const Box& b = t.box;
  const Dims4& d = t.tensor.dims;
  if (b.n0 < 0 || b.c0 < 0 || b.h0 < 0 || b.w0 < 0 || b.n0 + b.nn > d.n || b.c0 + b.nc > d.c || b.h0 + b.nh > d.h ||
      b.w0 + b.nw > d.w)
    throw std::logic_error("DMA: box outside tensor '" + t.tensor.name + "' " + d.str());
  std::uint8_t* dram = dram_pointer();
  std::uint8_t* sram = t.sram->at(t.sram_offset, t.sram_extent());
  const std::uint64_t e = dtype_bytes(t.tensor.type), row = static_cast<std::uint64_t>(b.nw) * e;
  if (t.tensor.addr + t.tensor.bytes() > dram_size_) throw std::logic_error("DMA: tensor '" + t.tensor.name + "' outside DRAM");
  if (t.strided) {
    const auto& st = t.sram_stride;
    const bool to_sram = t.direction == DmaTransfer::Direction::to_sram;
    for (std::int64_t n = 0; n < b.nn; ++n)
      for (std::int64_t c = 0; c < b.nc; ++c)
        for (std::int64_t h = 0; h < b.nh; ++h) {
          std::uint8_t* d_ptr = dram + t.tensor.address_of(b.n0 + n, b.c0 + c, b.h0 + h, b.w0);
          std::uint8_t* s_ptr = sram + static_cast<std::uint64_t>(n * st[0] + c * st[1] + h * st[2]) * e;
          const std::uint64_t step = static_cast<std::uint64_t>(st[3]) * e;
          for (std::int64_t w = 0; w < b.nw; ++w, d_ptr += e, s_ptr += step)
            std::memcpy(to_sram ? s_ptr : d_ptr, to_sram ? d_ptr : s_ptr, e);
        }
    return;
  }
  for (std::int64_t n = 0; n < b.nn; ++n)
    for (std::int64_t c = 0; c < b.nc; ++c)
      for (std::int64_t h = 0; h < b.nh; ++h) {
        std::uint8_t* d_ptr = dram + t.tensor.address_of(b.n0 + n, b.c0 + c, b.h0 + h, b.w0);
        std::uint8_t* s_ptr = sram + static_cast<std::uint64_t>(((n * b.nc + c) * b.nh + h)) * row;
        if (t.direction == DmaTransfer::Direction::to_sram)
          std::memcpy(s_ptr, d_ptr, row);
        else
          std::memcpy(d_ptr, s_ptr, row);
      }
}

void DmaEngine::transfer(const DmaTransfer& t, ActionCounts& actions) { transfer_all({t}, actions); }

void DmaEngine::transfer_all(const std::vector<DmaTransfer>& ts, ActionCounts& actions, const KernelLabel* kernel) {
  sc_time issue = sc_core::SC_ZERO_TIME, done = sc_core::SC_ZERO_TIME;
  for (const DmaTransfer& t : ts) {
    if (t.box.numel() == 0) continue;
    if (!t.sram) throw std::logic_error("DMA: transfer without an SRAM buffer");
    t.sram->check_range(t.sram_offset, t.sram_extent(), "DMA transfer");
    if (move_data_) move(t);
    const std::uint64_t bytes = dram_bytes(t);
    const bool to_sram = t.direction == DmaTransfer::Direction::to_sram;
    tlm::tlm_generic_payload trans;
    trans.set_command(to_sram ? tlm::TLM_READ_COMMAND : tlm::TLM_WRITE_COMMAND);
    trans.set_address(t.tensor.addr);
    trans.set_data_ptr(nullptr);
    trans.set_data_length(static_cast<unsigned int>(std::min<std::uint64_t>(bytes, 0xFFFFFFFFu)));
    trans.set_streaming_width(trans.get_data_length());
    issue += sc_time(spec_.setup_cycles * cycle_ns_, SC_NS);
    sc_time delay = issue;
    dram_socket->b_transport(trans, delay);
    if (trans.is_response_error()) throw std::logic_error("DMA: DRAM transaction failed for '" + t.tensor.name + "'");
    done = std::max(done, delay);
    if (recorder_ && kernel)
      recorder_->dram_transfer(*kernel, t, bytes, recorded_dram_->last_bus_start(), recorded_dram_->busy_until());
    const std::uint64_t sram_bytes = t.bytes();
    if (to_sram) {
      actions.add(Action::dram_read, bytes);
      t.sram->count_write(sram_bytes, actions);
    } else {
      actions.add(Action::dram_write, bytes);
      t.sram->count_read(sram_bytes, actions);
    }
    actions.add(Action::dma_transfer, 1);
  }
  if (done > sc_core::SC_ZERO_TIME) wait(done);
}

}  // namespace qtsim::hw
