#pragma once
// Every action the hardware counts, declared in one place (name, unit, meaning).
// The cost model multiplies these counts by per-action energies from a
// technology table (Accelergy's split of action counts from energy tables);
// docs/HARDWARE.md lists them from this file.
#include <array>
#include <cstdint>
#include <string_view>

namespace qtsim::hw {

// X(identifier, "name", "unit", "meaning")
#define QTSIM_HW_ACTIONS(X)                                                                                         \
  X(mac_int8, "mac.int8", "MAC array", "8-bit multiply + accumulator add (accumulator_bits wide)")                  \
  X(mac_int8_flagged, "mac.int8.flagged", "MAC array", "8-bit MACs with a flag-quantized operand (product passes a shifter)") \
  X(mac_fp32, "mac.fp32", "MAC array", "FP32 multiply + FP32 add")                                                  \
  X(pe_cycles, "array.pe_cycles", "MAC array", "PE-cycles of folds (rows x cols x fold cycles): utilization base")  \
  X(psum_read, "array.psum_reads", "MAC array", "partial sums read back from the output buffer (WS/IS folds)")       \
  X(max_track, "array.max_compares", "MAC array", "|output| compares of the output-stage max tracker")              \
  X(vec_int_add, "vector.int.add", "vector unit", "integer add/subtract/compare (up to 64-bit lanes)")              \
  X(vec_int_mul, "vector.int.mul", "vector unit", "integer multiply (up to 32x32 bits)")                            \
  X(vec_shift_round, "vector.int.shift_round", "vector unit", "round-and-shift with saturation (requantize)")       \
  X(vec_fp_add, "vector.fp32.add", "vector unit", "FP32 add/compare")                                               \
  X(vec_fp_mul, "vector.fp32.mul", "vector unit", "FP32 multiply")                                                  \
  X(vec_fp_exp, "vector.fp32.exp", "vector unit", "FP32 exponential or logarithm (loss stage)")                     \
  X(vec_fp_div, "vector.fp32.div", "vector unit", "FP32 divide (loss stage)")                                       \
  X(vec_convert, "vector.convert", "vector unit", "int <-> float conversion")                                       \
  X(random_word, "random.words", "random unit", "32-bit counter-based hash words (stochastic rounding)")             \
  X(norm_fp_add, "norm.fp32.add", "normalization unit", "FP32 add (statistics, normalize)")                          \
  X(norm_fp_mul, "norm.fp32.mul", "normalization unit", "FP32 multiply")                                            \
  X(norm_fp_sqrt, "norm.fp32.sqrt", "normalization unit", "FP32 square root")                                        \
  X(norm_fp_div, "norm.fp32.div", "normalization unit", "FP32 divide")                                               \
  X(norm_int_add, "norm.int.add", "normalization unit", "integer add (statistics, up to 64-bit)")                   \
  X(norm_int_mul, "norm.int.mul", "normalization unit", "integer multiply (up to 32x32 bits)")                      \
  X(norm_int_sqrt, "norm.int.isqrt", "normalization unit", "integer square root (digit recurrence)")               \
  X(norm_int_div, "norm.int.div", "normalization unit", "integer divide (reciprocal, mean)")                          \
  X(norm_scalar_op, "norm.scalar_op", "normalization unit", "Fixup scalar multiply or bias add (8-bit operand)")    \
  X(sram_ifmap_read, "sram.ifmap.read_bytes", "SRAM", "bytes read from the input-operand buffer")                   \
  X(sram_ifmap_write, "sram.ifmap.write_bytes", "SRAM", "bytes written to the input-operand buffer")                \
  X(sram_filter_read, "sram.filter.read_bytes", "SRAM", "bytes read from the weight-operand buffer")                \
  X(sram_filter_write, "sram.filter.write_bytes", "SRAM", "bytes written to the weight-operand buffer")             \
  X(sram_ofmap_read, "sram.ofmap.read_bytes", "SRAM", "bytes read from the output buffer")                          \
  X(sram_ofmap_write, "sram.ofmap.write_bytes", "SRAM", "bytes written to the output buffer")                       \
  X(sram_vector_read, "sram.vector.read_bytes", "SRAM", "bytes read from the vector-unit buffer")                   \
  X(sram_vector_write, "sram.vector.write_bytes", "SRAM", "bytes written to the vector-unit buffer")                \
  X(dram_read, "dram.read_bytes", "DRAM", "bytes read from DRAM (whole bursts)")                                    \
  X(dram_write, "dram.write_bytes", "DRAM", "bytes written to DRAM (whole bursts)")                                 \
  X(dma_transfer, "dma.transfers", "DMA", "transfer descriptors issued")

enum class Action : int {
#define QTSIM_ACTION_ENUM(id, name, unit, meaning) id,
  QTSIM_HW_ACTIONS(QTSIM_ACTION_ENUM)
#undef QTSIM_ACTION_ENUM
      count
};

constexpr int kActionCount = static_cast<int>(Action::count);

struct ActionInfo {
  std::string_view name, unit, meaning;
};

constexpr std::array<ActionInfo, kActionCount> kActionInfo{{
#define QTSIM_ACTION_INFO(id, name, unit, meaning) ActionInfo{name, unit, meaning},
    QTSIM_HW_ACTIONS(QTSIM_ACTION_INFO)
#undef QTSIM_ACTION_INFO
}};

constexpr std::string_view action_name(Action a) { return kActionInfo[static_cast<std::size_t>(a)].name; }

// A fixed-size vector of counts, one per action.
struct ActionCounts {
  std::array<std::uint64_t, kActionCount> n{};
  std::uint64_t& operator[](Action a) { return n[static_cast<std::size_t>(a)]; }
  std::uint64_t operator[](Action a) const { return n[static_cast<std::size_t>(a)]; }
  void add(Action a, std::uint64_t k) { n[static_cast<std::size_t>(a)] += k; }
  ActionCounts& operator+=(const ActionCounts& o) {
    for (std::size_t i = 0; i < n.size(); ++i) n[i] += o.n[i];
    return *this;
  }
  bool operator==(const ActionCounts&) const = default;
};

}  // namespace qtsim::hw
