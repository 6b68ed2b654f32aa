#include "hw_config.hpp"

namespace qtsim::hw {

std::string to_string(Dataflow d) {
  switch (d) {
    case Dataflow::os: return "os";
    case Dataflow::ws: return "ws";
    case Dataflow::is: return "is";
  }
  return "?";
}

std::string to_string(ArrayDatapath d) { return d == ArrayDatapath::int8 ? "int8" : "fp32"; }

std::string to_string(NormUnitKind k) {
  switch (k) {
    case NormUnitKind::fp32_bn: return "fp32-bn";
    case NormUnitKind::fixup: return "fixup";
    case NormUnitKind::int_bn: return "int-bn";
  }
  return "?";
}

HwConfig with_ideal_memory(HwConfig c) {
  for (SramSpec* b : {&c.ifmap, &c.filter, &c.ofmap, &c.vector}) b->capacity_bytes = kIdealBufferBytes;
  c.dram.bandwidth_gb_per_s = kUnlimitedBandwidthGbPerS;
  c.dram.latency_ns = 0;
  c.dma.setup_cycles = 0;
  c.ideal_memory = true;
  return c;
}

}  // namespace qtsim::hw
