// --trace FILE.json: the Chrome trace-event format (JSON object format) that
// Perfetto UI and chrome://tracing open, checked against the format and
// against the run's own statistics. No trace viewer runs offline here, so the
// format is checked event by event: every slice has name, ph, ts, dur, pid and
// tid; slices on one track do not overlap; the busy slices of the MAC array
// add up to its busy cycles in stats.json.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "run_tool.hpp"

namespace qtsim::test {
namespace {

using nlohmann::json;

// Trace timestamps are microseconds with six decimals: whole picoseconds.
std::int64_t picoseconds(const json& us) { return std::llround(us.get<double>() * 1e6); }

struct Slice {
  std::int64_t start = 0, end = 0;
  const json* event = nullptr;
};

class ChromeTraceOfAStep : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir;
    // The trace inside --out: committed with the run's files.
    const ToolRun r = run_qtsim("simulate workloads/fmnist-cnn.json --hw workloads/hw/int8-fixup-8x8.json --mode timing "
                                "--steps 1 --no-progress --out " + (dir_->path / "o").string() + " --trace " +
                                (dir_->path / "o" / "trace.json").string());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    trace_ = new json(json::parse(read_file(dir_->path / "o" / "trace.json")));
    stats_ = new json(json::parse(read_file(dir_->path / "o" / "stats.json")));
  }
  static void TearDownTestSuite() {
    delete trace_;
    delete stats_;
    delete dir_;
  }
  static const json& events() { return (*trace_)["traceEvents"]; }
  // The name of each track (thread), from the metadata events.
  static std::map<int, std::string> track_names() {
    std::map<int, std::string> names;
    for (const json& e : events())
      if (e["ph"] == "M" && e["name"] == "thread_name") names[e["tid"].get<int>()] = e["args"]["name"];
    return names;
  }
  static std::map<std::string, std::vector<Slice>> slices_by_track() {
    const auto names = track_names();
    std::map<std::string, std::vector<Slice>> tracks;
    for (const json& e : events())
      if (e["ph"] == "X") {
        const std::int64_t start = picoseconds(e["ts"]);
        tracks[names.at(e["tid"].get<int>())].push_back({start, start + picoseconds(e["dur"]), &e});
      }
    return tracks;
  }
  static std::uint64_t sum_arg(const std::vector<Slice>& slices, const char* key) {
    std::uint64_t sum = 0;
    for (const Slice& s : slices) sum += (*s.event)["args"][key].get<std::uint64_t>();
    return sum;
  }

  static TempDir* dir_;
  static json* trace_;
  static json* stats_;
};

TempDir* ChromeTraceOfAStep::dir_ = nullptr;
json* ChromeTraceOfAStep::trace_ = nullptr;
json* ChromeTraceOfAStep::stats_ = nullptr;

TEST_F(ChromeTraceOfAStep, IsTheJsonObjectFormatWithItsClockInTheMetadata) {
  ASSERT_TRUE(trace_->is_object());
  ASSERT_TRUE(events().is_array());
  EXPECT_EQ((*trace_)["displayTimeUnit"], "ns");
  EXPECT_EQ((*trace_)["otherData"]["clock_mhz"], 1000.0);
  EXPECT_EQ((*trace_)["otherData"]["hardware"], "int8-fixup-8x8");
  bool process_named = false;
  for (const json& e : events()) {
    ASSERT_TRUE(e.contains("ph") && e["ph"].is_string()) << e;
    const std::string ph = e["ph"];
    ASSERT_TRUE(ph == "M" || ph == "X" || ph == "C") << e;
    EXPECT_TRUE(e["name"].is_string() && e["pid"].is_number_integer()) << e;
    if (ph != "M") continue;
    EXPECT_TRUE(e["args"].is_object() && e["tid"].is_number_integer()) << e;
    if (e["name"] == "process_name") process_named = e["args"]["name"].get<std::string>().find("fmnist-cnn") != std::string::npos;
    if (e["name"] == "process_labels") {
      EXPECT_NE(e["args"]["labels"].get<std::string>().find("1000 MHz"), std::string::npos) << e;
    }
  }
  EXPECT_TRUE(process_named);
  EXPECT_EQ(track_names(), (std::map<int, std::string>{{1, "steps"},
                                                       {2, "MAC array: kernels"},
                                                       {3, "MAC array: busy"},
                                                       {4, "vector unit: kernels"},
                                                       {5, "vector unit: busy"},
                                                       {6, "normalization unit: kernels"},
                                                       {7, "normalization unit: busy"},
                                                       {8, "DMA: DRAM bus"}}));
}

