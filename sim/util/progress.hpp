#pragma once
// A one-line progress display on stderr, shown only when stderr is a terminal
// (so logs and pipes stay clean). Redraws at most a few times a second.
#include <chrono>
#include <cstdint>
#include <string>

namespace qtsim::util {

class Progress {
 public:
  // `enabled` false (or stderr not a terminal) makes every call a no-op.
  Progress(std::string label, std::int64_t total, bool enabled = true);
  ~Progress();
  // Shows a bar, done/total, rate, ETA and `detail` (e.g. "loss 0.41 acc 86%").
  void update(std::int64_t done, const std::string& detail = {});
  void finish();

 private:
  std::string label_;
  std::int64_t total_;
  bool active_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

// "[######..................]": done out of total, 24 characters wide.
std::string bar(std::int64_t done, std::int64_t total);

// "1:05" / "1:02:03"
std::string format_duration(double seconds);

}  // namespace qtsim::util
