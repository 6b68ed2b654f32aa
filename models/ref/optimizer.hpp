#pragma once
// Parameter updates: PyTorch-style SGD for float parameters, and the integer
// update rule of docs/NUMERICS.md §7 for integer parameters.
#include <cstdint>

#include "parameter.hpp"
#include "quantizer.hpp"
#include "scheme.hpp"

namespace qtsim::ref {

struct FloatSgdHyper {
  double lr = 0.1;
  double momentum = 0.0;
  double weight_decay = 0.0;
};
// g += wd * w (if the parameter takes decay); v = mu * v + g; w -= lr * v.
void sgd_update(Parameter& p, const FTensor& grad, const FloatSgdHyper& hyper);

// lambda_int = round(lambda * 2^wd_frac_bits), at least 1 when lambda > 0.
std::int64_t weight_decay_integer(double weight_decay, int wd_frac_bits);

// eta_int = round(eta * 2^lr_frac_bits), at least 1 when eta > 0.
std::int64_t learning_rate_integer(double lr, int lr_frac_bits);

struct IntUpdateRecord {
  QTensor update;            // Delta, U bits at the master exponent
  QuantStats update_stats;   // saturated: elements whose Delta, M' or W' saturated (each counted once)
  QuantStats momentum_stats;
};
// Applies one integer update with gradient g (already G-quantized). `decay_int`
// (lambda_int, 0 for none) applies to parameters that take decay (conv/linear weights).
IntUpdateRecord int_update(Parameter& p, const QTensor& g, std::int64_t lr_int, std::int64_t decay_int,
                           const Scheme& scheme, const RandomStream& update_random,
                           const RandomStream& momentum_random);

}  // namespace qtsim::ref
