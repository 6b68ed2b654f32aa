#include "workload_document.hpp"

namespace qtsim::import {

using nlohmann::ordered_json;

namespace {

std::string type_of(ref::OpKind op) {
  switch (op) {
    case ref::OpKind::conv2d: return "conv";
    case ref::OpKind::linear: return "linear";
    case ref::OpKind::relu: return "relu";
    case ref::OpKind::maxpool: return "maxpool";
    case ref::OpKind::avgpool: return "avgpool";
    case ref::OpKind::global_avgpool: return "global_avgpool";
    case ref::OpKind::add: return "add";
    case ref::OpKind::flatten: return "flatten";
    case ref::OpKind::batchnorm: return "batchnorm";
    case ref::OpKind::bias: return "bias";
    case ref::OpKind::scale: return "scale";
    case ref::OpKind::input: break;
  }
  return "?";
}

ordered_json layer_json(const Layer& l, const std::string& previous) {
  ordered_json j;
  j["type"] = type_of(l.op);
  j["name"] = l.name;
  if (l.op == ref::OpKind::add) {
    j["inputs"] = l.inputs;
    return j;
  }
  if (l.inputs.at(0) != previous) j["input"] = l.inputs[0];
  switch (l.op) {
    case ref::OpKind::conv2d:
      j["out_channels"] = l.out_channels;
      j["kernel"] = l.kernel;
      j["stride"] = l.stride;
      j["padding"] = l.padding;
      if (l.groups != 1) j["groups"] = l.groups;
      if (l.bias) j["bias"] = true;
      if (!l.init.empty()) j["init"] = l.init;
      if (l.init_gain != 1.0) j["init_gain"] = l.init_gain;
      break;
    case ref::OpKind::linear:
      j["out_features"] = l.out_features;
      j["bias"] = l.bias;
      if (!l.init.empty()) j["init"] = l.init;
      if (l.init_gain != 1.0) j["init_gain"] = l.init_gain;
      break;
    case ref::OpKind::maxpool:
    case ref::OpKind::avgpool:
      j["kernel"] = l.kernel;
      j["stride"] = l.stride;
      j["padding"] = l.padding;
      break;
    case ref::OpKind::batchnorm:
      j["eps"] = l.bn_eps;
      j["momentum"] = l.bn_momentum;
      break;
    default: break;
  }
  return j;
}

// As the shipped workloads: with batchnorm SGD with momentum 0.9 at 0.1 per 256
// samples (the ImageNet ResNets'); without, plain SGD at 0.01 (the Fixup and
// the normalization-free ones). Synthetic data: four training batches and one
// test batch; Fashion-MNIST: five epochs.
ordered_json training(const WorkloadSettings& s) {
  const bool bn = s.normalization == "batchnorm";
  ordered_json t;
  t["batch_size"] = s.batch;
  t["eval_batch_size"] = s.batch;
  t["epochs"] = s.dataset == "fashion-mnist" ? 5 : 1;
  t["lr"] = {{"base", bn ? 0.1 * static_cast<double>(s.batch) / 256.0 : 0.01}, {"schedule", "cosine"}};
  t["momentum"] = bn ? 0.9 : 0.0;
  t["weight_decay"] = 0;
  t["seed"] = 1;
  return t;
}

ordered_json dataset(const WorkloadSettings& s) {
  if (s.dataset == "fashion-mnist") return {{"type", "fashion-mnist"}};
  return {{"type", "synthetic"}, {"train_size", 4 * s.batch}, {"test_size", s.batch}, {"seed", 7}};
}

}  // namespace

std::string default_scheme(const std::string& normalization) { return normalization == "batchnorm" ? "fp32-bn" : "int8-eoq"; }

ordered_json workload_document(const LayerGraph& g, const WorkloadSettings& s) {
  ordered_json layers = ordered_json::array();
  std::string previous = kNetworkInput;
  for (const Layer& l : g.layers()) {
    layers.push_back(layer_json(l, previous));
    previous = l.name;
  }
  ordered_json w;
  w["name"] = s.name;
  w["description"] = s.description;
  w["source"] = s.source;
  w["input"] = {{"shape", s.input}, {"classes", s.classes}};
  w["dataset"] = dataset(s);
  w["network"] = {{"normalization", s.normalization}, {"layers", std::move(layers)}};
  w["training"] = training(s);
  w["scheme"] = s.scheme;
  return w;
}

}  // namespace qtsim::import
