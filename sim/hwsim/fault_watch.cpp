#include "fault_watch.hpp"

#include <cmath>

namespace qtsim::hwsim {

void FaultWatch::record(const ref::TensorRecord& r) {
  if (first_ || !r.f) return;
  for (std::size_t i = 0; i < r.f->size(); ++i)
    if (!std::isfinite(r.f->data[i])) {
      first_ = FloatFault{r.name, i, std::isnan(r.f->data[i]) ? "NaN" : "Inf"};
      return;
    }
}

std::optional<FloatFault> FaultWatch::take() {
  auto f = first_;
  first_.reset();
  return f;
}

}  // namespace qtsim::hwsim
