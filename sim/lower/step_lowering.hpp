#pragma once
// Lowering one training step of a network under a scheme to a program of
// hardware kernels (docs/HARDWARE.md "Lowering"): forward (conv/linear as
// GEMMs on the MAC array, everything else on the vector and normalization
// units), the loss stage, backward (input-gradient and weight-gradient GEMMs,
// normalization backward), gradient quantization and the update. Every tensor
// of the step gets its own DRAM region, laid out identically every step, and
// every tensor the reference records is listed so the host can read it back
// for validation under the same name (docs/DUMPS.md).
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "models/hw/core/dram_allocator.hpp"
#include "models/hw/core/hw_config.hpp"
#include "models/hw/core/hw_tensor.hpp"
#include "models/hw/core/kernel.hpp"
#include "models/ref/model.hpp"
#include "sim/lower/param_store.hpp"

namespace qtsim::lower {

// A tensor of the step the host reads back after it (name as in docs/DUMPS.md).
struct RecordedTensor {
  std::string name;
  hw::HwTensor tensor;
  ref::Shape shape;  // the reference's shape of the tensor
};

struct StepInputs {
  const ref::Model* model = nullptr;  // network, scheme, parameter shapes (not its values)
  const ParamStore* params = nullptr;
  const hw::HwConfig* config = nullptr;
  std::uint32_t step = 0;
  std::uint32_t seed = 1;
  std::int64_t batch = 1;
  ref::StepHyper hyper;
};

struct StepProgram {
  std::vector<std::unique_ptr<hw::Kernel>> kernels;
  std::vector<RecordedTensor> records;
  hw::HwTensor images;  // float32 N x C x H x W, written by the host
  hw::HwTensor labels;  // int32 N, written by the host
  int loss_reg = -1;    // the batch's mean loss (double bits) after the step
  int correct_reg = -1; // correctly classified samples
  std::uint64_t dram_end = 0;  // first byte after the step's tensors
};

// Throws std::invalid_argument when the hardware cannot run the scheme (names
// the mismatch), std::runtime_error when a layer does not fit the buffers.
// `alloc` continues after the persistent state; `regs` gets the step's registers.
StepProgram lower_step(const StepInputs& in, hw::DramAllocator alloc, hw::ScalarRegs& regs);

// Checks that the hardware can run this scheme at all (datapath, normalization
// unit, accumulator width); returns a message, or "" when it can.
std::string hardware_mismatch(const ref::Model& model, const hw::HwConfig& config);

}  // namespace qtsim::lower
