#pragma once
// Numeric faults are reported, never silent: a TensorSink that notes the first
// NaN or Inf among a step's float tensors (tensor, index, value), so `simulate`
// can put it in the run's statistics and on stderr next to the step's
// accumulator and quantizer saturation counts.
#include <cstdint>
#include <optional>
#include <string>

#include "models/ref/tensor_sink.hpp"

namespace qtsim::hwsim {

struct FloatFault {
  std::string tensor;
  std::uint64_t index = 0;
  std::string what;  // "NaN", "Inf"
};

class FaultWatch : public ref::TensorSink {
 public:
  void record(const ref::TensorRecord& r) override;
  // The first fault since the last take(), and forget it.
  std::optional<FloatFault> take();

 private:
  std::optional<FloatFault> first_;
};

}  // namespace qtsim::hwsim
