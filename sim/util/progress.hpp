#pragma once
// A one-line progress display on stderr, shown only when stderr is a terminal
// (so logs, pipes and files stay clean) and redrawn at most ten times a
// second: "simulate 120/281 kernels  35.2/s  ETA 0:04  step 1/1  layer3.conv2
// gemm (forward)". The figures on the line are worked out by the pure
// functions below, which tests drive with made-up times.
#include <chrono>
#include <cstdint>
#include <string>

namespace qtsim::util {

// The line is redrawn at most this often (the last item always).
inline constexpr double kMinRedrawSeconds = 0.1;

class Progress {
 public:
  // `enabled` false (or stderr not a terminal) makes every call a no-op.
  // `unit` names what is counted ("kernels", "steps"; may be empty).
  Progress(std::string label, std::int64_t total, bool enabled = true, std::string unit = {});
  ~Progress();
  // Shows done/total, rate, ETA and `detail` (e.g. "loss 0.41 acc 86%").
  void update(std::int64_t done, const std::string& detail = {});
  // The total changed (it may be known only as the work goes).
  void set_total(std::int64_t total) { total_ = total; }
  bool active() const { return active_; }
  // Erases the line, before anything else is printed; the next update redraws it at once.
  void clear();
  void finish() { clear(); }

 private:
  std::string label_, unit_;
  std::int64_t total_;
  bool active_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

// "1:05" / "1:02:03"; "?" when unknown (negative) or absurd.
std::string format_duration(double seconds);

// Seconds left at the average rate so far; negative when unknown (nothing done yet).
double seconds_left(std::int64_t done, std::int64_t total, double elapsed_seconds);

// The progress line: "LABEL DONE/TOTAL UNIT  RATE/s  ETA M:SS  DETAIL" (the
// detail last: on a narrow terminal it is what is cut).
std::string progress_line(const std::string& label, const std::string& unit, std::int64_t done, std::int64_t total,
                          const std::string& detail, double elapsed_seconds);

// Whether to redraw now: nothing drawn yet, the last item, or kMinRedrawSeconds since the last draw.
bool redraw_due(bool drawn, bool complete, double seconds_since_draw);

// `line` cut to `columns` characters (a line wider than the terminal would
// wrap, and the next redraw would erase only its last row). UTF-8 aware.
std::string fit_to_width(const std::string& line, std::size_t columns);

}  // namespace qtsim::util
