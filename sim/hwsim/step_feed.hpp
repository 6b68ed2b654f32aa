#pragma once
// The training steps of a workload as `qtsim train` runs them: which samples
// step s sees (epoch order, full batches) and its hyper-parameters. The
// hardware runs and validation use it so they see exactly the reference's steps.
#include <cstdint>

#include "models/ref/model.hpp"
#include "sim/data/batcher.hpp"
#include "sim/data/dataset.hpp"
#include "sim/workload/workload.hpp"

namespace qtsim::hwsim {

class StepFeed {
 public:
  StepFeed(const workload::Workload& w, const data::DatasetPair& data);
  data::Batch batch(std::int64_t step) const;
  ref::StepHyper hyper(std::int64_t step) const;
  std::int64_t planned_steps() const { return planned_; }

 private:
  const workload::Workload& w_;
  const data::DatasetPair& data_;
  std::int64_t per_epoch_ = 1, planned_ = 1;
  double schedule_epochs_ = 1.0;
};

}  // namespace qtsim::hwsim
