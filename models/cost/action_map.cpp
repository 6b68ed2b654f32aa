#include "action_map.hpp"

#include <stdexcept>

#include <fmt/format.h>

namespace qtsim::cost {

using hw::Action;

namespace {

Charge entry(std::string name, double per_count = 1.0) { return {ChargeKind::entry_energy, std::move(name), per_count}; }

bool int8(const hw::HwConfig& c) { return c.array.datapath == hw::ArrayDatapath::int8; }

// The mapping. A switch without default: a new action in actions.hpp is a
// compiler warning here (-Wswitch) until it is given a rule.
ActionRule rule(Action a, const hw::HwConfig& c) {
  switch (a) {
    case Action::mac_int8:
      return {a, "mac_array", {entry(mac_entry(c))},
              fmt::format("8-bit multiply + {}-bit accumulator add", c.array.accumulator_bits)};
    case Action::mac_int8_flagged:
      return {a, "mac_array", {entry("int.shift16")},
              "the product of a flag-quantized operand passes a shifter; these MACs are also counted in mac.int8, "
              "so only the shift is added"};
    case Action::mac_fp32:
      return {a, "mac_array", {entry("mac.fp32")}, "FP32 multiply + FP32 add"};
    case Action::pe_cycles:
      return {a, "mac_array", {entry("reg.bit", pe_register_bits(c))},
              fmt::format("every PE clocks its pipeline registers each cycle, busy or not (no clock gating): "
                          "{} bits (two streamed operands and the partial sum)",
                          pe_register_bits(c))};
    case Action::psum_read:
      return {a, "mac_array", {entry(accumulator_add_entry(c))},
              "a partial sum read back is added to the new one at the array edge (its SRAM bytes are charged under "
              "sram.ofmap.read_bytes)"};
    case Action::max_track:
      return {a, "mac_array", {entry("int.add32")}, "one 32-bit compare of |output| with the running maximum"};
    case Action::vec_int_add:
      return {a, "vector_unit", {entry("int.add32")},
              "the lanes are 64-bit, but nearly every operand is an int32 accumulator or narrower: a 32-bit add"};
    case Action::vec_int_mul:
      return {a, "vector_unit", {entry("int.mul32")}, "a 32x32 multiply, the lane's width (upper bound for narrower operands)"};
    case Action::vec_shift_round:
      return {a, "vector_unit", {entry("int.shift_round32")}, "round-and-shift with saturation of a 32-bit value"};
    case Action::vec_fp_add:
      return {a, "vector_unit", {entry("fp32.add")}, "FP32 add or compare"};
    case Action::vec_fp_mul:
      return {a, "vector_unit", {entry("fp32.mul")}, "FP32 multiply"};
    case Action::vec_fp_exp:
      return {a, "vector_unit", {entry("fp32.exp")}, "FP32 exp or log"};
    case Action::vec_fp_div:
      return {a, "vector_unit", {entry("fp32.div")}, "FP32 divide"};
    case Action::vec_convert:
      return {a, "vector_unit", {entry("fp32.convert")}, "int <-> FP32 conversion"};
    case Action::random_word:
      return {a, "random_unit", {entry("random.lowbias32")}, "one 32-bit counter-based hash word"};
    case Action::norm_fp_add:
      return {a, "norm_unit", {entry("fp32.add")}, "FP32 add"};
    case Action::norm_fp_mul:
      return {a, "norm_unit", {entry("fp32.mul")}, "FP32 multiply"};
    case Action::norm_fp_sqrt:
      return {a, "norm_unit", {entry("fp32.sqrt")}, "FP32 square root"};
    case Action::norm_fp_div:
      return {a, "norm_unit", {entry("fp32.div")}, "FP32 divide"};
    case Action::norm_int_add:
      return {a, "norm_unit", {entry("int.add64")}, "statistics sums of the integer BN unit are 64-bit"};
    case Action::norm_int_mul:
      return {a, "norm_unit", {entry("int.mul32")}, "up to 32x32 bits"};
    case Action::norm_int_sqrt:
      return {a, "norm_unit", {entry("int.isqrt32")}, "integer square root by digit recurrence"};
    case Action::norm_int_div:
      return {a, "norm_unit", {entry("int.div32")}, "integer divide by digit recurrence"};
    case Action::norm_scalar_op:
      return {a, "norm_unit", {entry("fixup.scalar_op")}, "Fixup scalar multiply, bias add or alignment shift"};
    case Action::sram_ifmap_read:
      return {a, "sram.ifmap", {{ChargeKind::sram_read_byte, "ifmap", 1.0}}, "per byte: the read energy of one word / word bytes"};
    case Action::sram_ifmap_write:
      return {a, "sram.ifmap", {{ChargeKind::sram_write_byte, "ifmap", 1.0}}, "per byte: the write energy of one word / word bytes"};
    case Action::sram_filter_read:
      return {a, "sram.filter", {{ChargeKind::sram_read_byte, "filter", 1.0}}, "per byte: the read energy of one word / word bytes"};
    case Action::sram_filter_write:
      return {a, "sram.filter", {{ChargeKind::sram_write_byte, "filter", 1.0}}, "per byte: the write energy of one word / word bytes"};
    case Action::sram_ofmap_read:
      return {a, "sram.ofmap", {{ChargeKind::sram_read_byte, "ofmap", 1.0}}, "per byte: the read energy of one word / word bytes"};
    case Action::sram_ofmap_write:
      return {a, "sram.ofmap", {{ChargeKind::sram_write_byte, "ofmap", 1.0}}, "per byte: the write energy of one word / word bytes"};
    case Action::sram_vector_read:
      return {a, "sram.vector", {{ChargeKind::sram_read_byte, "vector", 1.0}}, "per byte: the read energy of one word / word bytes"};
    case Action::sram_vector_write:
      return {a, "sram.vector", {{ChargeKind::sram_write_byte, "vector", 1.0}}, "per byte: the write energy of one word / word bytes"};
    case Action::dram_read:
      return {a, "dram", {{ChargeKind::dram_bit, c.dram.type, 8.0}}, "8 bits per byte at the DRAM type's energy per bit"};
    case Action::dram_write:
      return {a, "dram", {{ChargeKind::dram_bit, c.dram.type, 8.0}}, "8 bits per byte at the DRAM type's energy per bit"};
    case Action::dma_transfer:
      return {a, "dma", {entry("dma.descriptor")}, "one descriptor written into the DMA engine"};
    case Action::count:
      break;
  }
  throw std::logic_error("cost::action_rules: no rule for an action");
}

}  // namespace

std::string Charge::figure() const {
  switch (kind) {
    case ChargeKind::entry_energy: return name;
    case ChargeKind::sram_read_byte: return "sram." + name + ".read";
    case ChargeKind::sram_write_byte: return "sram." + name + ".write";
    case ChargeKind::dram_bit: return "dram." + name;
  }
  return name;
}

std::vector<ActionRule> action_rules(const hw::HwConfig& config) {
  std::vector<ActionRule> rules;
  rules.reserve(hw::kActionCount);
  for (int i = 0; i < hw::kActionCount; ++i) rules.push_back(rule(static_cast<Action>(i), config));
  return rules;
}

const std::vector<std::string>& unit_categories() {
  static const std::vector<std::string> c{"mac_array",   "vector_unit", "norm_unit",   "random_unit",
                                          "sram.ifmap",  "sram.filter", "sram.ofmap",  "sram.vector",
                                          "dram",        "dma",         "leakage"};
  return c;
}

std::string mac_entry(const hw::HwConfig& c) {
  if (!int8(c)) return "mac.fp32";
  return c.array.accumulator_bits <= 16 ? "mac.int8_acc16" : "mac.int8_acc32";
}

std::string accumulator_add_entry(const hw::HwConfig& c) {
  if (!int8(c)) return "fp32.add";
  if (c.array.accumulator_bits <= 8) return "int.add8";
  return c.array.accumulator_bits <= 16 ? "int.add16" : "int.add32";
}

int pe_register_bits(const hw::HwConfig& c) { return int8(c) ? 8 + 8 + c.array.accumulator_bits : 32 + 32 + 32; }

const hw::SramSpec& sram_spec(const hw::HwConfig& c, const std::string& buffer) {
  if (buffer == "ifmap") return c.ifmap;
  if (buffer == "filter") return c.filter;
  if (buffer == "ofmap") return c.ofmap;
  if (buffer == "vector") return c.vector;
  throw std::logic_error("cost::sram_spec: unknown buffer " + buffer);
}

}  // namespace qtsim::cost
