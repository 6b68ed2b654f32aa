// A clocked, cycle-by-cycle systolic array at register level, to prove the
// per-fold cycle counts of models/hw/mapping/fold_model.hpp (SCALE-Sim
// v2's) for the three dataflows, including non-square arrays and partial folds.
//
// One SC_METHOD per PE on the rising edge of an sc_clock, registers as
// sc_signals (every PE reads its neighbours' values from before the edge):
//   OS  PE(i,j) keeps C[i][j]; A row i enters the left edge skewed by i cycles,
//       B column j the top edge skewed by j; operands move one PE per cycle;
//       a result is complete when the last reduction step reaches its PE and
//       leaves on its column's output bus (one PE per column finishes per cycle,
//       so a bus without arbitration suffices) into the column's output register.
//   WS  the weights B[k][n] of a fold are shifted down from the top edge for R
//       cycles (bottom row first); A[m][k] enters row k skewed by k and moves
//       right; partial sums move down one PE per cycle and leave the bottom row
//       into the column's output register; the output buffer accumulates the
//       folds of the reduction.
//   IS  the same with the inputs stationary (PE(k,c) holds A[m_c][k]) and the
//       weights B[k][n] streaming (n takes the place of m).
// The feeder is SCALE-Sim's demand schedule: folds back to back (column folds
// outer, row folds inner), every fold the full array's length, unused rows and
// columns fed null (SCALE-Sim's -1 requests).
//
// Convention measured (and the one SCALE-Sim's formulas follow): a fold's cycles
// run from the clock edge that latches its first operand into the array through
// the edge that makes its last result complete in an array register (the OS
// accumulator, the WS/IS bottom-row partial sum), inclusive. For full folds this
// is exactly fold_plan().fold_cycles: OS K + R + C - 2, WS M + 2R + C - 2, IS
// N + 2R + C - 2 (WS/IS include the R cycles of loading the stationary operand).
// Moving a result into the output register below the array takes one more edge;
// that edge is the first edge of the next fold (measured: they coincide), so it
// costs nothing between folds, and SCALE-Sim does not count it. SCALE-Sim's layer
// figure folds * fold_cycles - 1 is the index of the last cycle counted from 0.
// A partial fold is charged the full fold length (SCALE-Sim pads it with null
// requests); in the register model its last valid result is earlier: OS
// K + r + c - 2, WS/IS from the first valid operand (R - r cycles late, the null
// bottom weights enter first) T + R + r + c - 2 with r, c the rows and columns used.
#define SC_INCLUDE_DYNAMIC_PROCESSES
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <systemc>

#include "models/hw/mapping/fold_model.hpp"

