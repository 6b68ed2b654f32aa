#pragma once
// The one place that says how each action of models/hw/core/actions.hpp is
// charged: which technology-table figure, how many of it per counted action,
// and under which unit of the energy breakdown (docs/COSTMODEL.md repeats the
// table with its reasoning). "Which entry drives this ratio" is answered here.
//
// Most actions map to one table entry. A few depend on the hardware
// configuration: the accumulator width picks the MAC and adder entries, the
// datapath picks the PE register width, the buffer's capacity, banks, ports
// and word width give the SRAM energy per byte, and dram.type the DRAM energy
// per bit.
#include <string>
#include <vector>

#include "models/hw/core/actions.hpp"
#include "models/hw/core/hw_config.hpp"

namespace qtsim::cost {

enum class ChargeKind {
  entry_energy,     // energy_pj of a table entry
  sram_read_byte,   // one byte read from SRAM buffer `name` (ifmap, filter, ofmap, vector)
  sram_write_byte,  // one byte written to SRAM buffer `name`
  dram_bit,         // one bit moved to or from DRAM of type `name`
};

struct Charge {
  ChargeKind kind = ChargeKind::entry_energy;
  std::string name;        // entry name, buffer name or DRAM type
  double per_count = 1.0;  // how many of it per counted action
  // The figure's name in breakdowns: "int.add32", "sram.ifmap.read", "sram.ifmap.write", "dram.LPDDR4".
  std::string figure() const;
};

struct ActionRule {
  hw::Action action = hw::Action::mac_int8;
  std::string category;         // unit in the energy breakdown (see unit_categories)
  std::vector<Charge> charges;  // empty: the action costs nothing by itself (none today)
  std::string why;              // the reasoning, in one sentence
};

// One rule per action of actions.hpp, in its order, for this hardware.
std::vector<ActionRule> action_rules(const hw::HwConfig& config);

// Categories of the energy breakdown by unit, in report order: mac_array,
// vector_unit, norm_unit, random_unit, sram.ifmap, sram.filter, sram.ofmap,
// sram.vector, dram, dma, and leakage (added by the cost model).
const std::vector<std::string>& unit_categories();

// Choices shared by the energy and the area model.
std::string mac_entry(const hw::HwConfig& config);              // mac.int8_acc16 | mac.int8_acc32 | mac.fp32
std::string accumulator_add_entry(const hw::HwConfig& config);  // int.add8 | int.add16 | int.add32 | fp32.add
// Register bits clocked in one PE per cycle: two streamed operands and the
// partial sum (int8: 8 + 8 + accumulator_bits; fp32: 32 + 32 + 32).
int pe_register_bits(const hw::HwConfig& config);
const hw::SramSpec& sram_spec(const hw::HwConfig& config, const std::string& buffer);

}  // namespace qtsim::cost
