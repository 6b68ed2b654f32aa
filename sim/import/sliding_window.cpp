#include "sliding_window.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace qtsim::import {

namespace {

bool all_equal(const Dims& d) { return std::adjacent_find(d.begin(), d.end(), std::not_equal_to<>()) == d.end(); }

std::string listed(const Dims& d) { return fmt::format("[{}]", fmt::join(d, ", ")); }

// SAME padding of one spatial dimension: the total that makes the output ceil(in / stride).
std::int64_t same_total(std::int64_t in, std::int64_t kernel, std::int64_t stride) {
  const std::int64_t out = (in + stride - 1) / stride;
  return std::max<std::int64_t>((out - 1) * stride + kernel - in, 0);
}

}  // namespace

std::int64_t window_output(std::int64_t in, const SlidingWindow& w, bool ceil_mode) {
  const std::int64_t span = in + 2 * w.padding - w.kernel;
  return (ceil_mode ? (span + w.stride - 1) / w.stride : span / w.stride) + 1;
}

std::optional<SlidingWindow> read_window(const OnnxNode& n, const NodeAttributes& a, const Dims& kernel,
                                         const std::optional<Dims>& input, input::DiagnosticList& diags) {
  const std::string at = node_pointer(n);
  const std::size_t before = diags.items().size();
  if (kernel.size() != 2) {
    diags.add(at, "a 2-D window (images)", fmt::format("a kernel of {} dimensions {}", kernel.size(), listed(kernel)));
    return std::nullopt;
  }
  if (!all_equal(kernel) || kernel[0] < 1)
    diags.add(at, "a square kernel (qtsim's layers have one kernel size)", "kernel " + listed(kernel));
  const Dims strides = a.integers("strides", {1, 1});
  if (strides.size() != 2 || !all_equal(strides) || strides[0] < 1)
    diags.add(at, "the same stride >= 1 along height and width", "strides " + listed(strides));
  const Dims dilations = a.integers("dilations", {1, 1});
  if (std::any_of(dilations.begin(), dilations.end(), [](std::int64_t d) { return d != 1; }))
    diags.add(at, "no dilation (dilations 1)", "dilations " + listed(dilations));
  if (diags.items().size() > before) return std::nullopt;

  SlidingWindow w{kernel[0], strides[0], 0};
  const std::string auto_pad = a.text("auto_pad", "NOTSET");
  if (auto_pad == "NOTSET") {
    const Dims pads = a.integers("pads", {0, 0, 0, 0});
    if (pads.size() != 4 || !all_equal(pads) || pads[0] < 0) {
      diags.add(at, "the same padding on every side (qtsim pads symmetrically)", "pads " + listed(pads));
      return std::nullopt;
    }
    w.padding = pads[0];
  } else if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
    if (!input || input->size() != 4 || (*input)[2] < 1 || (*input)[3] < 1) {
      diags.add(at, "an input of known height and width (to resolve auto_pad " + auto_pad + ")", "an unknown input shape");
      return std::nullopt;
    }
    const std::int64_t th = same_total((*input)[2], w.kernel, w.stride), tw = same_total((*input)[3], w.kernel, w.stride);
    if (th != tw || th % 2 != 0) {
      diags.add(at, "auto_pad " + auto_pad + " that pads every side the same",
                fmt::format("{} rows and {} columns of padding in total", th, tw));
      return std::nullopt;
    }
    w.padding = th / 2;
  } else if (auto_pad != "VALID") {
    diags.add(at, "auto_pad NOTSET, VALID, SAME_UPPER or SAME_LOWER", "\"" + auto_pad + "\"");
    return std::nullopt;
  }
  return w;
}

}  // namespace qtsim::import
