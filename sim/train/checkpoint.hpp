#pragma once
// Saves a model's parameters and normalization statistics (docs/DUMPS.md,
// "Checkpoints"): checkpoint.bin + checkpoint.json in the tensor-file format.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/ref/model.hpp"
#include "sim/util/output_folder.hpp"

namespace qtsim::train {

// The two files, named "SUBFOLDER/checkpoint.bin" and "SUBFOLDER/checkpoint.json",
// to be committed with the run's other outputs.
std::vector<util::OutputFile> checkpoint_files(const std::string& subfolder, ref::Model& model, nlohmann::ordered_json header);

}  // namespace qtsim::train
