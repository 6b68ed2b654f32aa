#include "sram_buffer.hpp"

#include <sys/mman.h>

#include <stdexcept>
#include <string>

namespace qtsim::hw {

SramBuffer::SramBuffer(sc_core::sc_module_name name, const SramSpec& spec, bool with_storage)
    : sc_module(name), occupancy("occupancy"), spec_(spec), storage_(nullptr, SramUnmap{0}), with_storage_(with_storage) {
  if (spec_.name == "ifmap") {
    read_action_ = Action::sram_ifmap_read, write_action_ = Action::sram_ifmap_write;
  } else if (spec_.name == "filter") {
    read_action_ = Action::sram_filter_read, write_action_ = Action::sram_filter_write;
  } else if (spec_.name == "ofmap") {
    read_action_ = Action::sram_ofmap_read, write_action_ = Action::sram_ofmap_write;
  } else if (spec_.name == "vector") {
    read_action_ = Action::sram_vector_read, write_action_ = Action::sram_vector_write;
  } else {
    throw std::logic_error("unknown SRAM buffer '" + spec_.name + "'");
  }
  if (with_storage_ && spec_.capacity_bytes > 0) {
    void* p = ::mmap(nullptr, spec_.capacity_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED)
      throw std::runtime_error("SRAM '" + spec_.name + "': cannot map " + std::to_string(spec_.capacity_bytes) + " bytes");
    storage_ = std::unique_ptr<std::uint8_t, SramUnmap>(static_cast<std::uint8_t*>(p), SramUnmap{spec_.capacity_bytes});
  }
}

void SramUnmap::operator()(std::uint8_t* p) const { ::munmap(p, bytes); }

std::uint8_t* SramBuffer::at(std::uint64_t offset, std::uint64_t bytes) {
  if (offset + bytes > spec_.capacity_bytes)
    throw std::logic_error("SRAM '" + spec_.name + "': access of " + std::to_string(bytes) + " bytes at offset " +
                           std::to_string(offset) + " leaves its " + std::to_string(spec_.capacity_bytes) + " bytes");
  return with_storage_ ? storage_.get() + offset : nullptr;
}

void SramBuffer::check_range(std::uint64_t offset, std::uint64_t bytes, const char* what) const {
  if (offset + bytes > spec_.capacity_bytes)
    throw std::logic_error("SRAM '" + spec_.name + "': " + what + " of " + std::to_string(bytes) + " bytes at offset " +
                           std::to_string(offset) + " leaves its " + std::to_string(spec_.capacity_bytes) + " bytes");
}

void SramBuffer::check_fits(std::uint64_t bytes, const char* what) const {
  if (bytes > slot_bytes())
    throw std::logic_error("SRAM '" + spec_.name + "': " + what + " of " + std::to_string(bytes) +
                           " bytes does not fit a slot of " + std::to_string(slot_bytes()) + " bytes");
}

}  // namespace qtsim::hw
