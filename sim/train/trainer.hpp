#pragma once
// `qtsim train`: runs the reference's training loop over a workload's data
// set: epochs of shuffled full batches, test-set evaluation after each epoch,
// progress on stderr, a JSON log, a checkpoint and optional tensor dumps.
#include <cstdint>
#include <iosfwd>
#include <vector>

#include "models/ref/step_stats.hpp"
#include "sim/data/dataset.hpp"
#include "sim/util/output_folder.hpp"
#include "sim/workload/workload.hpp"

namespace qtsim::train {

struct TrainOptions {
  util::OutputFolder* out = nullptr;   // train_log.json, steps.csv and checkpoint/, committed as one set (null: none)
  util::OutputFolder* dump = nullptr;  // every tensor of every step, written as each step completes (null: no dumps)
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
  int interrupted_by = 0;  // SIGINT/SIGTERM stopped the run after steps_run steps (outputs marked partial; none if 0 steps)
};

// The training and test sets a workload names (throws input::InputError).
data::DatasetPair load_data(const workload::Workload& w);

// Checks for SIGINT/SIGTERM before every step and every evaluation batch.
TrainSummary train(const workload::Workload& w, const data::DatasetPair& data, const TrainOptions& options,
                   std::ostream& out);

}  // namespace qtsim::train
