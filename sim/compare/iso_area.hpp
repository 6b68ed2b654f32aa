#pragma once
// The iso-area FP32-BN design of `qtsim compare`: the baseline's hardware
// with its MAC array resized so its total area (cost::estimate_area) comes
// closest to a target (the int8 candidate's). Arrays of R x C with R, C in
// [1, 256] and an aspect ratio of at most 2 are searched.
//
// When even a 1x1 array leaves the baseline above the target (its SRAM
// alone is larger: the FP32 presets have twice the int8 operand buffers),
// the search is repeated with the candidate's SRAM buffers, so that the
// remaining area difference is the arithmetic's; the match says so.
#include <string>

#include <nlohmann/json.hpp>

#include "models/cost/tech_table.hpp"
#include "models/hw/core/hw_config.hpp"

namespace qtsim::compare {

struct IsoAreaMatch {
  nlohmann::json document;    // the baseline's document, resized (name suffixed "-iso-area-RxC")
  int rows = 0, cols = 0;
  double target_um2 = 0, area_um2 = 0;
  bool candidate_sram = false;  // the candidate's SRAM buffers were used
  bool reachable = true;        // false: the closest size still misses (smallest or largest array)
  std::string how;              // in words, for the report
  nlohmann::ordered_json to_json() const;
};

// `baseline` and `candidate` are checked documents; `file` names the baseline in errors.
IsoAreaMatch match_iso_area(const nlohmann::json& baseline, const nlohmann::json& candidate, double target_um2,
                            const cost::TechTable& table, const std::string& file);

}  // namespace qtsim::compare