namespace qtsim::hw::test {
namespace {

using Matrix = std::vector<std::vector<std::int64_t>>;

Matrix random_matrix(std::int64_t rows, std::int64_t cols, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<std::int64_t> d(-9, 9);
  Matrix m(static_cast<std::size_t>(rows), std::vector<std::int64_t>(static_cast<std::size_t>(cols)));
  for (auto& r : m)
    for (auto& v : r) v = d(rng);
  return m;
}

Matrix multiply(const Matrix& a, const Matrix& b) {
  Matrix c(a.size(), std::vector<std::int64_t>(b[0].size(), 0));
  for (std::size_t i = 0; i < a.size(); ++i)
    for (std::size_t k = 0; k < b.size(); ++k)
      for (std::size_t j = 0; j < b[0].size(); ++j) c[i][j] += a[i][k] * b[k][j];
  return c;
}

Matrix transpose(const Matrix& a) {
  Matrix t(a[0].size(), std::vector<std::int64_t>(a.size()));
  for (std::size_t i = 0; i < a.size(); ++i)
    for (std::size_t j = 0; j < a[0].size(); ++j) t[j][i] = a[i][j];
  return t;
}

// A value on a wire or in a register, with its bookkeeping.
struct Token {
  std::int64_t v = 0;
  bool valid = false;
  int fold = -1;
  std::int64_t tag = 0;     // OS: reduction index k; WS/IS: streamed row (m or n); results: array row
  bool first = false;       // OS: first step of the reduction (clears the accumulator)
  bool last = false;        // OS: last step (the result is complete)
  std::int64_t edge = -1;   // edge at which it was latched
  bool operator==(const Token&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Token& t) {
  return os << (t.valid ? "" : "null ") << t.v << " fold " << t.fold << " tag " << t.tag << " @" << t.edge;
}

using Signal = sc_core::sc_signal<Token>;

struct FoldTimes {
  std::int64_t first_in = std::numeric_limits<std::int64_t>::max();  // first valid operand latched
  std::int64_t last_out = -1;    // last valid result complete in an array register
  std::int64_t last_drain = -1;  // last result latched into an output register below the array
};

class ClockedArray : public sc_core::sc_module {
 public:
  // `chunk` > 0: the streamed index is held in chunks of that length, as a
  // double-buffered scratchpad holds the tiles of a mapping whose stream goes
  // on from tile to tile; the feeder records which chunks it reads at each edge.
  ClockedArray(sc_core::sc_module_name name, sc_core::sc_clock& clk, Dataflow df, int rows, int cols, const Matrix& a,
               const Matrix& b, std::int64_t chunk = 0)
      : sc_module(name), df_(df), R_(rows), C_(cols), period_(clk.period()), a_(a), b_(b), chunk_(chunk) {
    M_ = static_cast<std::int64_t>(a.size());
    K_ = static_cast<std::int64_t>(b.size());
    N_ = static_cast<std::int64_t>(b[0].size());
    plan_ = fold_plan(df, R_, C_, {M_, N_, K_});
    // Operand roles: OS multiplies A (M x K) by B (K x N) directly. WS and IS keep
    // S (Kd x Cd) stationary and stream T (Td x Kd) through: O = T S.
    if (df == Dataflow::ws) s_ = b_, t_ = a_;
    if (df == Dataflow::is) s_ = transpose(a_), t_ = transpose(b_);
    spatial_rows_ = df == Dataflow::os ? M_ : K_;
    spatial_cols_ = df == Dataflow::os ? N_ : df == Dataflow::ws ? N_ : M_;
    row_folds_ = ceil_div(spatial_rows_, R_);
    result_.assign(static_cast<std::size_t>(M_), std::vector<std::int64_t>(static_cast<std::size_t>(N_), 0));
    writes_.assign(static_cast<std::size_t>(M_), std::vector<int>(static_cast<std::size_t>(N_), 0));
    times_.resize(static_cast<std::size_t>(plan_.folds));

    auto make = [&](const std::string& base, std::int64_t n) {
      std::vector<std::unique_ptr<Signal>> v;
      for (std::int64_t i = 0; i < n; ++i) v.push_back(std::make_unique<Signal>((base + std::to_string(i)).c_str()));
      return v;
    };
    const std::int64_t pes = R_ * C_;
    west_ = make("west", R_);     // left-edge inputs, one per row
    north_ = make("north", C_);   // top-edge inputs, one per column
    horizontal_ = make("h", pes);  // operand moving right
    vertical_ = make("v", pes);    // OS: operand moving down; WS/IS: stationary shift chain
    psum_ = make("p", pes);        // OS: finished results on the column bus; WS/IS: partial sums moving down

    sc_core::sc_spawn_options opts;
    opts.spawn_method();
    opts.dont_initialize();
    opts.set_sensitivity(&clk.posedge_event());
    sc_core::sc_spawn([this] { feed(); }, "feeder", &opts);
    for (int i = 0; i < R_; ++i)
      for (int j = 0; j < C_; ++j)
        sc_core::sc_spawn([this, i, j] { df_ == Dataflow::os ? pe_os(i, j) : pe_stationary(i, j); },
                          ("pe_" + std::to_string(i) + "_" + std::to_string(j)).c_str(), &opts);
    for (int j = 0; j < C_; ++j) sc_core::sc_spawn([this, j] { drain(j); }, ("drain_" + std::to_string(j)).c_str(), &opts);
  }

