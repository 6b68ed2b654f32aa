#pragma once
// qtsim import: an ONNX model (a network exported from PyTorch or another
// framework) to a workload file. The network's layers keep their ONNX node
// names; the weights are not imported (qtsim initialises its own, as every
// workload says). The written workload is checked by the same schema and
// loader as hand-written ones, and every layer's output shape against the
// shape ONNX infers for it, before anything is written.
#include <cstdint>
#include <string>
#include <vector>

#include "normalization_variants.hpp"
#include "sim/workload/workload.hpp"

namespace qtsim::import {

struct ImportOptions {
  std::int64_t batch = 0;  // 0: the model's own batch dimension
  NormalizationChoice normalization = NormalizationChoice::keep;
  std::string scheme;      // a preset name; "" for the default of the normalization
  std::string dataset = "synthetic";  // or "fashion-mnist"
  std::string name;        // the workload's name; "" for the model file's
};

struct ImportResult {
  std::string text;                // the workload file's contents
  workload::Workload workload;     // as the loader reads it
  std::vector<std::string> notes;  // nodes dropped, what the normalization variant changed
};

// Throws input::InputError listing every problem: with the model file, an
// unsupported node (naming it, its operator and the supported operators), a
// network the options do not fit. `out_file` names the workload in messages.
ImportResult import_onnx(const std::string& model_path, const ImportOptions& options, const std::string& out_file);

}  // namespace qtsim::import
