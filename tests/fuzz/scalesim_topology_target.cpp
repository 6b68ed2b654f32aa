// SCALE-Sim topology files: bytes -> parse_topology, then what a run computes
// from each accepted layer (output size, GEMM, MAC count, conv shape).
#include <cstdint>
#include <string>

#include "fuzz_targets.hpp"
#include "sim/input/diagnostic.hpp"
#include "sim/scalesim/scalesim_topology.hpp"

namespace qtsim::fuzz {

void scalesim_topology(std::string_view bytes) {
  try {
    volatile std::int64_t sum = 0;
    for (const scalesim::TopologyLayer& l : scalesim::parse_topology(bytes, "fuzz.csv")) {
      const hw::GemmDims g = l.gemm();
      const hw::ConvShape s = l.conv_shape();
      sum = sum + l.macs() + g.m + s.h + s.w;
    }
  } catch (const input::InputError&) {
  }
}

}  // namespace qtsim::fuzz
