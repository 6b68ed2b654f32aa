#pragma once
// Places tensors in the DRAM address space: a bump allocator with 64-byte
// alignment (one burst), so every tensor starts on a burst boundary.
#include <cstdint>
#include <string>

#include "models/hw/core/tensor_region.hpp"

namespace qtsim::hw {

class DramAllocator {
 public:
  TensorRegion allocate(std::string name, DType type, const Dims4& dims) {
    TensorRegion r;
    r.name = std::move(name);
    r.addr = next_;
    r.type = type;
    r.dims = dims;
    next_ += (r.bytes() + kAlign - 1) / kAlign * kAlign;
    return r;
  }
  std::uint64_t used() const { return next_; }

 private:
  static constexpr std::uint64_t kAlign = 64;
  std::uint64_t next_ = 0;
};

}  // namespace qtsim::hw
