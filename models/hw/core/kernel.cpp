#include "kernel.hpp"

#include "models/hw/core/hw_tensor.hpp"

namespace qtsim::hw {

void add_access(std::vector<TensorAccess>& out, const HwTensor& t, bool write) {
  out.push_back({t.data.addr, t.data.addr + t.data.bytes(), write});
  if (t.flagged) out.push_back({t.flags.addr, t.flags.addr + t.flags.bytes(), write});
}

}  // namespace qtsim::hw
