#include "progress.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdio>
#include <fmt/format.h>

namespace qtsim::util {

namespace {

std::size_t terminal_columns() {
  winsize ws{};
  if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  return 80;
}

}  // namespace

std::string format_duration(double seconds) {
  if (seconds < 0 || seconds > 1e7) return "?";
  const auto s = static_cast<long>(seconds + 0.5);
  if (s >= 3600) return fmt::format("{}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60);
  return fmt::format("{}:{:02}", s / 60, s % 60);
}

double seconds_left(std::int64_t done, std::int64_t total, double elapsed_seconds) {
  if (done <= 0 || elapsed_seconds <= 0) return -1.0;
  if (done >= total) return 0.0;
  return static_cast<double>(total - done) * elapsed_seconds / static_cast<double>(done);
}

std::string progress_line(const std::string& label, const std::string& unit, std::int64_t done, std::int64_t total,
                          const std::string& detail, double elapsed_seconds) {
  const double rate = elapsed_seconds > 0 ? static_cast<double>(done) / elapsed_seconds : 0.0;
  std::string line = fmt::format("{} {}/{}", label, done, total);
  if (!unit.empty()) line += " " + unit;
  line += fmt::format("  {:.1f}/s  ETA {}", rate, format_duration(seconds_left(done, total, elapsed_seconds)));
  return detail.empty() ? line : line + "  " + detail;
}

bool redraw_due(bool drawn, bool complete, double seconds_since_draw) {
  return !drawn || complete || seconds_since_draw >= kMinRedrawSeconds;
}

std::string fit_to_width(const std::string& line, std::size_t columns) {
  std::size_t chars = 0;
  for (std::size_t i = 0; i < line.size(); ++i) {
    if ((static_cast<unsigned char>(line[i]) & 0xC0) == 0x80) continue;  // continuation byte
    if (chars++ == columns) return line.substr(0, i);
  }
  return line;
}

Progress::Progress(std::string label, std::int64_t total, bool enabled, std::string unit)
    : label_(std::move(label)), unit_(std::move(unit)), total_(total), active_(enabled && ::isatty(STDERR_FILENO) == 1),
      start_(std::chrono::steady_clock::now()), last_draw_(start_) {}

Progress::~Progress() { clear(); }

void Progress::update(std::int64_t done, const std::string& detail) {
  if (!active_) return;
  const auto now = std::chrono::steady_clock::now();
  if (!redraw_due(drawn_, done >= total_, std::chrono::duration<double>(now - last_draw_).count())) return;
  last_draw_ = now;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  // One column spare: a line exactly as wide as the terminal wraps on some terminals.
  const std::string line = fit_to_width(progress_line(label_, unit_, done, total_, detail, elapsed), terminal_columns() - 1);
  std::fprintf(stderr, "\r\033[K%s", line.c_str());
  std::fflush(stderr);
  drawn_ = true;
}

void Progress::clear() {
  if (active_ && drawn_) {
    std::fprintf(stderr, "\r\033[K");
    std::fflush(stderr);
  }
  drawn_ = false;
}

}  // namespace qtsim::util
