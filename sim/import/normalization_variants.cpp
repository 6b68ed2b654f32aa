#include "normalization_variants.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include <fmt/format.h>

#include "residual_blocks.hpp"

namespace qtsim::import {

namespace {

int count_of(const LayerGraph& g, ref::OpKind op) {
  return static_cast<int>(std::count_if(g.layers().begin(), g.layers().end(), [&](const Layer& l) { return l.op == op; }));
}

int first_of(const LayerGraph& g, ref::OpKind op) {
  for (int i = 0; i < g.size(); ++i)
    if (g.at(i).op == op) return i;
  return -1;
}

Layer scalar(ref::OpKind op, std::string name) {
  Layer l;
  l.op = op;
  l.name = std::move(name);
  return l;
}

bool has_weights(ref::OpKind op) { return op == ref::OpKind::conv2d || op == ref::OpKind::linear; }

// none: each BatchNormalization goes; the conv or linear layer it normalized gets a bias.
void remove_batchnorm(LayerGraph& g) {
  for (int i = first_of(g, ref::OpKind::batchnorm); i >= 0; i = first_of(g, ref::OpKind::batchnorm)) {
    const int producer = g.find(g.at(i).inputs[0]);
    if (producer >= 0 && has_weights(g.at(producer).op) && g.consumer_count(g.at(producer).name) == 1) g.at(producer).bias = true;
    g.bypass(i);
  }
}

// The Fixup biases and multiplier around the weight layers of one branch.
void fixup_branch(LayerGraph& g, LayerNames& names, const ResidualBlock& block, double gain) {
  const std::vector<std::string> weights = weight_layers(g, block.branch);
  std::string first_bias;
  for (std::size_t k = 0; k < weights.size(); ++k) {
    const std::string& w = weights[k];
    const Layer bias_in = scalar(ref::OpKind::bias, names.derived(w, ".bias_in"));
    if (k == 0) first_bias = bias_in.name;
    g.insert_before(g.find(w), bias_in);
    const int wi = g.find(w);
    if (k + 1 < weights.size()) {
      g.at(wi).init_gain = gain;
      g.insert_after(wi, scalar(ref::OpKind::bias, names.derived(w, ".bias")));
    } else {
      g.at(wi).init = "zeros";
      const int s = g.insert_after(wi, scalar(ref::OpKind::scale, names.derived(w, ".scale")));
      g.insert_after(s, scalar(ref::OpKind::bias, names.derived(w, ".bias")));
    }
  }
  // Fixup's reference code feeds the projection the biased block input.
  const std::vector<std::string> projection = weight_layers(g, block.shortcut);
  if (!projection.empty() && !weights.empty() && block.branch.front() == weights.front())
    for (int reader : g.consumers(block.input))
      if (g.at(reader).name != first_bias && std::find(block.shortcut.begin(), block.shortcut.end(), g.at(reader).name) != block.shortcut.end())
        g.rewire(reader, block.input, first_bias);
}

int derive_fixup(LayerGraph& g, LayerNames& names, input::DiagnosticList& diags) {
  const std::vector<ResidualBlock> blocks = find_residual_blocks(g, diags);
  if (!diags.empty()) return 0;
  if (blocks.empty()) {
    diags.add("network", "residual blocks (Fixup initialises residual branches)", "a network without an Add joining a branch and a shortcut",
              "use --normalization none to remove its BatchNormalization");
    return 0;
  }
  std::set<std::string> in_blocks;
  for (const ResidualBlock& b : blocks) {
    in_blocks.insert(b.branch.begin(), b.branch.end());
    in_blocks.insert(b.shortcut.begin(), b.shortcut.end());
  }
  for (int i = first_of(g, ref::OpKind::batchnorm); i >= 0; i = first_of(g, ref::OpKind::batchnorm)) {
    const std::string name = g.at(i).name, input = g.at(i).inputs[0];
    if (!in_blocks.count(name))
      g.insert_after(i, scalar(ref::OpKind::bias, names.derived(input == kNetworkInput ? name : input, ".bias")));
    g.bypass(i);
  }
  const auto L = static_cast<double>(blocks.size());
  for (const ResidualBlock& b : blocks) {
    const auto m = static_cast<double>(weight_layers(g, b.branch).size());
    fixup_branch(g, names, b, m >= 2 ? std::pow(L, -1.0 / (2.0 * m - 2.0)) : 1.0);
  }
  return static_cast<int>(blocks.size());
}

}  // namespace

NormalizationVariant apply_normalization(Translation& t, NormalizationChoice choice, input::DiagnosticList& diags) {
  NormalizationVariant v;
  LayerGraph& g = t.graph;
  const int bn = count_of(g, ref::OpKind::batchnorm);
  switch (choice) {
    case NormalizationChoice::keep:
      v.normalization = bn > 0 ? "batchnorm" : "none";
      if (bn == 0) v.notes.push_back("the model has no BatchNormalization: the workload's normalization is \"none\"");
      break;
    case NormalizationChoice::none:
      remove_batchnorm(g);
      v.normalization = "none";
      if (bn > 0) v.notes.push_back(fmt::format("{} BatchNormalization layers removed; the layers they normalized got a bias", bn));
      break;
    case NormalizationChoice::fixup:
      v.residual_branches = derive_fixup(g, t.names, diags);
      v.normalization = "fixup";
      if (diags.empty())
        v.notes.push_back(fmt::format("Fixup variant: {} BatchNormalization layers removed, {} residual branches given scalar "
                                      "biases and multipliers, their last weight layers start at zero",
                                      bn, v.residual_branches));
      break;
  }
  return v;
}

}  // namespace qtsim::import
