#pragma once
// Building networks node by node in reference tests.
#include <string>
#include <utility>
#include <vector>

#include "models/ref/graph.hpp"

namespace qtsim::ref::test {

// A node of type `op` named `name` reading `inputs` (earlier nodes' indices).
inline Node node_of(const std::string& name, OpKind op, std::vector<int> inputs) {
  Node n;
  n.name = name;
  n.op = op;
  n.inputs = std::move(inputs);
  return n;
}

}  // namespace qtsim::ref::test
