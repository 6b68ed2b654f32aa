#pragma once
// Where the reference reports every tensor of a training step (forward
// outputs, errors, gradients, updates, updated weights), for dumps and for the
// hardware model's validation. Names are documented in docs/DUMPS.md.
#include <string>

#include "quantizer.hpp"
#include "tensor.hpp"

namespace qtsim::ref {

struct TensorRecord {
  std::string name;              // "<node>/y", "<node>/dy", "<param>/g", ...
  const QTensor* q = nullptr;    // exactly one of q, f is set
  const FTensor* f = nullptr;
  const QuantStats* stats = nullptr;  // the quantization that produced it, if any
};

class TensorSink {
 public:
  virtual ~TensorSink() = default;
  virtual void record(const TensorRecord& r) = 0;
};

}  // namespace qtsim::ref
