#include "step_feed.hpp"

#include <algorithm>
#include <stdexcept>

#include "sim/data/fashion_mnist.hpp"

namespace qtsim::hwsim {

std::int64_t training_split_size(const workload::DatasetSpec& d) {
  if (d.type == "synthetic") return d.train_size;
  const std::int64_t all = data::kFashionMnistTrainSize;
  return d.train_limit > 0 ? std::min(d.train_limit, all) : all;
}

StepFeed::StepFeed(const workload::Workload& w, const data::DatasetPair& data) : w_(w), data_(&data) {
  plan(data.train.size());
}

StepFeed::StepFeed(const workload::Workload& w) : w_(w) { plan(training_split_size(w.dataset)); }

void StepFeed::plan(std::int64_t train_size) {
  const auto& t = w_.training;
  per_epoch_ = data::train_steps_per_epoch(train_size, t.batch_size);
  planned_ = t.steps > 0 ? std::min(t.steps, t.epochs * per_epoch_) : t.epochs * per_epoch_;
  schedule_epochs_ = static_cast<double>(planned_) / static_cast<double>(per_epoch_);
}

data::Batch StepFeed::batch(std::int64_t step) const {
  if (!data_) throw std::logic_error("StepFeed::batch without data (timing mode)");
  const auto& t = w_.training;
  const auto order = data::epoch_order(data_->train.size(), t.seed, static_cast<std::uint32_t>(step / per_epoch_));
  return data::make_batch(data_->train, order, (step % per_epoch_) * t.batch_size, t.batch_size);
}

ref::StepHyper StepFeed::hyper(std::int64_t step) const {
  const auto& t = w_.training;
  const double epoch_pos = static_cast<double>(step / per_epoch_) +
                           static_cast<double>(step % per_epoch_) / static_cast<double>(per_epoch_);
  return {static_cast<std::uint32_t>(step), t.lr.at(epoch_pos, schedule_epochs_), t.momentum, t.weight_decay, epoch_pos,
          t.lr.scalar_factor};
}

}  // namespace qtsim::hwsim