  const FoldPlan& plan() const { return plan_; }
  const Matrix& result() const { return result_; }
  const std::vector<std::vector<int>>& writes() const { return writes_; }
  const std::vector<FoldTimes>& times() const { return times_; }
  std::int64_t row_folds() const { return row_folds_; }
  int misaligned = 0;     // operands or partial sums that met the wrong partner
  // Chunked streams: the most chunks the feeder read at one edge, and whether
  // a chunk was read again after a later chunk had been finished with.
  std::int64_t max_live_chunks = 0;
  bool chunk_reread = false;
  int bus_conflicts = 0;  // two results on one column bus in one cycle
  std::int64_t end_edge() const { return 1 + plan_.folds * plan_.fold_cycles + 2; }
  // First edge of fold f: the feeder drives at edge e what the array latches at e + 1.
  std::int64_t start(std::int64_t f) const { return 1 + f * plan_.fold_cycles; }
  // Rows and columns of the array a fold uses.
  std::int64_t rows_used(std::int64_t f) const { return std::min<std::int64_t>(R_, spatial_rows_ - (f % row_folds_) * R_); }
  std::int64_t cols_used(std::int64_t f) const { return std::min<std::int64_t>(C_, spatial_cols_ - (f / row_folds_) * C_); }

 private:
  Signal& h(int i, int j) { return *horizontal_[static_cast<std::size_t>(i * C_ + j)]; }
  Signal& v(int i, int j) { return *vertical_[static_cast<std::size_t>(i * C_ + j)]; }
  Signal& p(int i, int j) { return *psum_[static_cast<std::size_t>(i * C_ + j)]; }
  std::int64_t now() const { return static_cast<std::int64_t>(sc_core::sc_time_stamp() / period_ + 0.5); }
  void input_at(int fold, std::int64_t t) { auto& x = times_[static_cast<std::size_t>(fold)]; x.first_in = std::min(x.first_in, t); }
  void output_at(int fold, std::int64_t t) { auto& x = times_[static_cast<std::size_t>(fold)]; x.last_out = std::max(x.last_out, t); }

  // The chunks of the streamed index read at this edge (chunked streams only).
  void note_chunks(const std::vector<std::int64_t>& stream_indices, int fold) {
    if (chunk_ <= 0) return;
    std::set<std::int64_t> live;
    for (std::int64_t i : stream_indices) {
      const std::int64_t c = i / chunk_;
      live.insert(c);
      // Chunks of a fold are read in order: one earlier than a chunk already retired is a re-read.
      if (fold == retired_fold_ && c <= retired_chunk_) chunk_reread = true;
    }
    max_live_chunks = std::max<std::int64_t>(max_live_chunks, static_cast<std::int64_t>(live.size()));
    // The slot of every chunk older than the oldest read now is free again.
    if (!live.empty() && (fold != retired_fold_ || *live.begin() - 1 > retired_chunk_)) {
      retired_fold_ = fold;
      retired_chunk_ = *live.begin() - 1;
    }
  }

