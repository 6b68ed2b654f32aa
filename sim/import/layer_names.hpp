#pragma once
// Layer names for imported layers. A layer keeps its ONNX node's name, made a
// valid workload layer name: every character other than letters, digits, '_',
// '.' and '-' becomes '.', runs of dots become one, leading and trailing dots
// go ("/layer1/layer1.0/conv1/Conv" -> "layer1.layer1.0.conv1.Conv"). A name
// longer than 64 characters keeps its last 64; a name already taken gets "_2",
// "_3", ...; an unnamed node is named after its operator and position ("Relu_7").
#include <set>
#include <string>

namespace qtsim::import {

class LayerNames {
 public:
  LayerNames();  // "input" is taken: it names the network's input
  // A unique name for the layer of ONNX node `onnx_name` (`fallback` when unnamed).
  std::string from_onnx(const std::string& onnx_name, const std::string& fallback);
  // A unique name for a layer derived from layer `base`: "<base><suffix>".
  std::string derived(const std::string& base, const std::string& suffix);

 private:
  std::string unique(std::string name);
  std::set<std::string> taken_;
};

}  // namespace qtsim::import
