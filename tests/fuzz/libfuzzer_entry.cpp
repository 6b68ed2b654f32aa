// libFuzzer's entry point for one target, chosen at compile time:
// -DQTSIM_FUZZ_TARGET=workload calls qtsim::fuzz::workload.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  qtsim::fuzz::QTSIM_FUZZ_TARGET(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