  // SCALE-Sim's demand schedule; what is written at edge e is latched at edge e + 1.
  void feed() {
    const std::int64_t s = now();
    const std::int64_t F = plan_.fold_cycles;
    const bool active = s < plan_.folds * F;
    const int f = active ? static_cast<int>(s / F) : -1;
    const std::int64_t tau = active ? s % F : -1;
    const std::int64_t fr = active ? f % row_folds_ : 0, fc = active ? f / row_folds_ : 0;
    const std::int64_t r_used = active ? rows_used(f) : 0, c_used = active ? cols_used(f) : 0;
    std::vector<std::int64_t> streamed_now;
    if (df_ == Dataflow::os) {
      for (int i = 0; i < R_; ++i) {
        const std::int64_t k = tau - i;
        const bool ok = active && i < r_used && k >= 0 && k < K_;
        if (ok) streamed_now.push_back(k);
        west_[static_cast<std::size_t>(i)]->write(
            Token{ok ? a_[static_cast<std::size_t>(fr * R_ + i)][static_cast<std::size_t>(k)] : 0, ok, f, k, k == 0, k == K_ - 1, -1});
      }
      for (int j = 0; j < C_; ++j) {
        const std::int64_t k = tau - j;
        const bool ok = active && j < c_used && k >= 0 && k < K_;
        if (ok) streamed_now.push_back(k);
        north_[static_cast<std::size_t>(j)]->write(
            Token{ok ? b_[static_cast<std::size_t>(k)][static_cast<std::size_t>(fc * C_ + j)] : 0, ok, f, k, k == 0, k == K_ - 1, -1});
      }
      note_chunks(streamed_now, f);
      return;
    }
    // WS/IS: R cycles shifting the stationary operand in (bottom row first), then the stream.
    shift_ = active && tau < R_;
    for (int c = 0; c < C_; ++c) {
      const std::int64_t row = R_ - 1 - tau;
      const bool ok = shift_ && row < r_used && c < c_used;
      north_[static_cast<std::size_t>(c)]->write(
          Token{ok ? s_[static_cast<std::size_t>(fr * R_ + row)][static_cast<std::size_t>(fc * C_ + c)] : 0, ok, f, row, false, false, -1});
    }
    const std::int64_t td = static_cast<std::int64_t>(t_.size());
    for (int k = 0; k < R_; ++k) {
      const std::int64_t idx = tau - R_ - k;
      const bool ok = active && k < r_used && idx >= 0 && idx < td;
      if (ok) streamed_now.push_back(idx);
      west_[static_cast<std::size_t>(k)]->write(
          Token{ok ? t_[static_cast<std::size_t>(idx)][static_cast<std::size_t>(fr * R_ + k)] : 0, ok, f, idx, false, false, -1});
    }
    shift_wire_.write(shift_);
    note_chunks(streamed_now, f);
  }

  void pe_os(int i, int j) {
    const std::int64_t t = now();
    Token a = j == 0 ? west_[static_cast<std::size_t>(i)]->read() : h(i, j - 1).read();
    Token b = i == 0 ? north_[static_cast<std::size_t>(j)]->read() : v(i - 1, j).read();
    a.edge = b.edge = t;
    h(i, j).write(a);
    v(i, j).write(b);
    if (a.valid) input_at(a.fold, t);
    if (b.valid) input_at(b.fold, t);
    if (!(a.valid && b.valid)) return;
    if (a.fold != b.fold || a.tag != b.tag) ++misaligned;
    auto& acc = acc_[static_cast<std::size_t>(i * C_ + j)];
    acc = (a.first ? 0 : acc) + a.v * b.v;
    if (a.last) {
      p(i, j).write(Token{acc, true, a.fold, i, false, false, t});
      output_at(a.fold, t);
    }
  }

  void pe_stationary(int k, int c) {
    const std::int64_t t = now();
    const Token w = v(k, c).read();  // the stationary operand before this edge
    if (shift_wire_.read()) {
      Token in = k == 0 ? north_[static_cast<std::size_t>(c)]->read() : v(k - 1, c).read();
      in.edge = t;
      v(k, c).write(in);
      if (in.valid) input_at(in.fold, t);
    }
    Token x = c == 0 ? west_[static_cast<std::size_t>(k)]->read() : h(k, c - 1).read();
    x.edge = t;
    h(k, c).write(x);
    if (x.valid) input_at(x.fold, t);
    Token out;
    if (k == 0) {
      out.valid = x.valid && w.valid;
      out.fold = x.fold;
      out.tag = x.tag;
      out.v = out.valid ? x.v * w.v : 0;
      if (out.valid && w.fold != x.fold) ++misaligned;
    } else {
      out = p(k - 1, c).read();
      if (x.valid && w.valid) {
        if (!out.valid || out.tag != x.tag || out.fold != x.fold || w.fold != x.fold) ++misaligned;
        out.v += x.v * w.v;
      }
    }
    out.edge = t;
    p(k, c).write(out);
    if (k == R_ - 1 && out.valid) output_at(out.fold, t);
  }

