#include "network_variants.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include "residual_blocks.hpp"

namespace qtsim::workload {

namespace {

int first_of(const LayerGraph& g, ref::OpKind op) {
  for (int i = 0; i < g.size(); ++i)
    if (g.at(i).op == op) return i;
  return -1;
}

Layer scalar(const LayerGraph& g, ref::OpKind op, const std::string& wanted_name) {
  Layer l;
  l.op = op;
  l.name = g.unused_name(wanted_name);
  return l;
}

bool has_weights(ref::OpKind op) { return op == ref::OpKind::conv2d || op == ref::OpKind::linear; }

void remove_batchnorm(LayerGraph& g) {
  for (int i = first_of(g, ref::OpKind::batchnorm); i >= 0; i = first_of(g, ref::OpKind::batchnorm)) {
    const int producer = g.find(g.at(i).inputs[0]);
    if (producer >= 0 && has_weights(g.at(producer).op) && g.consumer_count(g.at(producer).name) == 1) g.at(producer).bias = true;
    g.bypass(i);
  }
}

// The Fixup biases and multiplier around the weight layers of one branch.
void fixup_branch(LayerGraph& g, const ResidualBlock& block, double gain) {
  const std::vector<std::string> weights = weight_layers(g, block.branch);
  std::string first_bias;
  for (std::size_t k = 0; k < weights.size(); ++k) {
    const std::string& w = weights[k];
    const Layer bias_in = scalar(g, ref::OpKind::bias, w + ".bias_in");
    if (k == 0) first_bias = bias_in.name;
    g.insert_before(g.find(w), bias_in);
    const int wi = g.find(w);
    if (k + 1 < weights.size()) {
      g.at(wi).weight_init.gain *= gain;
      g.insert_after(wi, scalar(g, ref::OpKind::bias, w + ".bias"));
    } else {
      g.at(wi).weight_init = {ref::InitKind::zeros, 1.0};
      const int s = g.insert_after(wi, scalar(g, ref::OpKind::scale, w + ".scale"));
      g.insert_after(s, scalar(g, ref::OpKind::bias, w + ".bias"));
    }
  }
  // Fixup's reference code feeds the projection the biased block input.
  if (!weight_layers(g, block.shortcut).empty() && !weights.empty() && block.branch.front() == weights.front())
    for (int reader : g.consumers(block.input))
      if (std::find(block.shortcut.begin(), block.shortcut.end(), g.at(reader).name) != block.shortcut.end())
        g.rewire(reader, block.input, first_bias);
}

void derive_fixup(LayerGraph& g, const std::string& network_pointer, input::DiagnosticList& diags) {
  const std::vector<ResidualBlock> blocks = find_residual_blocks(g, diags);
  if (!diags.empty()) return;
  if (blocks.empty()) {
    diags.add(network_pointer, "residual blocks for a Fixup variant (Fixup initialises residual branches)",
              "a network without an add joining a branch and a shortcut", "use normalization \"none\" to remove its batchnorm");
    return;
  }
  std::set<std::string> in_blocks;
  for (const ResidualBlock& b : blocks) {
    in_blocks.insert(b.branch.begin(), b.branch.end());
    in_blocks.insert(b.shortcut.begin(), b.shortcut.end());
  }
  for (int i = first_of(g, ref::OpKind::batchnorm); i >= 0; i = first_of(g, ref::OpKind::batchnorm)) {
    const std::string name = g.at(i).name, input = g.at(i).inputs[0];
    if (!in_blocks.count(name))
      g.insert_after(i, scalar(g, ref::OpKind::bias, (input == kNetworkInput ? name : input) + ".bias"));
    g.bypass(i);
  }
  const auto L = static_cast<double>(blocks.size());
  for (const ResidualBlock& b : blocks) {
    const auto m = static_cast<double>(weight_layers(g, b.branch).size());
    fixup_branch(g, b, m >= 2 ? std::pow(L, -1.0 / (2.0 * m - 2.0)) : 1.0);
  }
}

}  // namespace

void derive_normalization(LayerGraph& g, const std::string& target, const std::string& network_pointer,
                          input::DiagnosticList& diags) {
  if (target == "none") remove_batchnorm(g);
  if (target == "fixup") derive_fixup(g, network_pointer, diags);
}

}  // namespace qtsim::workload
