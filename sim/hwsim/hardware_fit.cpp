#include "hardware_fit.hpp"

#include <stdexcept>

#include "sim/hwsim/hw_session.hpp"
#include "sim/input/diagnostic.hpp"

namespace qtsim::hwsim {

std::uint64_t check_hardware_fits(const workload::Workload& w, const hw::HwConfig& config, const std::string& hw_file) {
  try {
    return dram_bytes_needed(w, config);
  } catch (const std::invalid_argument& e) {
    throw input::InputError(input::Diagnostic{hw_file, "", "hardware that can run " + w.name, e.what(), ""});
  } catch (const std::runtime_error& e) {
    throw input::InputError(
        input::Diagnostic{hw_file, "/sram", "buffers large enough for every layer of " + w.name, e.what(), ""});
  }
}

}  // namespace qtsim::hwsim
