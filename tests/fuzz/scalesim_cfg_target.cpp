// SCALE-Sim configuration files: bytes -> parse_scalesim_cfg.
#include <string>

#include "fuzz_targets.hpp"
#include "sim/input/diagnostic.hpp"
#include "sim/scalesim/scalesim_config.hpp"

namespace qtsim::fuzz {

void scalesim_cfg(std::string_view bytes) {
  try {
    (void)scalesim::parse_scalesim_cfg(bytes, "fuzz.cfg");
  } catch (const input::InputError&) {
  }
}

}  // namespace qtsim::fuzz
