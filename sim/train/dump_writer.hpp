#pragma once
// Writes every tensor of every training step to a folder (docs/DUMPS.md):
// step_NNNNNN.bin per step and index.json describing all steps so far. The
// previous run's dump files are removed first; each file is written
// atomically when its step completes, so the folder always holds a
// consistent dump of the steps finished (an interrupted run's index.json is
// then marked partial).
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "models/ref/tensor_sink.hpp"
#include "sim/util/output_folder.hpp"
#include "tensor_file.hpp"

namespace qtsim::train {

class DumpWriter : public ref::TensorSink {
 public:
  // `header` goes into index.json as is (workload, scheme, seed ...).
  DumpWriter(util::OutputFolder& folder, nlohmann::ordered_json header);
  void begin_step(std::uint32_t step);
  void record(const ref::TensorRecord& r) override;
  // Writes the step's .bin and the updated index.json.
  void end_step();
  // Rewrites index.json with "partial": {"interrupted_by": signal, "steps_completed": n}.
  void mark_partial(const std::string& signal);

 private:
  util::OutputFolder& folder_;
  nlohmann::ordered_json index_;
  std::uint32_t step_ = 0;
  TensorFileBuilder current_;
};

}  // namespace qtsim::train
