#pragma once
// `qtsim train`: runs the reference's training loop over a workload's data
// set: epochs of shuffled full batches, test-set evaluation after each epoch,
// progress on stderr, a JSON log, a checkpoint and optional tensor dumps.
#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <vector>

#include "models/ref/step_stats.hpp"
#include "sim/data/dataset.hpp"
#include "sim/workload/workload.hpp"

namespace qtsim::train {

struct TrainOptions {
  std::filesystem::path out_dir;   // train_log.json and checkpoint/ (empty: none)
  std::filesystem::path dump_dir;  // every tensor of every step (empty: no dumps)
  std::int64_t max_steps = 0;      // stop after this many steps (0: as the workload says)
  bool progress = true;            // progress line on stderr when it is a terminal
  bool evaluate = true;            // test-set evaluation after each epoch and at the end
};

struct EpochRecord {
  std::int64_t epoch = 0;
  std::int64_t steps = 0;
  double lr_last = 0.0;
  double train_loss = 0.0, train_accuracy = 0.0;
  double test_loss = 0.0, test_accuracy = 0.0;
  bool evaluated = false;
  double seconds = 0.0;
  ref::StepStats numerics;  // saturations and faults summed over the epoch
};

struct TrainSummary {
  std::vector<EpochRecord> epochs;
  std::int64_t steps_run = 0;
  double wall_seconds = 0.0;
};

// The training and test sets a workload names (throws input::InputError).
data::DatasetPair load_data(const workload::Workload& w);

TrainSummary train(const workload::Workload& w, const data::DatasetPair& data, const TrainOptions& options,
                   std::ostream& out);

}  // namespace qtsim::train
