#pragma once
// Saves a model's parameters and normalization statistics (docs/DUMPS.md,
// "Checkpoints"): checkpoint.bin + checkpoint.json in the tensor-file format.
#include <filesystem>

#include <nlohmann/json.hpp>

#include "models/ref/model.hpp"

namespace qtsim::train {

void write_checkpoint(const std::filesystem::path& dir, ref::Model& model, nlohmann::ordered_json header);

}  // namespace qtsim::train
