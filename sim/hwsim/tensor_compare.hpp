#pragma once
// Comparing the hardware's tensors of a step with the reference's
// (docs/HARDWARE.md "Validation"): integer tensors must agree exactly (values,
// exponent, flags); float tensors within a tolerance, reporting the largest
// difference in ULPs, because a float sum in another order legitimately
// rounds differently.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/hwsim/captured_tensors.hpp"

namespace qtsim::hwsim {

struct FloatTolerance {
  double rtol = 1e-4;         // |hw - ref| <= atol + rtol * |ref| ...
  double atol_fraction = 1e-5;  // ... atol = atol_fraction * max|ref| of the tensor
};

struct Mismatch {
  std::int64_t index = 0;
  std::string where;        // "[n, c, h, w]" of the index
  std::string hw, ref;      // both values as text
  std::string what;         // "value", "exponent", "flag", "shape", "missing"
};

struct TensorComparison {
  std::string name;
  std::string kind;          // "int8 e=-7", "float32"
  std::int64_t elements = 0;
  bool ok = true;
  std::int64_t mismatches = 0;
  std::uint64_t max_ulp = 0;  // float tensors
  double max_abs_diff = 0.0;
  std::optional<Mismatch> first;
};

TensorComparison compare_tensor(const CapturedTensor& ref, const CapturedTensor* hw, const FloatTolerance& tol);

// Every tensor the reference recorded, in its order.
std::vector<TensorComparison> compare_step(const CapturedTensors& ref, const CapturedTensors& hw, const FloatTolerance& tol);

}  // namespace qtsim::hwsim
