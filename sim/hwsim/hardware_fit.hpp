#pragma once
// Whether a hardware configuration can run a workload at all, checked before
// any work starts by lowering one training step with the workload's own
// settings (the kernels every mode runs): a datapath and normalization unit
// that fit the scheme, and buffers large enough for every kernel. Problems are
// input::InputError naming the hardware file and the field to change.
#include <cstdint>
#include <string>

#include "models/hw/core/hw_config.hpp"
#include "sim/workload/workload.hpp"

namespace qtsim::hwsim {

// DRAM bytes a step needs; throws input::InputError when the hardware cannot run the workload.
std::uint64_t check_hardware_fits(const workload::Workload& w, const hw::HwConfig& config, const std::string& hw_file);

}  // namespace qtsim::hwsim
