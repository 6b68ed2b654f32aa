#pragma once
// A training scheme as data (docs/NUMERICS.md §10): per data path bits,
// quantizer, rounding; accumulator width; storage bits; optimizer encodings;
// how batchnorm computes. Presets are named instances (scheme_presets.cpp).
#include <optional>
#include <string>
#include <vector>

#include "quantizer.hpp"

namespace qtsim::ref {

enum class Datapath { fp32, integer };
// How batchnorm layers compute in this scheme. A network with batchnorm layers
// needs fp32 or integer; `none` (EOQ) rejects such networks.
enum class NormKind { none, fp32, integer };

struct WeightPathSpec {
  int bits = 8;                      // forward weights W: direct quantizer
  int storage_bits = 8;              // master copy M the update is added to
  std::optional<int> exponent;       // fixed e_W for every layer; else from init scale
  double headroom_sigmas = 4.0;      // e_W = ceil(log2(h * sigma_He)) - (bits - 1)
  int bias_exponent = -7;            // Fixup biases, BN beta, linear bias
  int scale_exponent = -6;           // Fixup multipliers, BN gamma
};

struct UpdatePathSpec {
  int bits = 8;  // update Delta saturates to this width before it is added
  Rounding rounding = Rounding::stochastic;
};

struct MomentumSpec {
  bool enabled = false;
  int coefficient_int = 0;  // mu = coefficient_int * 2^-coefficient_frac
  int coefficient_frac = 0;
  int buffer_bits = 16;
  Rounding rounding = Rounding::nearest;
};

struct OptimizerSpec {
  int lr_frac_bits = 16;  // eta_int = round(eta * 2^lr_frac_bits)
  int weight_decay_frac_bits = 20;  // lambda_int = round(lambda * 2^weight_decay_frac_bits)
  MomentumSpec momentum;
  // WAGEUBN-style schedule of the constant quantizer's c: (epoch_from, log2 c)
  std::vector<std::pair<double, int>> gradient_constant_schedule;
};

struct IntBatchNormSpec {
  int mean_bits = 16;
  int std_bits = 16;
  int norm_bits = 8;   // normalised value x-hat
  int eps_exp = -15;   // epsilon added to std: 2^eps_exp
  int running_momentum_log2 = 3;
};

struct Scheme {
  std::string name;
  Datapath datapath = Datapath::integer;
  QuantizerSpec A{QuantizerKind::shift, 8, Rounding::nearest};
  QuantizerSpec E{QuantizerKind::shift, 8, Rounding::nearest};
  QuantizerSpec G{QuantizerKind::constant, 8, Rounding::stochastic, 0, 7};
  WeightPathSpec W;
  UpdatePathSpec U;
  int accumulator_bits = 32;
  OptimizerSpec optimizer;
  NormKind normalization = NormKind::none;
  IntBatchNormSpec int_bn;
  bool fp32_first_last = false;  // keep the first conv and the last linear in float

  bool is_float() const { return datapath == Datapath::fp32; }
};

// Names of the built-in presets, in the order `qtsim scheme` lists them.
const std::vector<std::string>& preset_names();
// The named preset; nullopt if the name is unknown.
std::optional<Scheme> find_preset(const std::string& name);

std::string to_string(Datapath d);
std::string to_string(NormKind k);

}  // namespace qtsim::ref
