// Hardware configurations: bytes -> parse_json_text -> parse_hw_config.
#include <string>

#include "fuzz_targets.hpp"
#include "sim/hwconfig/hw_config_loader.hpp"
#include "sim/input/diagnostic.hpp"
#include "sim/input/json_file.hpp"

namespace qtsim::fuzz {

void hw_config(std::string_view bytes) {
  const std::string name = "fuzz-hw.json";
  try {
    (void)hwconfig::parse_hw_config(input::parse_json_text(bytes, name), name);
  } catch (const input::InputError&) {
  }
}

}  // namespace qtsim::fuzz
