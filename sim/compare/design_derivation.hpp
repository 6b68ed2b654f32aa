#pragma once
// How `qtsim compare` derives one design from another so a comparison is
// equal unless told otherwise: the derived design keeps the given design's
// MAC array (size, dataflow), SRAM buffers (capacities, banks, ports), clock,
// DRAM, DMA, vector unit and technology node, and changes only what the
// training scheme needs:
//
//   datapath         int8 <-> fp32 (with the target family's accumulator and
//                    flag-operand settings); the operand buffers' port widths
//                    (ifmap, filter) scale with the element size, so each
//                    port still feeds one array row or column per cycle as in
//                    the presets (int8 16 bytes <-> fp32 64 bytes at 16x16);
//   normalization    the target family's unit (fp32-bn with its square root
//   unit             and divide latencies, fixup, int-bn with its integer
//                    square root), with the given design's lane count;
//   random-bit unit  none for fp32 (no stochastic rounding); for int8 the
//                    given design's lanes, or one per array column when it
//                    has none (the presets' choice).
//
// The families' parameters (latencies, accumulator settings) come from their
// 16x16 presets (workloads/hw/<family>-16x16.json).
#include <string>

#include <nlohmann/json.hpp>

namespace qtsim::compare {

struct DerivedDesign {
  nlohmann::json document;  // a hardware document, to be checked like a file
  std::string how;          // one sentence: what changed and what was kept
};

// `source` and `family_preset` are checked documents (defaults filled in);
// `family` is the preset family's name ("fp32-bn", "int8-fixup", "int8-intbn"),
// `source_role` names the source in the sentence ("the candidate").
DerivedDesign derive_design(const nlohmann::json& source, const std::string& source_role,
                            const nlohmann::json& family_preset, const std::string& family);

// The fields in which two checked documents differ among those a comparison
// should hold equal (array, SRAM capacities, clock, DRAM, technology), in
// words; empty when they agree.
std::string equal_fields_that_differ(const nlohmann::json& a, const nlohmann::json& b);

}  // namespace qtsim::compare
