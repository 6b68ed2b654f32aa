#pragma once
// Batch normalization, float32 and integer (docs/NUMERICS.md §8, §9).
#include <cstdint>

#include "../quantizer.hpp"
#include "../scheme.hpp"
#include "../tensor.hpp"

namespace qtsim::ref {

// ---- float32 (training mode uses batch statistics) ----
struct FloatBatchNormSaved {
  FTensor xhat;       // normalised input, N x C x H x W
  FTensor inv_std;    // 1 / sqrt(var + eps), per channel
};
FTensor batchnorm_forward_train(const FTensor& x, const FTensor& gamma, const FTensor& beta, double eps,
                                FTensor& running_mean, FTensor& running_var, double momentum, FloatBatchNormSaved* saved);
FTensor batchnorm_forward_eval(const FTensor& x, const FTensor& gamma, const FTensor& beta, double eps,
                               const FTensor& running_mean, const FTensor& running_var);
struct FloatBatchNormGrads {
  FTensor dx, dgamma, dbeta;
};
FloatBatchNormGrads batchnorm_backward(const FTensor& dy, const FTensor& gamma, const FloatBatchNormSaved& saved);

// ---- integer (int-bn) ----
struct IntBatchNormSaved {
  QTensor xhat;                       // normalised value, norm_bits
  std::vector<std::int64_t> inv;      // per channel c: 1/sigma_c ~= inv[c] * 2^(-inv_r - stddev.exp)
  int inv_r = 0;
  WideTensor centered;                // d = x - mu_q at exponent e_d (kept for the dump)
  QTensor mean;                       // mu_q, C elements, mean_bits
  QTensor stddev;                     // sigma_q, C elements, std_bits
};
constexpr int kIntBnRunningMeanExp = -24;
constexpr int kIntBnRunningVarExp = -32;
struct IntBatchNormRunning {
  std::vector<std::int64_t> mean;  // at exponent kIntBnRunningMeanExp
  std::vector<std::int64_t> var;   // at exponent kIntBnRunningVarExp
  bool initialised = false;
};
// Returns the wide gamma*xhat + beta (the caller applies the A quantizer).
WideTensor int_batchnorm_forward_train(const QTensor& x, const QTensor& gamma, const QTensor& beta,
                                       const IntBatchNormSpec& spec, IntBatchNormRunning& running,
                                       IntBatchNormSaved* saved, QuantStats* stats);
WideTensor int_batchnorm_forward_eval(const QTensor& x, const QTensor& gamma, const QTensor& beta,
                                      const IntBatchNormSpec& spec, const IntBatchNormRunning& running, QuantStats* stats);
struct IntBatchNormGrads {
  WideTensor dx;      // -> E quantizer
  WideTensor dgamma;  // -> G quantizer
  WideTensor dbeta;   // -> G quantizer
};
IntBatchNormGrads int_batchnorm_backward(const QTensor& dy, const QTensor& gamma, const IntBatchNormSaved& saved);

}  // namespace qtsim::ref
