#include "scalesim_metrics.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace qtsim::scalesim {

void FoldMetrics::add(hw::Dataflow df, std::int64_t rows, std::int64_t cols, const hw::GemmDims& g) {
  // SCALE-Sim's spatial rows Sr, spatial columns Sc and streamed length T.
  std::int64_t sr = 0, sc = 0, t = 0, cycles = 0;
  switch (df) {
    case hw::Dataflow::os: sr = g.m, sc = g.n, t = g.k, cycles = t + rows + cols - 2; break;
    case hw::Dataflow::ws: sr = g.k, sc = g.n, t = g.m, cycles = 2 * rows + 2 * cols + t - 3; break;
    case hw::Dataflow::is: sr = g.k, sc = g.m, t = g.n, cycles = 2 * rows + 2 * cols + t - 3; break;
  }
  const std::int64_t row_folds = hw::ceil_div(sr, rows), col_folds = hw::ceil_div(sc, cols);
  const double pes = static_cast<double>(rows * cols);
  for (std::int64_t fc = 0; fc < col_folds; ++fc)
    for (std::int64_t fr = 0; fr < row_folds; ++fr) {
      const std::int64_t used = std::min(rows, sr - fr * rows) * std::min(cols, sc - fc * cols);
      mapping_sum += static_cast<double>(used) / pes;
      util_sum += static_cast<double>(used * t) / static_cast<double>(rows * cols * cycles);
      ++folds;
    }
}

double overall_util_percent(std::int64_t macs, std::int64_t total_cycles, std::int64_t pes) {
  if (total_cycles <= 0 || pes <= 0) return 0.0;
  return static_cast<double>(macs * 100) / static_cast<double>(total_cycles * pes);
}

std::string python_float(double v) {
  std::string s = fmt::format("{}", v);
  if (s.find_first_of(".eEn") == std::string::npos) s += ".0";  // "100" -> "100.0"; not "inf"/"nan"
  return s;
}

}  // namespace qtsim::scalesim
