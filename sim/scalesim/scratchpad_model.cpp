#include "scratchpad_model.hpp"

#include <algorithm>
#include <cstdint>
#include <deque>
#include <stdexcept>
#include <string>
#include <vector>

namespace qtsim::scalesim {

namespace {

using i64 = std::int64_t;

i64 ceil_div(i64 a, i64 b) { return (a + b - 1) / b; }

// The layer's operand addresses as SCALE-Sim's operand_matrix.py numbers them,
// without the per-operand offsets (each buffer sees only its own operand):
//   ifmap im2col (pixel p, window element j): the input word under element j
//     of p's window, ((row)*W + col)*C + channel, or -1 where the window hangs
//     over the bottom or right edge (SCALE-Sim's output size lets it);
//   filter (window element j, filter f): f*window + j.
// The ofmap buffer never looks at addresses, only at how many there are.
class OperandAddresses {
 public:
  explicit OperandAddresses(const TopologyLayer& l)
      : ifmap_h_(l.ifmap_h), ifmap_w_(l.ifmap_w), channels_(l.channels), pixels_(l.ofmap_h() * l.ofmap_w()),
        window_(l.window()), filters_(l.filters) {
    // Precomputed so that an address costs two loads, not four divisions.
    pixel_origin_.reserve(static_cast<std::size_t>(pixels_));
    for (i64 p = 0; p < pixels_; ++p) {
      const i64 row = p / l.ofmap_w() * l.stride_h, col = p % l.ofmap_w() * l.stride_w;
      pixel_origin_.push_back({row, col, (row * ifmap_w_ + col) * channels_});
    }
    window_offset_.reserve(static_cast<std::size_t>(window_));
    for (i64 j = 0; j < window_; ++j) {
      const i64 row = j / (l.filter_w * channels_), col = j % (l.filter_w * channels_) / channels_;
      window_offset_.push_back({row, col, (row * ifmap_w_ + col) * channels_ + j % channels_});
    }
  }

  i64 pixels() const { return pixels_; }
  i64 window() const { return window_; }
  i64 filters() const { return filters_; }
  i64 ifmap_space() const { return ifmap_h_ * ifmap_w_ * channels_; }
  i64 filter_space() const { return window_ * filters_; }

  i64 ifmap(i64 pixel, i64 element) const {
    const Place& p = pixel_origin_[static_cast<std::size_t>(pixel)];
    const Place& w = window_offset_[static_cast<std::size_t>(element)];
    if (p.row + w.row >= ifmap_h_ || p.col + w.col >= ifmap_w_) return -1;
    return p.address + w.address;
  }
  i64 filter(i64 element, i64 filter) const { return filter * window_ + element; }

