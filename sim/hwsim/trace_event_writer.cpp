#include "trace_event_writer.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace qtsim::hwsim {

namespace {

constexpr std::size_t kFlushBytes = 1 << 20;

}  // namespace

std::string json_string(std::string_view text) {
  // Names are almost always plain: quoting them directly keeps a long trace's writing fast.
  const bool plain = std::none_of(text.begin(), text.end(), [](char c) {
    return c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x80;
  });
  if (plain) return "\"" + std::string(text) + "\"";
  return nlohmann::json(std::string(text)).dump();
}

std::string microseconds(std::uint64_t ps) { return fmt::format("{}.{:06}", ps / 1000000, ps % 1000000); }

TraceEventWriter::TraceEventWriter(std::filesystem::path target, std::string_view other_data_json)
    : output_(std::move(target)) {
  // Nanoseconds: kernels and tiles last from a few cycles to milliseconds.
  buffer_ = fmt::format("{{\"displayTimeUnit\":\"ns\",\"otherData\":{},\"traceEvents\":[\n", other_data_json);
}

void TraceEventWriter::event(const std::string& text) {
  if (!first_) buffer_ += ",\n";
  first_ = false;
  buffer_ += text;
  if (buffer_.size() >= kFlushBytes) {
    output_.write(buffer_);
    buffer_.clear();
  }
}

void TraceEventWriter::process_name(int pid, std::string_view name, std::string_view labels) {
  event(fmt::format(R"({{"name":"process_name","ph":"M","pid":{},"tid":0,"args":{{"name":{}}}}})", pid, json_string(name)));
  event(fmt::format(R"({{"name":"process_labels","ph":"M","pid":{},"tid":0,"args":{{"labels":{}}}}})", pid,
                    json_string(labels)));
}

void TraceEventWriter::thread_name(int pid, int tid, std::string_view name, int sort_index) {
  event(fmt::format(R"({{"name":"thread_name","ph":"M","pid":{},"tid":{},"args":{{"name":{}}}}})", pid, tid,
                    json_string(name)));
  event(fmt::format(R"({{"name":"thread_sort_index","ph":"M","pid":{},"tid":{},"args":{{"sort_index":{}}}}})", pid, tid,
                    sort_index));
}

void TraceEventWriter::slice(int pid, int tid, std::string_view name, std::uint64_t start_ps, std::uint64_t end_ps,
                             std::string_view args_json) {
  event(fmt::format(R"({{"name":{},"ph":"X","pid":{},"tid":{},"ts":{},"dur":{},"args":{}}})", json_string(name), pid, tid,
                    microseconds(start_ps), microseconds(end_ps - start_ps), args_json));
}

void TraceEventWriter::counter(int pid, std::string_view name, std::uint64_t at_ps, std::string_view args_json) {
  event(fmt::format(R"({{"name":{},"ph":"C","pid":{},"ts":{},"args":{}}})", json_string(name), pid, microseconds(at_ps),
                    args_json));
}

util::StagedFile TraceEventWriter::finish() {
  buffer_ += "\n]}\n";
  output_.write(buffer_);
  buffer_.clear();
  return output_.finish("trace");
}

}  // namespace qtsim::hwsim
