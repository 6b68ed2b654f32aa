#pragma once
// A TensorSink that keeps a copy of every tensor of a step, in recording
// order: the reference's side and the hardware's side of a validation.
#include <map>
#include <string>
#include <variant>
#include <vector>

#include "models/ref/tensor_sink.hpp"

namespace qtsim::hwsim {

struct CapturedTensor {
  std::string name;
  std::variant<ref::QTensor, ref::FTensor> value;
};

class CapturedTensors : public ref::TensorSink {
 public:
  void record(const ref::TensorRecord& r) override;
  const std::vector<CapturedTensor>& all() const { return tensors_; }
  const CapturedTensor* find(const std::string& name) const;
  void clear() {
    tensors_.clear();
    index_.clear();
  }

 private:
  std::vector<CapturedTensor> tensors_;
  std::map<std::string, std::size_t> index_;
};

}  // namespace qtsim::hwsim
