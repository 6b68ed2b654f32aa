#include "checkpoint.hpp"

#include "tensor_file.hpp"

namespace qtsim::train {

std::vector<util::OutputFile> checkpoint_files(const std::string& subfolder, ref::Model& model, nlohmann::ordered_json header) {
  TensorFileBuilder b;
  for (const auto& p : model.parameters()) {
    if (p.is_float) {
      b.add(p.name + "/value", p.value);
      b.add(p.name + "/velocity", p.velocity);
      continue;
    }
    b.add(p.name + "/w", p.w);
    if (p.master.bits != p.w.bits) b.add(p.name + "/master", p.master);
    if (p.has_velocity) b.add(p.name + "/v", p.velocity_q);
  }
  const auto& nodes = model.network().nodes;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    if (nodes[i].op != ref::OpKind::batchnorm) continue;
    if (model.node_is_float(static_cast<int>(i))) {
      b.add(nodes[i].name + "/running_mean", model.float_bn_state()[i].running_mean);
      b.add(nodes[i].name + "/running_var", model.float_bn_state()[i].running_var);
    } else {
      b.add(nodes[i].name + "/running_mean", model.int_bn_state()[i].mean, ref::kIntBnRunningMeanExp);
      b.add(nodes[i].name + "/running_var", model.int_bn_state()[i].var, ref::kIntBnRunningVarExp);
    }
  }
  header["format"] = "qtsim-checkpoint";
  header["version"] = 1;
  header["file"] = "checkpoint.bin";
  header["tensors"] = b.entries();
  return {{subfolder + "/checkpoint.bin", b.bytes()}, {subfolder + "/checkpoint.json", header.dump(1) + "\n"}};
}

}  // namespace qtsim::train