 private:
  struct Place {
    i64 row, col, address;
  };
  i64 ifmap_h_, ifmap_w_, channels_, pixels_, window_, filters_;
  std::vector<Place> pixel_origin_;   // per output pixel: top-left input row, column, address
  std::vector<Place> window_offset_;  // per window element: row, column, address offset
};

// A prefetch matrix (systolic_compute_*.py, create_*_prefetch_mat): `blocks`
// fold blocks of block_rows x width entries stacked vertically, null (-1)
// entries padding a partial fold, read row by row or along anti-diagonals
// (SCALE-Sim's "roll out along the diagonal": diagonal d from its bottom row
// up, i.e. with rising column).
struct PrefetchShape {
  i64 blocks = 0, block_rows = 0, width = 0;
  bool diagonal = false;
  i64 entries() const { return blocks * block_rows * width; }
};

// Calls visit(address) for every valid entry of the prefetch matrix in fetch order.
template <typename Entry, typename Visit>
void for_each_prefetch(const PrefetchShape& s, const Entry& entry, const Visit& visit) {
  const i64 rows = s.blocks * s.block_rows;
  auto at = [&](i64 row, i64 col) {
    const i64 a = entry(row / s.block_rows, row % s.block_rows, col);
    if (a >= 0) visit(a);
  };
  if (!s.diagonal) {
    for (i64 row = 0; row < rows; ++row)
      for (i64 col = 0; col < s.width; ++col) at(row, col);
    return;
  }
  for (i64 d = 0; d + 1 < rows + s.width; ++d)
    for (i64 row = std::min(d, rows - 1), low = std::max<i64>(0, d - s.width + 1); row >= low; --row) at(row, d - row);
}

// SCALE-Sim's read_buffer.py in USER mode, restated.
//
// Sizes: S words, active half ceil(S/2), prefetch half S - ceil(S/2). The
// contents are tracked in "lines" (SCALE-Sim's hashed buffer): consecutive
// runs of ceil(S/100) valid prefetch entries, counting repeats (an im2col
// address appears once per window that reads it), so the k-th valid entry is
// in line k / ceil(S/100); there are floor(valid / ceil(S/100)) + 1 lines
// (the last possibly empty). The active window holds ceil(active /
// line_words) lines (or all), the prefetch half ceil(prefetch / line_words)
// (or what is left); the window starts at line 0 and wraps around the end.
//
// Hit: any line of the window holds the address. Miss: repeat "new prefetch"
// until it hits; each moves the window by the prefetch half's lines, costs
// ceil(S_prefetch / B) DRAM lines of B words and completes that many cycles
// plus one after the previous prefetch (read_port adds one cycle of latency).
// The first fetch (the active half, or the whole matrix if smaller) is timed
// to complete at cycle -1 and reads min(ceil(active / B), matrix lines) lines.
// What a prefetch actually fetches from DRAM (SCALE-Sim's next-line index,
// which does not advance past its second value) does not enter the hit check
// nor the timing, so it is not modelled.
class ReadBuffer {
 public:
  template <typename Entry>
  ReadBuffer(i64 size_words, i64 bandwidth, i64 address_space, const PrefetchShape& shape, const Entry& entry)
      : bandwidth_(bandwidth) {
    const i64 line_words = ceil_div(size_words, 100);
    const i64 active_words = ceil_div(size_words, 2);
    const i64 prefetch_words = size_words - active_words;

    // Per address, the lines holding it, in rising order (CSR layout): count,
    // prefix-sum, then fill, with seen_at_move as the fill cursor meanwhile.
    by_address_.assign(static_cast<std::size_t>(address_space) + 1, AddressLines{});
    i64 valid = 0;
    for_each_prefetch(shape, entry, [&](i64 a) {
      ++by_address_[static_cast<std::size_t>(a) + 1].first;
      ++valid;
    });
    if (valid >= (i64{1} << 32)) throw std::invalid_argument("scratchpad model: operand matrix too large");
    for (std::size_t a = 1; a < by_address_.size(); ++a) by_address_[a].first += by_address_[a - 1].first;
    for (AddressLines& e : by_address_) e.seen_at_move = e.first;
    lines_.resize(static_cast<std::size_t>(valid));
    i64 k = 0;
    for_each_prefetch(shape, entry, [&](i64 a) {
      lines_[by_address_[static_cast<std::size_t>(a)].seen_at_move++] = static_cast<std::uint32_t>(k++ / line_words);
    });
    for (AddressLines& e : by_address_) e.seen_at_move = 0;

    num_lines_ = valid / line_words + 1;
    active_lines_ = std::min(ceil_div(active_words, line_words), num_lines_);
    prefetch_lines_ = std::min(ceil_div(prefetch_words, line_words), num_lines_ - active_lines_);

    prefetch_dram_lines_ = ceil_div(prefetch_words, bandwidth);
    const i64 first_lines = std::min(ceil_div(active_words, bandwidth), ceil_div(shape.entries(), bandwidth));
    dram_reads_ = first_lines * bandwidth;
    last_prefetch_done_ = -1;
  }