TEST_F(ChromeTraceOfAStep, EverySliceIsCompleteAndSlicesOnATrackDoNotOverlap) {
  std::size_t slices = 0;
  for (const json& e : events()) {
    if (e["ph"] != "X") continue;
    ++slices;
    for (const char* key : {"name", "ph", "ts", "dur", "pid", "tid"}) ASSERT_TRUE(e.contains(key)) << key << " missing: " << e;
    EXPECT_TRUE(e["ts"].is_number() && e["dur"].is_number()) << e;
    EXPECT_GE(e["ts"].get<double>(), 0.0) << e;
    EXPECT_GE(e["dur"].get<double>(), 0.0) << e;
    EXPECT_FALSE(e["name"].get<std::string>().empty()) << e;
  }
  EXPECT_GT(slices, 100u);
  for (auto& [track, list] : slices_by_track()) {
    std::sort(list.begin(), list.end(), [](const Slice& a, const Slice& b) { return a.start < b.start; });
    for (std::size_t i = 1; i < list.size(); ++i)
      ASSERT_LE(list[i - 1].end, list[i].start) << track << ": " << *list[i - 1].event << " overlaps " << *list[i].event;
  }
}

TEST_F(ChromeTraceOfAStep, BusySlicesAddUpToEachUnitsBusyCycles) {
  auto tracks = slices_by_track();
  const json& busy = (*stats_)["totals"]["unit_busy_cycles"];
  const std::uint64_t mac = busy["mac_array"];
  ASSERT_GT(mac, 0u);
  EXPECT_EQ(sum_arg(tracks["MAC array: busy"], "cycles"), mac);
  // At 1 GHz a cycle is 1000 ps: the durations add up to the same.
  std::int64_t duration = 0;
  for (const Slice& s : tracks["MAC array: busy"]) duration += s.end - s.start;
  EXPECT_EQ(duration, static_cast<std::int64_t>(mac) * 1000);
  EXPECT_EQ(sum_arg(tracks["vector unit: busy"], "cycles"), busy["vector_unit"].get<std::uint64_t>());
  EXPECT_EQ(sum_arg(tracks["MAC array: busy"], "tiles") + sum_arg(tracks["vector unit: busy"], "tiles") +
                sum_arg(tracks["normalization unit: busy"], "tiles"),
            (*stats_)["totals"]["tiles"].get<std::uint64_t>());
}

