// Technology tables: bytes -> parse_json_text -> parse_tech_table. The input is
// named as if it sat in workloads/tech/, so "derives_from": "45nm.json" loads
// the real base table and the scaling code runs too.
#include <string>

#include "fuzz_targets.hpp"
#include "models/cost/tech_table.hpp"
#include "sim/costinput/tech_table_loader.hpp"
#include "sim/input/diagnostic.hpp"
#include "sim/input/json_file.hpp"

namespace qtsim::fuzz {

void tech_table(std::string_view bytes) {
  static const std::string name = std::string(QTSIM_FUZZ_SOURCE_DIR) + "/workloads/tech/fuzz-input.json";
  try {
    const cost::TechTable t = cost::parse_tech_table(input::parse_json_text(bytes, name), name);
    (void)cost::to_json(t).dump();  // what reports embed
  } catch (const input::InputError&) {
  }
}

}  // namespace qtsim::fuzz
