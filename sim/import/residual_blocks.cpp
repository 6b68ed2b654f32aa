#include "residual_blocks.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace qtsim::import {

namespace {

bool is_weight(ref::OpKind op) { return op == ref::OpKind::conv2d || op == ref::OpKind::linear; }

struct Path {
  std::string start;               // where it begins: the first tensor read by more than one layer
  std::vector<std::string> layers;  // from `start` (exclusive) to the add (exclusive)
};

// Back from `from` through layers with one input and this path as their only reader.
Path trace_back(const LayerGraph& g, const std::string& from) {
  Path p;
  std::string at = from;
  while (true) {
    const int i = g.find(at);
    if (i < 0 || g.consumer_count(at) != 1 || g.at(i).inputs.size() != 1) break;
    p.layers.push_back(at);
    at = g.at(i).inputs[0];
  }
  p.start = at;
  std::reverse(p.layers.begin(), p.layers.end());
  return p;
}

}  // namespace

std::vector<std::string> weight_layers(const LayerGraph& g, const std::vector<std::string>& path) {
  std::vector<std::string> out;
  for (const std::string& name : path)
    if (const int i = g.find(name); i >= 0 && is_weight(g.at(i).op)) out.push_back(name);
  return out;
}

std::vector<ResidualBlock> find_residual_blocks(const LayerGraph& g, input::DiagnosticList& diags) {
  std::vector<ResidualBlock> blocks;
  for (const Layer& l : g.layers()) {
    if (l.op != ref::OpKind::add) continue;
    const Path a = trace_back(g, l.inputs[0]), b = trace_back(g, l.inputs[1]);
    if (a.start != b.start) {
      diags.add(l.onnx_node, "a residual join: an Add of a branch and a shortcut that start at the same tensor",
                fmt::format("paths starting at '{}' and '{}'", a.start, b.start));
      continue;
    }
    const std::size_t wa = weight_layers(g, a.layers).size(), wb = weight_layers(g, b.layers).size();
    if (wa == wb || std::min(wa, wb) > 1) {
      diags.add(l.onnx_node, "a residual join whose shortcut has fewer weight layers than its branch, and at most one",
                fmt::format("{} and {} weight layers", wa, wb));
      continue;
    }
    const bool a_is_branch = wa > wb;
    blocks.push_back({l.name, a.start, a_is_branch ? a.layers : b.layers, a_is_branch ? b.layers : a.layers});
  }
  return blocks;
}

}  // namespace qtsim::import