  // Column j's output register below the array: latches what became complete at the previous edge.
  void drain(int j) {
    const std::int64_t t = now();
    int latched = 0;
    auto take = [&](const Token& r, std::int64_t array_row) {
      const std::int64_t fr = r.fold % row_folds_, fc = r.fold / row_folds_;
      std::int64_t m = 0, n = 0;
      switch (df_) {
        case Dataflow::os: m = fr * R_ + array_row, n = fc * C_ + j; break;
        case Dataflow::ws: m = r.tag, n = fc * C_ + j; break;
        case Dataflow::is: m = fc * C_ + j, n = r.tag; break;
      }
      result_[static_cast<std::size_t>(m)][static_cast<std::size_t>(n)] += r.v;  // the output buffer accumulates partial sums
      ++writes_[static_cast<std::size_t>(m)][static_cast<std::size_t>(n)];
      auto& x = times_[static_cast<std::size_t>(r.fold)];
      x.last_drain = std::max(x.last_drain, t);
      ++latched;
    };
    if (df_ == Dataflow::os) {
      for (int i = 0; i < R_; ++i) {
        const Token r = p(i, j).read();
        if (r.valid && r.edge == t - 1) take(r, i);
      }
      if (latched > 1) ++bus_conflicts;
    } else {
      const Token r = p(R_ - 1, j).read();
      if (r.valid && r.edge == t - 1) take(r, R_ - 1);
    }
  }

