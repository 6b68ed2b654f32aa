#include "layer_graph.hpp"

#include <algorithm>
#include <map>

namespace qtsim::workload {

int LayerGraph::find(const std::string& name) const {
  for (int i = 0; i < size(); ++i)
    if (at(i).name == name) return i;
  return -1;
}

std::vector<int> LayerGraph::consumers(const std::string& name) const {
  std::vector<int> out;
  for (int i = 0; i < size(); ++i)
    if (std::find(at(i).inputs.begin(), at(i).inputs.end(), name) != at(i).inputs.end()) out.push_back(i);
  return out;
}

int LayerGraph::consumer_count(const std::string& name) const {
  int n = 0;
  for (const Layer& l : layers_) n += static_cast<int>(std::count(l.inputs.begin(), l.inputs.end(), name));
  return n + (!layers_.empty() && layers_.back().name == name ? 1 : 0);
}

std::string LayerGraph::unused_name(const std::string& wanted) const {
  std::string name = wanted;
  for (int k = 2; name == kNetworkInput || find(name) >= 0; ++k) name = wanted + "_" + std::to_string(k);
  return name;
}

void LayerGraph::rewire(int consumer, const std::string& from, const std::string& to) {
  for (std::string& in : at(consumer).inputs)
    if (in == from) in = to;
}

void LayerGraph::bypass(int i) {
  const std::string name = at(i).name, source = at(i).inputs.at(0);
  for (int c : consumers(name)) rewire(c, name, source);
  layers_.erase(layers_.begin() + i);
}

int LayerGraph::insert_after(int i, Layer l) {
  const std::string name = at(i).name;
  const std::vector<int> readers = consumers(name);
  l.inputs = {name};
  for (int c : readers) rewire(c, name, l.name);
  layers_.insert(layers_.begin() + i + 1, std::move(l));
  return i + 1;
}

int LayerGraph::insert_before(int i, Layer l) {
  l.inputs = {at(i).inputs.at(0)};
  at(i).inputs[0] = l.name;
  layers_.insert(layers_.begin() + i, std::move(l));
  return i;
}

LayerGraph layer_graph_of(const ref::Network& net) {
  LayerGraph g;
  for (std::size_t i = 1; i < net.nodes.size(); ++i) {
    const ref::Node& n = net.nodes[i];
    Layer l;
    l.op = n.op;
    l.name = n.name;
    for (int in : n.inputs) l.inputs.push_back(net.nodes[static_cast<std::size_t>(in)].name);
    l.origin = n.origin;
    l.out_channels = n.out_channels;
    l.out_features = n.out_features;
    l.kernel = n.kernel;
    l.stride = n.stride;
    l.padding = n.padding;
    l.groups = n.groups;
    l.bias = n.has_bias;
    l.bn_eps = n.bn_eps;
    l.bn_momentum = n.bn_momentum;
    l.weight_init = n.weight_init;
    g.append(std::move(l));
  }
  return g;
}

ref::Network network_of(const LayerGraph& g, const ref::Shape& input, int classes) {
  ref::Network net;
  net.input = input;
  net.classes = classes;
  ref::Node in;
  in.name = kNetworkInput;
  in.op = ref::OpKind::input;
  net.nodes.push_back(in);
  std::map<std::string, int> index{{kNetworkInput, 0}};
  for (const Layer& l : g.layers()) {
    ref::Node n;
    n.name = l.name;
    n.op = l.op;
    for (const std::string& from : l.inputs) n.inputs.push_back(index.at(from));
    n.origin = l.origin;
    n.out_channels = l.out_channels;
    n.out_features = l.out_features;
    n.kernel = l.kernel;
    n.stride = l.stride;
    n.padding = l.padding;
    n.groups = l.groups;
    n.has_bias = l.bias;
    n.bn_eps = l.bn_eps;
    n.bn_momentum = l.bn_momentum;
    n.weight_init = l.weight_init;
    index[l.name] = static_cast<int>(net.nodes.size());
    net.nodes.push_back(std::move(n));
  }
  return net;
}

}  // namespace qtsim::workload