  // Serves one demanded address; true if it issued prefetches.
  bool serve(i64 address) {
    if (hits(address)) return false;
    // SCALE-Sim would loop for ever if the address never came into the
    // window; windows that overlap or touch (active half >= prefetch half)
    // cover every line within this many moves.
    const i64 max_moves = prefetch_lines_ > 0 ? num_lines_ / prefetch_lines_ + 2 : 0;
    for (i64 moved = 0; moved < max_moves; ++moved) {
      window_start_ = (window_start_ + prefetch_lines_) % num_lines_;
      if (++moves_ == UINT32_MAX) {  // keep stamps unambiguous
        moves_ = 0;
        for (AddressLines& e : by_address_) e.seen_at_move = 0;
      }
      last_prefetch_done_ += prefetch_dram_lines_ + 1;
      dram_reads_ += prefetch_dram_lines_ * bandwidth_;
      if (hits(address)) return true;
    }
    throw std::logic_error("scratchpad model: demanded address " + std::to_string(address) +
                           " is never in the read buffer's window");
  }

  i64 last_prefetch_done() const { return last_prefetch_done_; }
  i64 dram_reads() const { return dram_reads_; }

 private:
  bool hits(i64 address) {
    AddressLines& entry = by_address_[static_cast<std::size_t>(address)];
    // Most demands re-read an address already found since the window last
    // moved; the stamp skips the search (and its cache misses) for them.
    if (entry.seen_at_move == moves_ + 1) return true;
    const std::uint32_t* line = lines_.data() + entry.first;
    const std::uint32_t* const end = lines_.data() + by_address_[static_cast<std::size_t>(address) + 1].first;
    // An address is in at most window-size lines (once per window reading it,
    // or once per fold block), so a branch-free scan beats a binary search:
    // line l is in the window iff (l - start) mod num_lines < active lines.
    bool hit = false;
    for (; line != end; ++line) {
      i64 from_start = static_cast<i64>(*line) - window_start_;
      from_start += from_start < 0 ? num_lines_ : 0;
      hit |= from_start < active_lines_;
    }
    if (hit) entry.seen_at_move = moves_ + 1;
    return hit;
  }

  struct AddressLines {
    std::uint32_t first = 0;         // where the address's lines start in lines_
    std::uint32_t seen_at_move = 0;  // 1 + window moves when last found in the window, 0: not yet
  };
  i64 bandwidth_;
  std::vector<AddressLines> by_address_;  // per address, and one past the last
  std::vector<std::uint32_t> lines_;      // lines holding each address, grouped by address, rising
  std::uint32_t moves_ = 0;               // window moves so far
  i64 num_lines_ = 1, active_lines_ = 1, prefetch_lines_ = 0;
  i64 window_start_ = 0;
  i64 prefetch_dram_lines_ = 1;
  i64 last_prefetch_done_ = -1;
  i64 dram_reads_ = 0;
};

// SCALE-Sim's write_buffer.py, restated. S words, active half ceil(S/2),
// drain half S - ceil(S/2). Writes fill lines of B words; the buffer counts
// free words. After each write: if a drain is under way (cycle < its end) and
// no word is free, the write waits until the drain ends; otherwise, if more
// than the drain half is occupied, the partly filled line is closed and a
// drain starts at this cycle: the next ceil(S_drain / B) closed lines, one per
// cycle. A drain frees B words per line, less the null padding of its last
// line only: a partial line closed by an earlier drain and drained in the
// middle of a later one frees the full B words (SCALE-Sim's quirk, kept). A
// write that waited does not start a drain itself; the next write does.
class WriteBuffer {
 public:
  WriteBuffer(i64 size_words, i64 bandwidth)
      : bandwidth_(bandwidth), active_words_(ceil_div(size_words, 2)), free_words_(size_words),
        drain_lines_(ceil_div(size_words - ceil_div(size_words, 2), bandwidth)) {}

  // Writes `count` words in a row that arrives at `cycle`; returns the stall.
  i64 write_row(i64 count, i64 cycle) {
    i64 now = cycle;
    for (i64 w = 0; w < count; ++w) {
      --free_words_;
      if (++open_line_words_ == bandwidth_) close_line();
      if (now < drain_end_) {
        if (free_words_ <= 0) now = drain_end_;
      } else if (free_words_ < active_words_) {
        close_line();
        drain_end_ = drain(now);
      }
    }
    return now - cycle;
  }

