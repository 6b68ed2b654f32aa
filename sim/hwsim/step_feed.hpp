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

// Samples in the training split the workload names, without loading it: a
// timing run moves no data but must see the same schedule (learning rate,
// momentum, weight decay) as an exact run, or the update kernels differ.
std::int64_t training_split_size(const workload::DatasetSpec& d);

class StepFeed {
 public:
  StepFeed(const workload::Workload& w, const data::DatasetPair& data);
  // Schedule only (timing mode): batch() must not be called.
  explicit StepFeed(const workload::Workload& w);
  data::Batch batch(std::int64_t step) const;
  ref::StepHyper hyper(std::int64_t step) const;
  std::int64_t planned_steps() const { return planned_; }

 private:
  void plan(std::int64_t train_size);

  const workload::Workload& w_;
  const data::DatasetPair* data_ = nullptr;
  std::int64_t per_epoch_ = 1, planned_ = 1;
  double schedule_epochs_ = 1.0;
};

}  // namespace qtsim::hwsim
