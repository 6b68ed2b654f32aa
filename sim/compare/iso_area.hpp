#pragma once
// The iso-area FP32-BN design of `qtsim compare`: the baseline's hardware
// with its MAC array resized (R x C, R and C in [1, 256], aspect ratio at
// most 2) so an area comes closest to the int8 candidate's. In order:
//
//   total        the whole design's area (cost::estimate_area) matches the
//                candidate's, with the baseline's own SRAM buffers;
//   total, candidate SRAM
//                when even a 1x1 array leaves the baseline above the target
//                (its SRAM alone is larger: the FP32 presets have twice the
//                int8 operand buffers), the same with the candidate's SRAM
//                buffers, if the workload's layers fit them;
//   array        otherwise (FP32 operands do not fit the candidate's
//                buffers, and the FP32 design's own SRAM alone is larger than
//                the whole int8 design), the MAC array's area (PEs and
//                column edge) matches the candidate's array, with the
//                baseline's SRAM: equal silicon for the arithmetic.
//
// The match says which, and why the earlier ones were not possible.
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "models/cost/tech_table.hpp"
#include "models/hw/core/hw_config.hpp"

namespace qtsim::compare {

struct IsoAreaMatch {
  nlohmann::json document;      // the baseline's document, resized (name suffixed "-iso-area-RxC")
  int rows = 0, cols = 0;
  std::string matched;          // "total", "total, candidate SRAM" or "array"
  double target_um2 = 0, area_um2 = 0;  // of what was matched
  double total_um2 = 0;         // the design's total area
  bool reachable = true;        // false: the closest size still misses by more than 5%
  std::string how;              // in words, for the report
  nlohmann::ordered_json to_json() const;
};

// Empty if the workload can run on this configuration, else the reason.
using RunsCheck = std::function<std::string(const hw::HwConfig&)>;

// `baseline` and `candidate` are checked documents; `file` names the baseline in errors.
IsoAreaMatch match_iso_area(const nlohmann::json& baseline, const nlohmann::json& candidate, const cost::TechTable& table,
                            const std::string& file, const RunsCheck& runs);

}  // namespace qtsim::compare