  Dataflow df_;
  std::int64_t R_, C_, M_ = 0, N_ = 0, K_ = 0;
  sc_core::sc_time period_;
  Matrix a_, b_, s_, t_;
  FoldPlan plan_;
  std::int64_t spatial_rows_ = 0, spatial_cols_ = 0, row_folds_ = 1;
  Matrix result_;
  std::vector<std::vector<int>> writes_;
  std::vector<FoldTimes> times_;
  std::vector<std::unique_ptr<Signal>> west_, north_, horizontal_, vertical_, psum_;
  sc_core::sc_signal<bool> shift_wire_{"shift"};  // WS/IS: stationary shift enable (controller)
  bool shift_ = false;
  std::int64_t chunk_ = 0;
  int retired_fold_ = -1;
  std::int64_t retired_chunk_ = -1;
  std::vector<std::int64_t> acc_ = std::vector<std::int64_t>(64 * 64, 0);  // OS accumulators
};

struct Case {
  int rows, cols;
  std::int64_t m, n, k;
};

// Arrays up to 8x8, square and not; GEMMs with exact and partial folds both ways.
const Case kCases[] = {
    {4, 4, 8, 8, 8},  {4, 4, 13, 7, 11}, {8, 8, 8, 8, 8},   {8, 8, 17, 9, 3},   {8, 8, 5, 19, 9}, {3, 5, 13, 7, 11},
    {5, 3, 13, 7, 11}, {8, 2, 5, 19, 9},  {2, 7, 17, 9, 3},  {1, 6, 6, 13, 4},   {6, 1, 4, 6, 13}, {8, 8, 1, 1, 1},
    {3, 5, 6, 10, 9},  {7, 4, 14, 8, 21},
};

// The streamed length of a fold: OS the reduction, WS the GEMM rows, IS the GEMM columns.
std::int64_t streamed(Dataflow df, const Case& c) { return df == Dataflow::os ? c.k : df == Dataflow::ws ? c.m : c.n; }

void check_dataflow(Dataflow df) {
  sc_core::sc_clock clk("clk", 1, sc_core::SC_NS);
  std::vector<std::unique_ptr<ClockedArray>> arrays;
  std::vector<Matrix> expected;
  std::int64_t end = 0;
  std::uint32_t seed = 1;
  for (const Case& c : kCases) {
    const Matrix a = random_matrix(c.m, c.k, seed++), b = random_matrix(c.k, c.n, seed++);
    expected.push_back(multiply(a, b));
    arrays.push_back(std::make_unique<ClockedArray>(
        ("array_" + std::to_string(arrays.size())).c_str(), clk, df, c.rows, c.cols, a, b));
    end = std::max(end, arrays.back()->end_edge());
  }
  sc_core::sc_start(sc_core::sc_time(static_cast<double>(end + 2), sc_core::SC_NS));

  for (std::size_t i = 0; i < arrays.size(); ++i) {
    const Case& c = kCases[i];
    const ClockedArray& x = *arrays[i];
    SCOPED_TRACE(::testing::Message() << to_string(df) << " array " << c.rows << "x" << c.cols << ", GEMM M " << c.m << " N "
                                      << c.n << " K " << c.k);
    // The values: the array computes the GEMM.
    EXPECT_EQ(x.result(), expected[i]);
    EXPECT_EQ(x.misaligned, 0) << "operands or partial sums met the wrong partner";
    EXPECT_EQ(x.bus_conflicts, 0);
    const int writes_per_output = df == Dataflow::os ? 1 : static_cast<int>(x.row_folds());
    for (const auto& row : x.writes())
      for (int w : row) EXPECT_EQ(w, writes_per_output);
    // The cycles, fold by fold.
    const FoldPlan& plan = x.plan();
    const std::int64_t F = plan.fold_cycles, R = c.rows, C = c.cols, T = streamed(df, c);
    ASSERT_EQ(static_cast<std::int64_t>(x.times().size()), plan.folds);
    for (std::int64_t f = 0; f < plan.folds; ++f) {
      SCOPED_TRACE(::testing::Message() << "fold " << f << " of " << plan.folds);
      const FoldTimes& t = x.times()[static_cast<std::size_t>(f)];
      const std::int64_t r = x.rows_used(f), cu = x.cols_used(f);
      const std::int64_t measured = t.last_out - t.first_in + 1;
      EXPECT_LE(t.last_out - x.start(f) + 1, F) << "a fold finishes within its slot";
      if (r == R && cu == C) {
        EXPECT_EQ(t.first_in, x.start(f));
        EXPECT_EQ(measured, F) << "first input to last output of a full fold = fold_plan's fold cycles";
      } else if (df == Dataflow::os) {
        EXPECT_EQ(t.first_in, x.start(f));
        EXPECT_EQ(measured, T + r + cu - 2);
      } else {
        EXPECT_EQ(t.first_in, x.start(f) + (R - r));
        EXPECT_EQ(measured, T + R + r + cu - 2);
        EXPECT_EQ(t.last_out - x.start(f) + 1, T + 2 * R + cu - 2);
      }
      // The output register latches one edge later: the next fold's first edge.
      EXPECT_EQ(t.last_drain, t.last_out + 1);
    }
    // The whole GEMM: folds back to back; SCALE-Sim's figure is the last cycle's index from 0.
    const FoldTimes& first = x.times().front();
    const FoldTimes& last = x.times().back();
    EXPECT_EQ(x.start(0), 1);
    EXPECT_EQ(first.first_in, x.start(0) + (df == Dataflow::os ? 0 : R - x.rows_used(0)));
    const std::int64_t lf = plan.folds - 1;
    if (x.rows_used(0) == R && x.rows_used(lf) == R && x.cols_used(lf) == C) {
      EXPECT_EQ(last.last_out - first.first_in + 1, plan.cycles());
      EXPECT_EQ(last.last_out - first.first_in, scalesim_cycles(df, R, C, {c.m, c.n, c.k}));
    }
    // From the schedule's first edge whatever the folds: the layer ends within folds x fold cycles.
    EXPECT_LE(last.last_out - x.start(0) + 1, plan.cycles());
    EXPECT_EQ(plan.cycles(), plan.folds * F);
  }
}

// A stream cut into chunks that go on from tile to tile (the mapper's
// continuing chunks, gemm_mapping.hpp): the array computes the same GEMM in the
// same fold cycles as the stream in one piece, and with chunks at least
// max(R, C) long the feeder never reads more than two chunks at once - the two
// slots of a double-buffered buffer - nor returns to a chunk it has left. With
// shorter chunks the skew would need a third slot.
void check_chunked_stream(Dataflow df) {
  sc_core::sc_clock clk("clk", 1, sc_core::SC_NS);
  struct Chunked {
    Case c;
    std::int64_t chunk;
    bool enough;  // chunk >= max(R, C)
  };
  const std::vector<Chunked> cases = {{{4, 4, 13, 7, 31}, 4, true},  {{8, 4, 9, 5, 40}, 8, true}, {{4, 8, 30, 17, 25}, 9, true},
                                      {{8, 8, 24, 20, 26}, 3, false}, {{4, 4, 13, 7, 31}, 2, false}};
  std::vector<std::unique_ptr<ClockedArray>> whole, chunked;
  std::vector<Matrix> expected;
  std::int64_t end = 0;
  std::uint32_t seed = 100;
  for (const Chunked& k : cases) {
    const Case& c = k.c;
    const Matrix a = random_matrix(c.m, c.k, seed++), b = random_matrix(c.k, c.n, seed++);
    expected.push_back(multiply(a, b));
    whole.push_back(std::make_unique<ClockedArray>(("whole_" + std::to_string(whole.size())).c_str(), clk, df, c.rows, c.cols, a, b));
    chunked.push_back(std::make_unique<ClockedArray>(("chunked_" + std::to_string(chunked.size())).c_str(), clk, df, c.rows,
                                                     c.cols, a, b, k.chunk));
    end = std::max(end, whole.back()->end_edge());
  }
  sc_core::sc_start(sc_core::sc_time(static_cast<double>(end + 2), sc_core::SC_NS));
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const Chunked& k = cases[i];
    SCOPED_TRACE(::testing::Message() << to_string(df) << " array " << k.c.rows << "x" << k.c.cols << ", GEMM M " << k.c.m
                                      << " N " << k.c.n << " K " << k.c.k << ", chunks of " << k.chunk);
    const ClockedArray& w = *whole[i];
    const ClockedArray& x = *chunked[i];
    EXPECT_EQ(x.result(), expected[i]);
    EXPECT_EQ(x.misaligned, 0);
    ASSERT_EQ(x.times().size(), w.times().size());
    for (std::size_t f = 0; f < x.times().size(); ++f) {
      EXPECT_EQ(x.times()[f].first_in, w.times()[f].first_in);
      EXPECT_EQ(x.times()[f].last_out, w.times()[f].last_out) << "fold " << f;
    }
    EXPECT_FALSE(x.chunk_reread);
    if (k.enough)
      EXPECT_LE(x.max_live_chunks, 2);
    else
      EXPECT_GT(x.max_live_chunks, 2) << "chunks shorter than the skew need more than two slots";
  }
}

TEST(SystolicClocked, ChunkedStreamOutputStationary) { check_chunked_stream(Dataflow::os); }
TEST(SystolicClocked, ChunkedStreamWeightStationary) { check_chunked_stream(Dataflow::ws); }
TEST(SystolicClocked, ChunkedStreamInputStationary) { check_chunked_stream(Dataflow::is); }

TEST(SystolicClocked, OutputStationary) { check_dataflow(Dataflow::os); }
TEST(SystolicClocked, WeightStationary) { check_dataflow(Dataflow::ws); }
TEST(SystolicClocked, InputStationary) { check_dataflow(Dataflow::is); }

}  // namespace
}  // namespace qtsim::hw::test
