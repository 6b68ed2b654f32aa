#include "captured_tensors.hpp"

namespace qtsim::hwsim {

void CapturedTensors::record(const ref::TensorRecord& r) {
  CapturedTensor t{r.name, r.q ? std::variant<ref::QTensor, ref::FTensor>(*r.q) : std::variant<ref::QTensor, ref::FTensor>(*r.f)};
  // A name recorded twice in a step keeps its latest value (the reference
  // records some tensors again after they change, e.g. a parameter's w).
  auto [it, fresh] = index_.try_emplace(r.name, tensors_.size());
  if (fresh)
    tensors_.push_back(std::move(t));
  else
    tensors_[it->second] = std::move(t);
}

const CapturedTensor* CapturedTensors::find(const std::string& name) const {
  auto it = index_.find(name);
  return it == index_.end() ? nullptr : &tensors_[it->second];
}

}  // namespace qtsim::hwsim
