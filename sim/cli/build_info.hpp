#pragma once
// What `qtsim --version` prints: the project version (CMake's project()) and
// the git commit the tool was built from, taken at build time
// (sim/cli/build_info.cmake): 12 hex digits, "-dirty" when tracked files
// differed from it, or "unknown" when built outside a git checkout.
#include <string_view>

namespace qtsim::cli {

std::string_view build_version();
std::string_view build_commit();

}  // namespace qtsim::cli
