#pragma once
// The workload file `qtsim import` writes: the imported layers, and the data
// set, training settings and scheme of a shipped workload of the same
// normalization (docs/WORKLOADS.md, "Importing ONNX models").
#include <array>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "layer_graph.hpp"

namespace qtsim::import {

struct WorkloadSettings {
  std::string name, description;
  std::array<std::int64_t, 3> input{};  // C, H, W of one sample
  std::int64_t classes = 0;
  std::string dataset;                  // "synthetic" or "fashion-mnist"
  std::int64_t batch = 1;
  std::string normalization;            // the workload's: "batchnorm", "fixup" or "none"
  std::string scheme;                   // a preset name
  nlohmann::ordered_json source;        // where the network came from
};

// The scheme preset a network of this normalization gets unless --scheme says
// otherwise: fp32-bn with batchnorm, int8-eoq without (as the shipped workloads).
std::string default_scheme(const std::string& normalization);

nlohmann::ordered_json workload_document(const LayerGraph& g, const WorkloadSettings& s);

}  // namespace qtsim::import
