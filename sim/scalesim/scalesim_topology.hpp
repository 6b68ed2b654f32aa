#pragma once
// SCALE-Sim v2 convolution topology files (.csv):
//
//   Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,
//   Conv1, 229, 229, 7, 7, 3, 64, 2,
//
// The first line is a header (SCALE-Sim skips it unread; here it must not look
// like a layer). A trailing comma is tolerated (SCALE-Sim requires it), spaces
// around fields are ignored, blank lines are skipped, and a ninth field gives
// the stride along the width (SCALE-Sim v2's "Stride height, Stride width").
// As in SCALE-Sim, a layer whose name contains "DP" is depthwise: it expands
// into one layer per channel, "<name>Channel_<i>", each with one channel.
//
// SCALE-Sim's GEMM format (its `-i gemm`, topologies/GEMM_mnk) has rows
//
//   Layer, M, N, K,
//   QKT, 1024, 1024, 64,
//
// and, as SCALE-Sim does, each becomes a convolution of one M x K channel by N
// filters of 1 x K at stride 1: M output pixels, N filters, a window of K.
// The format is taken from the header (columns M, N, K) unless given.
//
// Errors name the file, the line and column, the field, what was expected and
// what was found; all at once (input::InputError, exit code 2).
//
// Output size: SCALE-Sim pads nothing and lets the last window hang over the
// edge: P = ceil((H - Fh + S) / S). The conv shape's floor formula with pad 0,
// floor((H - Fh) / S) + 1, agrees exactly when S divides H - Fh and is one
// less otherwise (e.g. H 224, Fh 7, S 2: SCALE-Sim 110, floor 109). We follow
// SCALE-Sim: the ConvShape's input is taken as (P - 1) * S + Fh rows (and
// columns), the rows the overhanging windows read, so its floor formula gives
// SCALE-Sim's P and Q and the GEMM has SCALE-Sim's dimensions.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "models/hw/mapping/conv_gemm.hpp"

namespace qtsim::scalesim {

struct TopologyLayer {
  std::string name;
  std::int64_t ifmap_h = 1, ifmap_w = 1, filter_h = 1, filter_w = 1, channels = 1, filters = 1;
  std::int64_t stride_h = 1, stride_w = 1;
  int line = 0;  // where it was read

  // SCALE-Sim's output size (ceil formula).
  std::int64_t ofmap_h() const { return (ifmap_h - filter_h + stride_h + stride_h - 1) / stride_h; }
  std::int64_t ofmap_w() const { return (ifmap_w - filter_w + stride_w + stride_w - 1) / stride_w; }
  std::int64_t window() const { return filter_h * filter_w * channels; }
  std::int64_t macs() const { return ofmap_h() * ofmap_w() * filters * window(); }
  // The forward GEMM: M = output pixels, N = filters, K = window.
  hw::GemmDims gemm() const { return {ofmap_h() * ofmap_w(), filters, window()}; }
  // One image, no padding, input extended to the rows the windows read (see above).
  hw::ConvShape conv_shape() const;
};

enum class TopologyFormat { from_header, conv, gemm };

std::vector<TopologyLayer> parse_topology(std::string_view text, const std::string& file,
                                          TopologyFormat format = TopologyFormat::from_header);
std::vector<TopologyLayer> load_topology(const std::string& path, TopologyFormat format = TopologyFormat::from_header);

}  // namespace qtsim::scalesim
