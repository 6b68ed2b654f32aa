#pragma once
// The mapper: chooses, for one GEMM pass of a convolution, the tile sizes and
// loop order (gemm_mapping.hpp) by searching the aligned candidates and
// estimating each one's time including DRAM transfers, not the array's cycles
// alone (a cycles-only search makes a bandwidth-limited layer worse):
//   estimate = first tile's loads + tiles * max(array cycles per tile,
//              DRAM cycles per tile) + last block's stores,
// and among the mappings within 0.5% of the fastest estimate (it is no more
// accurate than that) the one with the fewest DRAM bytes, then the fewest
// tiles (fewer tiles also simulate faster). Constraints: every tile's
// operand boxes fit one slot of their buffer (half of a double-buffered
// buffer) and the output block fits one slot of the output buffer. Like
// Timeloop's mapper it reports what it chose and why (docs/HARDWARE.md).
#include <cstdint>
#include <string>

#include "models/hw/core/hw_config.hpp"
#include "models/hw/mapping/gemm_geometry.hpp"
#include "models/hw/mapping/gemm_mapping.hpp"

namespace qtsim::hw {

// Bytes per element of the GEMM's operands and output (a flag plane counts
// one byte more per element of A).
struct GemmElementBytes {
  std::uint64_t a = 1, b = 1, out = 4;
  bool a_flagged = false;
};

// What the mapper maps onto: the array, one slot of each buffer, the DRAM.
struct MapperTarget {
  Dataflow dataflow = Dataflow::os;
  std::int64_t rows = 16, cols = 16;
  std::uint64_t ifmap_slot = 0, filter_slot = 0, ofmap_slot = 0;  // bytes
  double dram_bytes_per_cycle = 1;
  double dram_latency_cycles = 0;
  double dma_setup_cycles = 0;
  // The whole output must stay in the output buffer as one block (it is
  // requantized there once its maximum is known); ofmap_slot is then the room for it.
  bool single_output_block = false;
  static MapperTarget of(const HwConfig& config);
  bool operator==(const MapperTarget&) const = default;
};

// The mapper's estimate of a mapping (the simulation gives the real figures).
struct MappingEstimate {
  double cycles = 0;                  // the objective
  std::uint64_t a_bytes = 0, b_bytes = 0, out_bytes = 0;  // DRAM traffic per operand
  std::uint64_t a_slot_bytes = 0, b_slot_bytes = 0, out_slot_bytes = 0;  // largest footprint per buffer slot
  std::uint64_t dram_bytes() const { return a_bytes + b_bytes + out_bytes; }
};

struct MapperResult {
  GemmMapping mapping;
  MappingEstimate estimate;
  std::int64_t candidates = 0;  // mappings that fit the buffers
};

// Throws std::runtime_error naming the buffer when no mapping fits.
MapperResult map_gemm(const GemmGeometry& geometry, const GemmElementBytes& bytes, const MapperTarget& target);

}  // namespace qtsim::hw
