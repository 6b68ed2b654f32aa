#include "layer_graph.hpp"

#include <algorithm>

namespace qtsim::import {

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

}  // namespace qtsim::import
