#pragma once
// Private to the Model implementation: the state of one forward/backward pass
// and the conversions between float and integer values at domain boundaries.
#include <optional>
#include <string>
#include <vector>

#include "model.hpp"
#include "ops/batchnorm.hpp"
#include "random_bits.hpp"

namespace qtsim::ref {

struct Model::Pass {
  const FTensor* images = nullptr;
  std::uint32_t step = 0;
  bool training = true;
  TensorSink* sink = nullptr;
  int gradient_constant_log2 = 7;

  std::vector<Value> values;                                  // forward output of each node
  std::vector<std::vector<std::int64_t>> argmax;              // max-pool nodes
  std::vector<FloatBatchNormSaved> float_bn_saved;
  std::vector<IntBatchNormSaved> int_bn_saved;
  std::vector<std::vector<Value>> error_contributions;        // per node: errors from its consumers
  std::vector<std::optional<FTensor>> float_grads;            // per parameter
  std::vector<std::optional<QTensor>> int_grads;              // per parameter
  StepStats stats;

  RandomStream stream(std::uint32_t tensor_id, RandomPurpose purpose) const {
    return {seed, stream_id(step, tensor_id, purpose)};
  }
  std::uint32_t seed = 0;

  void record(const std::string& name, const QTensor& q, const QuantStats* st = nullptr) const {
    if (sink) sink->record({name, &q, nullptr, st});
  }
  void record(const std::string& name, const FTensor& f) const {
    if (sink) sink->record({name, nullptr, &f, nullptr});
  }
  // Notes the first NaN/Inf of a float tensor.
  void check_finite(const std::string& name, const FTensor& f);
};

}  // namespace qtsim::ref
