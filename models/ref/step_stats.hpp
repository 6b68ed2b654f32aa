#pragma once
// What one training step (or evaluation batch) did, numerically: loss,
// accuracy, and every saturation and fault, by data path.
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "quantizer.hpp"

namespace qtsim::ref {

struct NumericFault {
  std::string tensor;  // "<node>/y" ...
  std::uint64_t index = 0;
  std::string what;    // "NaN", "Inf"
};

struct StepStats {
  double loss = 0.0;
  std::int64_t correct = 0;
  std::int64_t samples = 0;
  // Quantizations by path: "A", "E", "G", "U", "momentum", "W", "BN".
  std::map<std::string, QuantStats> paths;
  std::uint64_t accumulator_saturations = 0;
  std::optional<NumericFault> first_fault;  // first NaN/Inf in a float tensor

  void add(const StepStats& o);
};

}  // namespace qtsim::ref
