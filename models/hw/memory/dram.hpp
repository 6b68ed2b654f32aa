#pragma once
// DRAM with an address space holding every tensor of the training step. A TLM
// target: DMA engines get a DMI pointer to move data, and send one timed
// transaction per transfer, which the DRAM turns into a delay from its
// bandwidth (shared by all transfers: a transfer waits for the bus to be free),
// latency and burst size. Counts bytes read and written in whole bursts.
#include <cstdint>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include "models/hw/core/hw_config.hpp"

namespace qtsim::hw {

class Dram : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<Dram> socket;

  // `bytes` of backing store: 0 in timing mode (no data is moved).
  Dram(sc_core::sc_module_name name, const DramSpec& spec, int burst_bytes, std::uint64_t bytes);

  std::uint64_t read_bytes() const { return read_bytes_; }
  std::uint64_t write_bytes() const { return write_bytes_; }
  std::uint64_t size() const { return storage_.size(); }
  // Host access for loading inputs and reading results back (no time passes).
  std::uint8_t* host_pointer(std::uint64_t addr, std::uint64_t bytes);
  // Time the data bus is busy from now on (for statistics).
  sc_core::sc_time busy_until() const { return busy_until_; }
  // When the last transaction's data started on the bus (it ended at busy_until()).
  sc_core::sc_time last_bus_start() const { return last_bus_start_; }

 private:
  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  bool get_direct_mem_ptr(tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi);

  DramSpec spec_;
  std::uint64_t burst_;
  std::vector<std::uint8_t> storage_;
  sc_core::sc_time busy_until_ = sc_core::SC_ZERO_TIME, last_bus_start_ = sc_core::SC_ZERO_TIME;
  std::uint64_t read_bytes_ = 0, write_bytes_ = 0;
};

}  // namespace qtsim::hw
