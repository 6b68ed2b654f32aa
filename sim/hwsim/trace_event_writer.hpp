#pragma once
// Writes the Chrome trace-event format ("JSON object format": {"traceEvents":
// [...], "displayTimeUnit": ..., "otherData": {...}}), which Perfetto UI and
// chrome://tracing open: metadata events naming processes and threads,
// complete events (slices, "ph":"X") and counter events ("ph":"C").
// Timestamps are microseconds; they are given here in picoseconds and written
// exactly (six decimals). Events stream to a StagedWriter as they come, so a
// long run's trace does not sit in memory.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "sim/util/staged_file.hpp"
#include "sim/util/staged_writer.hpp"

namespace qtsim::hwsim {

// `text` as a JSON string literal, quotes included.
std::string json_string(std::string_view text);
// Picoseconds as microseconds: 1234567 -> "1.234567".
std::string microseconds(std::uint64_t ps);

class TraceEventWriter {
 public:
  // `other_data_json`: a JSON object describing the trace (shown by chrome://tracing's metadata view).
  TraceEventWriter(std::filesystem::path target, std::string_view other_data_json);

  // `args_json` is a JSON object ("{...}").
  void process_name(int pid, std::string_view name, std::string_view labels);
  void thread_name(int pid, int tid, std::string_view name, int sort_index);
  void slice(int pid, int tid, std::string_view name, std::uint64_t start_ps, std::uint64_t end_ps,
             std::string_view args_json);
  void counter(int pid, std::string_view name, std::uint64_t at_ps, std::string_view args_json);

  // Closes the event list; throws std::runtime_error naming the file when a write failed.
  util::StagedFile finish();

 private:
  void event(const std::string& text);

  util::StagedWriter output_;
  std::string buffer_;
  bool first_ = true;
};

}  // namespace qtsim::hwsim
