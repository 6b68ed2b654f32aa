#pragma once
// A workload: network, data set, training settings and scheme, loaded from a
// JSON file checked against workloads/schema/workload.schema.json
// (docs/WORKLOADS.md). Every problem is reported with the file, the JSON
// pointer, what was expected and what was found.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/ref/graph.hpp"
#include "models/ref/scheme.hpp"
#include "workload_source.hpp"

namespace qtsim::workload {

struct DatasetSpec {
  std::string type;                  // "fashion-mnist" or "synthetic"
  std::string path;                  // fashion-mnist directory
  std::int64_t train_limit = 0;      // fashion-mnist: first N (0: all)
  std::int64_t test_limit = 0;
  std::int64_t train_size = 0;       // synthetic
  std::int64_t test_size = 0;
  std::uint32_t seed = 1;            // synthetic
};

struct LearningRate {
  double base = 0.1;
  std::string schedule = "cosine";   // constant | cosine | step
  double warmup_epochs = 0.0;
  std::vector<double> milestones;    // step: epochs where lr *= gamma
  double gamma = 0.1;
  double final = 0.0;                // cosine: the value reached at the end
  double scalar_factor = 0.1;        // Fixup scalar biases/multipliers train at lr * scalar_factor
  // Learning rate at fractional epoch `epoch` of a run of `total_epochs`.
  double at(double epoch, double total_epochs) const;
};

struct TrainingSpec {
  std::int64_t batch_size = 1;
  std::int64_t epochs = 1;
  std::int64_t steps = 0;            // 0: all epochs
  std::int64_t eval_batch_size = 1000;
  LearningRate lr;
  double momentum = 0.9;
  double weight_decay = 0.0;
  std::uint32_t seed = 1;
};

struct Workload {
  std::string file;
  std::vector<std::string> bases;  // the base chain of a derived file, its own base first
  std::string name;
  std::string description;
  DatasetSpec dataset;
  ref::Network network;
  std::string normalization;  // batchnorm | fixup | none
  TrainingSpec training;
  ref::Scheme scheme;
  nlohmann::json source;      // the checked document (a derived file's expansion), defaults filled in
};

// Reads and checks a workload file and its bases; throws input::InputError
// listing every problem.
Workload load_workload(const std::string& path);
// Checks a file read with read_workload_source (its `expanded` may have been
// edited since): each problem names the file of the chain that wrote the value.
Workload parse_workload(WorkloadSource source);
// Checks an already parsed document (named `file` in messages).
Workload parse_workload(nlohmann::json document, const std::string& file);

}  // namespace qtsim::workload
