// Workload files: bytes -> parse_json_text -> parse_workload.
#include <cstdint>
#include <string>

#include "fuzz_targets.hpp"
#include "sim/input/diagnostic.hpp"
#include "sim/input/json_file.hpp"
#include "sim/workload/workload.hpp"

namespace qtsim::fuzz {

void workload(std::string_view bytes) {
  const std::string name = "fuzz-workload.json";
  try {
    const workload::Workload w = workload::parse_workload(input::parse_json_text(bytes, name), name);
    // What every command computes next from an accepted workload: each layer's size.
    volatile std::int64_t elements = 0;
    for (const auto& node : w.network.nodes) elements = elements + node.out_shape.numel();
  } catch (const input::InputError&) {
  }
}

}  // namespace qtsim::fuzz
