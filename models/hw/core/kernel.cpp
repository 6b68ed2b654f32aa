#include "kernel.hpp"

#include "models/hw/core/hw_tensor.hpp"

namespace qtsim::hw {

std::string to_string(const KernelLabel& k) {
  return (k.layer.empty() ? k.op : k.layer + " " + k.op) + " (" + to_string(k.phase) + ")";
}

void add_access(std::vector<TensorAccess>& out, const HwTensor& t, bool write) {
  out.push_back({t.data.addr, t.data.addr + t.data.bytes(), write});
  if (t.flagged) out.push_back({t.flags.addr, t.flags.addr + t.flags.bytes(), write});
}

}  // namespace qtsim::hw
