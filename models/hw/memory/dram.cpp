#include "dram.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace qtsim::hw {

using sc_core::sc_time;
using sc_core::SC_NS;

Dram::Dram(sc_core::sc_module_name name, const DramSpec& spec, int burst_bytes, std::uint64_t bytes)
    : sc_module(name), socket("socket"), spec_(spec), burst_(static_cast<std::uint64_t>(std::max(1, burst_bytes))),
      storage_(bytes) {
  socket.register_b_transport(this, &Dram::b_transport);
  socket.register_get_direct_mem_ptr(this, &Dram::get_direct_mem_ptr);
}

std::uint8_t* Dram::host_pointer(std::uint64_t addr, std::uint64_t bytes) {
  if (addr + bytes > storage_.size())
    throw std::logic_error("DRAM access beyond its " + std::to_string(storage_.size()) + " bytes at address " +
                           std::to_string(addr));
  return storage_.data() + addr;
}

// The payload's length is the number of bytes the DMA moves; data moves through
// DMI, so the data pointer is not touched here.
void Dram::b_transport(tlm::tlm_generic_payload& trans, sc_time& delay) {
  const std::uint64_t bytes = (trans.get_data_length() + burst_ - 1) / burst_ * burst_;
  if (trans.is_read())
    read_bytes_ += bytes;
  else
    write_bytes_ += bytes;
  const sc_time now = sc_core::sc_time_stamp() + delay;
  const sc_time start = std::max(now, busy_until_);
  const sc_time occupancy(static_cast<double>(bytes) / spec_.bandwidth_gb_per_s, SC_NS);  // GB/s = bytes/ns
  last_bus_start_ = start;
  busy_until_ = start + occupancy;
  delay = busy_until_ + sc_time(spec_.latency_ns, SC_NS) - sc_core::sc_time_stamp();
  trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

bool Dram::get_direct_mem_ptr(tlm::tlm_generic_payload&, tlm::tlm_dmi& dmi) {
  if (storage_.empty()) return false;
  dmi.allow_read_write();
  dmi.set_dmi_ptr(storage_.data());
  dmi.set_start_address(0);
  dmi.set_end_address(storage_.size() - 1);
  return true;
}

}  // namespace qtsim::hw
