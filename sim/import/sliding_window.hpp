#pragma once
// The square window of a Conv, MaxPool or AveragePool node as qtsim's layers
// have it: one kernel size, one stride, the same padding on every side, no
// dilation. auto_pad VALID is padding 0; SAME_UPPER/SAME_LOWER are accepted
// when they pad the same on every side of the node's input.
#include <cstdint>
#include <optional>

#include "node_attributes.hpp"
#include "onnx_graph.hpp"
#include "sim/input/diagnostic.hpp"

namespace qtsim::import {

struct SlidingWindow {
  std::int64_t kernel = 1, stride = 1, padding = 0;
};

// `kernel`: the window's height and width (a Conv's weights' last two dims, a
// pool's kernel_shape); `input`: the node's input shape, if ONNX knows it.
// Reports what does not fit against the node and returns nothing.
std::optional<SlidingWindow> read_window(const OnnxNode& n, const NodeAttributes& a, const Dims& kernel,
                                         const std::optional<Dims>& input, input::DiagnosticList& diags);

// The output size of `in` through the window, rounding down (ceil_mode 0) or up.
std::int64_t window_output(std::int64_t in, const SlidingWindow& w, bool ceil_mode);

}  // namespace qtsim::import
