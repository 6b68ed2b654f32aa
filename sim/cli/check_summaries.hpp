#pragma once
// What `qtsim check` prints about a hardware configuration or a technology
// table once the file passed its loader's checks (input::InputError otherwise).
#include <ostream>
#include <string>

namespace qtsim::cli {

// Loads and checks a hardware configuration and the technology table its
// "technology" names; prints its units and their area (nothing when quiet).
void check_hardware(const std::string& path, bool quiet, std::ostream& out);

// Loads and checks a technology table; prints its node, derivation, how many
// figures cite a source or are estimates, the SRAM fits and DRAM energies.
void check_tech_table(const std::string& path, bool quiet, std::ostream& out);

}  // namespace qtsim::cli
