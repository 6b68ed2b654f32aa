#pragma once
// Writes every tensor of every training step to a directory (docs/DUMPS.md):
// step_NNNNNN.bin per step and index.json describing all steps so far. Each
// file is written atomically when its step completes, so an interrupted run
// leaves a consistent, shorter dump.
#include <cstdint>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "models/ref/tensor_sink.hpp"
#include "tensor_file.hpp"

namespace qtsim::train {

class DumpWriter : public ref::TensorSink {
 public:
  // `header` goes into index.json as is (workload, scheme, seed ...).
  DumpWriter(std::filesystem::path dir, nlohmann::ordered_json header);
  void begin_step(std::uint32_t step);
  void record(const ref::TensorRecord& r) override;
  // Writes the step's .bin and the updated index.json.
  void end_step();

 private:
  std::filesystem::path dir_;
  nlohmann::ordered_json index_;
  std::uint32_t step_ = 0;
  TensorFileBuilder current_;
};

}  // namespace qtsim::train