TEST_F(ChromeTraceOfAStep, KernelSlicesCarryTheStatisticsOfEachKernel) {
  auto tracks = slices_by_track();
  const json& totals = (*stats_)["totals"];
  const auto& mac = tracks["MAC array: kernels"];
  const auto& vec = tracks["vector unit: kernels"];
  const auto& norm = tracks["normalization unit: kernels"];
  EXPECT_EQ(mac.size() + vec.size() + norm.size(), totals["kernels"].get<std::size_t>());
  EXPECT_EQ(sum_arg(mac, "busy_cycles"), totals["unit_busy_cycles"]["mac_array"].get<std::uint64_t>());
  EXPECT_EQ(sum_arg(mac, "cycles") + sum_arg(vec, "cycles") + sum_arg(norm, "cycles"),
            totals["elapsed_cycles"].get<std::uint64_t>());
  EXPECT_EQ(sum_arg(mac, "dram_read_bytes") + sum_arg(vec, "dram_read_bytes") + sum_arg(norm, "dram_read_bytes"),
            totals["actions"]["dram.read_bytes"].get<std::uint64_t>());
  // Named by layer, op and phase, with the kernel's label in the args.
  const json& first = *mac.front().event;
  EXPECT_EQ(first["name"], first["args"]["layer"].get<std::string>() + " " + first["args"]["op"].get<std::string>() +
                               " (" + first["args"]["phase"].get<std::string>() + ")");
  std::set<std::string> phases;
  for (const Slice& s : mac) phases.insert((*s.event)["args"]["phase"]);
  EXPECT_EQ(phases, (std::set<std::string>{"forward", "backward-data", "backward-weights"}));
  const auto& steps = tracks["steps"];
  ASSERT_EQ(steps.size(), 1u);
  EXPECT_EQ((*steps.front().event)["args"]["cycles"], totals["cycles"]);
}

TEST_F(ChromeTraceOfAStep, DmaSlicesAndTheBandwidthCounterAccountForEveryDramByte) {
  auto tracks = slices_by_track();
  const json& actions = (*stats_)["totals"]["actions"];
  const std::uint64_t dram = actions["dram.read_bytes"].get<std::uint64_t>() + actions["dram.write_bytes"].get<std::uint64_t>();
  EXPECT_EQ(sum_arg(tracks["DMA: DRAM bus"], "bytes"), dram);
  EXPECT_EQ(sum_arg(tracks["DMA: DRAM bus"], "transfers"), actions["dma.transfers"].get<std::uint64_t>());
  // The counter holds each window's average: its integral is the bytes moved.
  const double window_ns = 1000.0 * (*trace_)["otherData"]["dram_bandwidth_window_us"].get<double>();
  std::vector<std::pair<std::int64_t, double>> samples;  // time, GB/s read + written
  for (const json& e : events())
    if (e["ph"] == "C" && e["name"] == "DRAM bandwidth") {
      const double read = e["args"]["read GB/s"], write = e["args"]["write GB/s"];
      EXPECT_LE(read + write, 25.6 * 1.000001) << "above the DRAM's bandwidth: " << e;
      samples.emplace_back(picoseconds(e["ts"]), read + write);
    }
  ASSERT_GT(samples.size(), 10u);
  double bytes = 0.0;
  for (std::size_t i = 0; i + 1 < samples.size(); ++i)
    bytes += samples[i].second * static_cast<double>(samples[i + 1].first - samples[i].first) / 1000.0;
  EXPECT_EQ(samples.back().second, 0.0) << "the bus is idle after the run";
  EXPECT_NEAR(bytes, static_cast<double>(dram), 1e-6 * static_cast<double>(dram)) << "window " << window_ns << " ns";
}

TEST_F(ChromeTraceOfAStep, BufferOccupancyCountersStayWithinEachBuffer) {
  const std::map<std::string, std::uint64_t> capacity{
      {"ifmap buffer occupancy", 64 << 10}, {"filter buffer occupancy", 64 << 10}, {"ofmap buffer occupancy", 64 << 10},
      {"vector buffer occupancy", 256 << 10}};
  std::map<std::string, std::uint64_t> peak, last;
  for (const json& e : events())
    if (e["ph"] == "C" && capacity.count(e["name"])) {
      const std::uint64_t bytes = e["args"]["bytes"];
      peak[e["name"]] = std::max(peak[e["name"]], bytes);
      last[e["name"]] = bytes;
    }
  for (const auto& [name, cap] : capacity) {
    EXPECT_GT(peak[name], 0u) << name;
    EXPECT_LE(peak[name], cap) << name;
    EXPECT_EQ(last[name], 0u) << name << ": every tile is consumed and stored by the end of the step";
  }
}

}  // namespace
}  // namespace qtsim::test
