#pragma once
// The hardware configuration of one accelerator instance (workloads/hw/*.json,
// docs/HARDWARE.md). Plain data: the loader in sim/hwconfig fills and checks it;
// the SystemC units read their parameters from it.
#include <cstdint>
#include <string>

namespace qtsim::hw {

enum class Dataflow { os, ws, is };
enum class ArrayDatapath { int8, fp32 };
// Normalization unit: FP32 batchnorm (statistics, square root, divide), the
// square-root-free Fixup scalar unit, or WAGEUBN's integer batchnorm.
enum class NormUnitKind { fp32_bn, fixup, int_bn };

std::string to_string(Dataflow d);
std::string to_string(ArrayDatapath d);
std::string to_string(NormUnitKind k);

struct MacArraySpec {
  int rows = 16;
  int cols = 16;
  Dataflow dataflow = Dataflow::os;
  ArrayDatapath datapath = ArrayDatapath::int8;
  int accumulator_bits = 32;      // int8 datapath: width of every partial-sum adder (<= 32)
  bool accumulator_saturates = true;  // saturate (true) or wrap around (false) on overflow
  bool flag_operands = true;      // int8: accepts flag-quantized errors (shift of unflagged products)
};

struct SramSpec {
  std::string name;
  std::uint64_t capacity_bytes = 0;
  int banks = 1;
  int word_bytes = 8;             // port width
  int ports = 1;
  bool double_buffered = true;    // halves alternate between transfer and compute
  std::uint64_t usable_bytes() const { return double_buffered ? capacity_bytes / 2 : capacity_bytes; }
};

struct DramSpec {
  std::string type = "LPDDR4";    // selects the energy per bit in the technology table
  double bandwidth_gb_per_s = 25.6;
  double latency_ns = 100.0;
};

struct DmaSpec {
  int burst_bytes = 64;           // transfers are whole bursts of this size
  double setup_cycles = 16;       // descriptor issue per transfer
};

struct VectorUnitSpec {
  int lanes = 16;
  int pipeline_latency = 4;       // cycles from first input to first output of a pass
};

struct NormUnitSpec {
  NormUnitKind kind = NormUnitKind::fixup;
  int lanes = 16;
  int sqrt_latency = 12;          // fp32 square root, cycles per result (not pipelined)
  int divide_latency = 14;        // fp32 divide
  int isqrt_latency = 32;         // integer square root by digit recurrence: one cycle per result bit
  int units = 1;                  // parallel sqrt/divide units
};

struct RandomUnitSpec {
  int lanes = 16;                 // counter-based hash words per cycle
};

struct HwConfig {
  std::string name;
  std::string file;
  std::string description;
  MacArraySpec array;
  double clock_mhz = 1000.0;
  SramSpec ifmap{"ifmap", 256 * 1024};
  SramSpec filter{"filter", 256 * 1024};
  SramSpec ofmap{"ofmap", 256 * 1024};
  SramSpec vector{"vector", 128 * 1024};
  DramSpec dram;
  DmaSpec dma;
  VectorUnitSpec vector_unit;
  NormUnitSpec norm;
  RandomUnitSpec random;
  std::string technology = "45nm";
  bool ideal_memory = false;      // set by with_ideal_memory
  double cycle_ns() const { return 1000.0 / clock_mhz; }
};

// The same accelerator with ideal memory: every buffer larger than any tensor
// (each GEMM runs as one tile), DRAM of unlimited bandwidth and no latency, a
// DMA without setup time. Comparing a design with its ideal-memory twin shows
// how much of its time and energy the memory system costs. The buffers' sizes
// are for the timing model only: their area and leakage are the original's.
HwConfig with_ideal_memory(HwConfig c);
inline constexpr std::uint64_t kIdealBufferBytes = std::uint64_t{1} << 40;
inline constexpr double kUnlimitedBandwidthGbPerS = 1e12;

}  // namespace qtsim::hw