  // Drains what is left after the last row (empty_all_buffers): only DRAM writes change.
  void flush(i64 cycle) {
    close_line();
    while (!lines_.empty()) cycle = drain(cycle) + 1;
  }

  i64 dram_writes() const { return dram_writes_; }

 private:
  void close_line() {
    if (open_line_words_ == 0) return;
    lines_.push_back(open_line_words_);
    open_line_words_ = 0;
  }
  // Returns the cycle of the drain's last line.
  i64 drain(i64 start) {
    const i64 count = std::min(drain_lines_, static_cast<i64>(lines_.size()));
    const i64 words = count * bandwidth_ - (bandwidth_ - lines_[static_cast<std::size_t>(count) - 1]);
    lines_.erase(lines_.begin(), lines_.begin() + count);
    dram_writes_ += words;
    free_words_ += words;
    return start + count - 1;
  }

  i64 bandwidth_, active_words_, free_words_, drain_lines_;
  i64 open_line_words_ = 0;
  std::deque<i64> lines_;  // valid words of each closed line not yet drained
  i64 drain_end_ = 0;
  i64 dram_writes_ = 0;
};

// Positions [low, high] of a row of a skewed block: column c holds block row
// t - c, valid for block rows [first, first + count) and columns [0, cols).
struct Span {
  i64 low, high;
  i64 size() const { return std::max<i64>(0, high - low + 1); }
};
Span skew_span(i64 t, i64 first, i64 count, i64 cols) {
  return {std::max<i64>(0, t - (first + count) + 1), std::min(cols - 1, t - first)};
}

// The three demand matrices of one dataflow (systolic_compute_*.py,
// create_*_demand_mat), row t of fold (column fold fc, row fold fr).
// Sr x Sc is the mapped matrix, T the streamed dimension; R x C the array.
struct Folds {
  i64 row_folds, col_folds, rows_per_fold;
};

// OS: Sr = pixels, Sc = filters, T = window. ifmap (R wide) and filter (C
// wide) are skewed T rows, then C - 1 / R - 1 null rows; the ofmap block
// (R x C, rows reversed, as outputs leave the bottom edge) follows T - 1 null
// rows, skewed. T + R + C - 2 rows.
struct OutputStationary {
  const OperandAddresses& op;
  i64 R, C;
  i64 T = op.window();
  Folds folds() const { return {ceil_div(op.pixels(), R), ceil_div(op.filters(), C), T + R + C - 2}; }
  template <typename Visit>
  void ifmap(i64, i64 fr, i64 t, const Visit& visit) const {
    const Span s = skew_span(t, 0, T, std::min(R, op.pixels() - fr * R));
    for (i64 c = s.low; c <= s.high; ++c)
      if (const i64 a = op.ifmap(fr * R + c, t - c); a >= 0) visit(a);
  }
  template <typename Visit>
  void filter(i64 fc, i64, i64 t, const Visit& visit) const {
    const Span s = skew_span(t, 0, T, std::min(C, op.filters() - fc * C));
    for (i64 c = s.low; c <= s.high; ++c) visit(op.filter(t - c, fc * C + c));
  }
  i64 ofmap_writes(i64 fc, i64 fr, i64 t) const {
    // Block row T - 1 + k holds array row R - 1 - k; only the first
    // rows_used array rows are valid, i.e. k > R - 1 - rows_used.
    const i64 rows_used = std::min(R, op.pixels() - fr * R);
    return skew_span(t, T - 1 + R - rows_used, rows_used, std::min(C, op.filters() - fc * C)).size();
  }
  PrefetchShape ifmap_prefetch() const { return {folds().row_folds, T, R, true}; }
  i64 ifmap_prefetch_entry(i64 block, i64 row, i64 col) const {
    return block * R + col < op.pixels() ? op.ifmap(block * R + col, row) : -1;
  }
  PrefetchShape filter_prefetch() const { return {folds().col_folds, T, C, true}; }
  i64 filter_prefetch_entry(i64 block, i64 row, i64 col) const {
    return block * C + col < op.filters() ? op.filter(row, block * C + col) : -1;
  }
};

// WS: Sr = window, Sc = filters, T = pixels. ifmap (R wide): R null rows, T
// rows, C - 1 null rows, skewed. filter: the R x C block, rows reversed, then
// null rows, not skewed. ofmap (C wide): 2R - 1 null rows, T rows, skewed.
// T + 2R + C - 2 rows.
struct WeightStationary {
  const OperandAddresses& op;
  i64 R, C;
  i64 T = op.pixels();
  Folds folds() const { return {ceil_div(op.window(), R), ceil_div(op.filters(), C), T + 2 * R + C - 2}; }
  template <typename Visit>
  void ifmap(i64, i64 fr, i64 t, const Visit& visit) const {
    const Span s = skew_span(t, R, T, std::min(R, op.window() - fr * R));
    for (i64 r = s.low; r <= s.high; ++r)
      if (const i64 a = op.ifmap(t - r - R, fr * R + r); a >= 0) visit(a);
  }
  template <typename Visit>
  void filter(i64 fc, i64 fr, i64 t, const Visit& visit) const {
    if (t >= R || fr * R + R - 1 - t >= op.window()) return;
    const i64 used = std::min(C, op.filters() - fc * C);
    for (i64 c = 0; c < used; ++c) visit(op.filter(fr * R + R - 1 - t, fc * C + c));
  }
  i64 ofmap_writes(i64 fc, i64, i64 t) const {
    return skew_span(t, 2 * R - 1, T, std::min(C, op.filters() - fc * C)).size();
  }
  PrefetchShape ifmap_prefetch() const { return {folds().row_folds, T, R, true}; }
  i64 ifmap_prefetch_entry(i64 block, i64 row, i64 col) const {
    return block * R + col < op.window() ? op.ifmap(row, block * R + col) : -1;
  }
  PrefetchShape filter_prefetch() const { return {folds().col_folds, op.window(), C, false}; }
  i64 filter_prefetch_entry(i64 block, i64 row, i64 col) const {
    return block * C + col < op.filters() ? op.filter(row, block * C + col) : -1;
  }
};

// IS: Sr = window, Sc = pixels, T = filters. ifmap: the R x C block of the
// transposed im2col, rows reversed, then null rows, not skewed. filter (R
// wide): R null rows, T rows, C - 1 null rows, skewed. ofmap (C wide): 2R - 1
// null rows, T rows, skewed. T + 2R + C - 2 rows.
struct InputStationary {
  const OperandAddresses& op;
  i64 R, C;
  i64 T = op.filters();
  Folds folds() const { return {ceil_div(op.window(), R), ceil_div(op.pixels(), C), T + 2 * R + C - 2}; }
  template <typename Visit>
  void ifmap(i64 fc, i64 fr, i64 t, const Visit& visit) const {
    if (t >= R || fr * R + R - 1 - t >= op.window()) return;
    const i64 used = std::min(C, op.pixels() - fc * C);
    for (i64 c = 0; c < used; ++c)
      if (const i64 a = op.ifmap(fc * C + c, fr * R + R - 1 - t); a >= 0) visit(a);
  }
  template <typename Visit>
  void filter(i64, i64 fr, i64 t, const Visit& visit) const {
    const Span s = skew_span(t, R, T, std::min(R, op.window() - fr * R));
    for (i64 r = s.low; r <= s.high; ++r) visit(op.filter(fr * R + r, t - r - R));
  }
  i64 ofmap_writes(i64 fc, i64, i64 t) const {
    return skew_span(t, 2 * R - 1, T, std::min(C, op.pixels() - fc * C)).size();
  }
  PrefetchShape ifmap_prefetch() const { return {folds().col_folds, op.window(), C, false}; }
  i64 ifmap_prefetch_entry(i64 block, i64 row, i64 col) const {
    return block * C + col < op.pixels() ? op.ifmap(block * C + col, row) : -1;
  }
  PrefetchShape filter_prefetch() const { return {folds().row_folds, T, R, true}; }
  i64 filter_prefetch_entry(i64 block, i64 row, i64 col) const {
    return block * R + col < op.window() ? op.filter(block * R + col, row) : -1;
  }
};

// double_buffered_scratchpad_mem.py, service_memory_requests: the demand rows
// in order, row i arriving at cycle i + stalls so far. Each read buffer's
// stall is how far its last prefetch of the row completes beyond the row's
// cycle + 1 (the hit latency), counted only if the row issued one; the ofmap
// buffer's is its write wait. The row stalls by the largest of the three.
template <typename Dataflow>
ScratchpadResult walk_demand(const Dataflow& df, const OperandAddresses& op, const ScratchpadParams& p,
                             const std::function<bool()>& stop) {
  ReadBuffer ifmap(p.ifmap_words, p.bandwidth, op.ifmap_space(), df.ifmap_prefetch(),
                   [&](i64 b, i64 r, i64 c) { return df.ifmap_prefetch_entry(b, r, c); });
  ReadBuffer filter(p.filter_words, p.bandwidth, op.filter_space(), df.filter_prefetch(),
                    [&](i64 b, i64 r, i64 c) { return df.filter_prefetch_entry(b, r, c); });
  WriteBuffer ofmap(p.ofmap_words, p.bandwidth);

  const Folds f = df.folds();
  i64 row = 0, stalls = 0, last_ofmap_service = 0;
  for (i64 fc = 0; fc < f.col_folds; ++fc) {
    for (i64 fr = 0; fr < f.row_folds; ++fr) {
      if (stop && stop()) throw ScratchpadStopped{};
      for (i64 t = 0; t < f.rows_per_fold; ++t, ++row) {
        const i64 cycle = row + stalls;
        bool ifmap_fetched = false, filter_fetched = false;
        df.ifmap(fc, fr, t, [&](i64 a) { ifmap_fetched |= ifmap.serve(a); });
        df.filter(fc, fr, t, [&](i64 a) { filter_fetched |= filter.serve(a); });
        const i64 ifmap_stall = ifmap_fetched ? std::max<i64>(0, ifmap.last_prefetch_done() - cycle - 1) : 0;
        const i64 filter_stall = filter_fetched ? std::max<i64>(0, filter.last_prefetch_done() - cycle - 1) : 0;
        const i64 ofmap_stall = ofmap.write_row(df.ofmap_writes(fc, fr, t), cycle);
        last_ofmap_service = cycle + ofmap_stall;
        stalls += std::max({ifmap_stall, filter_stall, ofmap_stall});
      }
    }
  }
  ofmap.flush(last_ofmap_service);

  ScratchpadResult result;
  result.compute_cycles = row - 1;
  result.stall_cycles = stalls;
  result.total_cycles = last_ofmap_service;  // SCALE-Sim's Total Cycles: the last row's ofmap service cycle
  result.ifmap_dram_reads = ifmap.dram_reads();
  result.filter_dram_reads = filter.dram_reads();
  result.ofmap_dram_writes = ofmap.dram_writes();
  return result;
}

}  // namespace

ScratchpadResult simulate_scratchpad(const TopologyLayer& layer, const ScratchpadParams& p,
                                     const std::function<bool()>& stop) {
  if (p.rows < 1 || p.cols < 1 || p.ifmap_words < 1 || p.filter_words < 1 || p.ofmap_words < 1 || p.bandwidth < 1)
    throw std::invalid_argument("scratchpad model: array, buffer sizes and bandwidth must be positive");
  if (layer.ofmap_h() < 1 || layer.ofmap_w() < 1 || layer.window() < 1 || layer.filters < 1)
    throw std::invalid_argument("scratchpad model: layer " + layer.name + " has an empty ofmap, window or filter set");
  const OperandAddresses op(layer);
  switch (p.dataflow) {
    case hw::Dataflow::os: return walk_demand(OutputStationary{op, p.rows, p.cols}, op, p, stop);
    case hw::Dataflow::ws: return walk_demand(WeightStationary{op, p.rows, p.cols}, op, p, stop);
    case hw::Dataflow::is: return walk_demand(InputStationary{op, p.rows, p.cols}, op, p, stop);
  }
  throw std::invalid_argument("scratchpad model: unknown dataflow");
}

}  // namespace qtsim::scalesim
