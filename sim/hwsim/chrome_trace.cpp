#include "chrome_trace.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "models/hw/memory/sram_buffer.hpp"
#include "models/hw/units/tile_pipeline.hpp"

namespace qtsim::hwsim {

namespace {

constexpr int kStepsTrack = 1, kDramTrack = 8;
constexpr std::size_t kMaxListed = 8;  // tensors and buffers named in a merged DMA slice

int kernels_track(int unit) { return 2 + 2 * unit; }
int busy_track(int unit) { return 3 + 2 * unit; }
int unit_index(hw::Unit u) { return static_cast<int>(u); }

const char* unit_title(int unit) {
  switch (unit) {
    case 0: return "MAC array";
    case 1: return "vector unit";
    default: return "normalization unit";
  }
}

std::string other_data(const hw::HwConfig& config, const std::string& run) {
  nlohmann::ordered_json j{{"generator", "qtsim"},
                           {"run", run},
                           {"hardware", config.name},
                           {"clock_mhz", config.clock_mhz},
                           {"cycle_ns", config.cycle_ns()},
                           {"time_unit", fmt::format("microseconds of simulated time (1 us = {:g} cycles at {:g} MHz)",
                                                     config.clock_mhz, config.clock_mhz)},
                           {"dram_bandwidth_window_us", static_cast<double>(kBandwidthWindowPs) / 1e6}};
  return j.dump();
}

void add_distinct(std::vector<std::string>& list, const std::string& name) {
  if (list.size() < kMaxListed && std::find(list.begin(), list.end(), name) == list.end()) list.push_back(name);
}

std::string json_list(const std::vector<std::string>& list) { return nlohmann::json(list).dump(); }

}  // namespace

ChromeTrace::ChromeTrace(std::filesystem::path target, const hw::HwConfig& config, const std::string& run, int pid)
    : out_(std::move(target), other_data(config, run)), pid_(pid) {
  // SystemC counts time in ticks of its resolution (1 ps unless a model changes it).
  const double tick = sc_core::sc_get_time_resolution().to_seconds() * 1e12;
  if (tick < 1.0) throw std::logic_error("the trace needs a SystemC time resolution of at least 1 ps");
  tick_ps_ = static_cast<std::uint64_t>(std::llround(tick));
  out_.process_name(pid_, "qtsim: " + run,
                    fmt::format("{:g} MHz clock, {:g} ns per cycle", config.clock_mhz, config.cycle_ns()));
  out_.thread_name(pid_, kStepsTrack, "steps", kStepsTrack);
  for (int u = 0; u < 3; ++u) {
    out_.thread_name(pid_, kernels_track(u), std::string(unit_title(u)) + ": kernels", kernels_track(u));
    out_.thread_name(pid_, busy_track(u), std::string(unit_title(u)) + ": busy", busy_track(u));
  }
  out_.thread_name(pid_, kDramTrack, "DMA: DRAM bus", kDramTrack);
  out_.counter(pid_, "DRAM bandwidth", 0, R"({"read GB/s":0,"write GB/s":0})");
}

std::uint64_t ChromeTrace::ps(sc_core::sc_time t) const { return t.value() * tick_ps_; }

void ChromeTrace::step(std::int64_t step, sc_core::sc_time start, sc_core::sc_time end, std::uint64_t cycles) {
  out_.slice(pid_, kStepsTrack, fmt::format("step {}", step), ps(start), ps(end),
             fmt::format(R"({{"step":{},"cycles":{}}})", step, cycles));
}

void ChromeTrace::kernel(const hw::KernelStats& k, sc_core::sc_time start, sc_core::sc_time end) {
  const hw::KernelLabel& l = k.label;
  const std::string args = fmt::format(
      R"({{"layer":{},"op":{},"phase":{},"path":{},"unit":{},"step":{},"start_cycle":{},"cycles":{},"busy_cycles":{},)"
      R"("stall_cycles":{},"tiles":{},"dram_read_bytes":{},"dram_write_bytes":{}}})",
      json_string(l.layer), json_string(l.op), json_string(hw::to_string(l.phase)), json_string(l.path),
      json_string(hw::to_string(l.unit)), step_, k.start_cycle, k.cycles, k.busy_cycles,
      k.cycles > k.busy_cycles ? k.cycles - k.busy_cycles : 0, k.tiles, k.actions[hw::Action::dram_read],
      k.actions[hw::Action::dram_write]);
  out_.slice(pid_, kernels_track(unit_index(l.unit)), hw::to_string(l), ps(start), ps(end), args);
}

void ChromeTrace::unit_busy(const hw::KernelLabel& kernel, std::uint64_t cycles, sc_core::sc_time start,
                            sc_core::sc_time end) {
  const int u = unit_index(kernel.unit);
  std::optional<Pending>& p = busy_[u];
  std::string name = hw::to_string(kernel);
  if (!p || p->end != start || p->name != name) {
    write_busy(u);
    p = Pending{std::move(name), start, start, 0, 0, 0, {}, {}};
  }
  p->end = end;
  p->cycles += cycles;
  ++p->count;
}

void ChromeTrace::write_busy(int unit) {
  std::optional<Pending>& p = busy_[unit];
  if (!p) return;
  out_.slice(pid_, busy_track(unit), p->name, ps(p->start), ps(p->end),
             fmt::format(R"({{"kernel":{},"cycles":{},"tiles":{}}})", json_string(p->name), p->cycles, p->count));
  p.reset();
}

void ChromeTrace::dram_transfer(const hw::KernelLabel& kernel, const hw::DmaTransfer& t, std::uint64_t bus_bytes,
                                sc_core::sc_time start, sc_core::sc_time end) {
  const bool read = t.direction == hw::DmaTransfer::Direction::to_sram;
  std::string name = hw::to_string(kernel);
  if (!dma_ || dma_read_ != read || dma_->end != start || dma_->name != name) {
    write_dma();
    dma_ = Pending{std::move(name), start, start, 0, 0, 0, {}, {}};
    dma_read_ = read;
  }
  dma_->end = end;
  dma_->bytes += bus_bytes;
  ++dma_->count;
  add_distinct(dma_->tensors, t.tensor.name);
  if (t.sram) add_distinct(dma_->buffers, t.sram->spec().name);
  add_bandwidth(read, bus_bytes, ps(start), ps(end));
}

void ChromeTrace::write_dma() {
  if (!dma_) return;
  out_.slice(pid_, kDramTrack, (dma_read_ ? "load: " : "store: ") + dma_->name, ps(dma_->start), ps(dma_->end),
             fmt::format(R"({{"kernel":{},"direction":"{}","bytes":{},"transfers":{},"tensors":{},"buffers":{}}})",
                         json_string(dma_->name), dma_read_ ? "DRAM to SRAM" : "SRAM to DRAM", dma_->bytes,
                         dma_->count, json_list(dma_->tensors), json_list(dma_->buffers)));
  dma_.reset();
}

void ChromeTrace::buffer_occupancy(const hw::SramBuffer& buffer, std::uint64_t bytes, sc_core::sc_time at) {
  auto it = std::find_if(occupancy_.begin(), occupancy_.end(), [&](const Occupancy& o) { return o.buffer == &buffer; });
  if (it == occupancy_.end()) {
    // The counter starts empty at time 0.
    occupancy_.push_back(Occupancy{&buffer, buffer.spec().name + " buffer occupancy", 0, 0, std::nullopt});
    it = occupancy_.end() - 1;
  }
  // Several writes at one instant (a tile's loads, its output): the last one holds.
  const std::uint64_t t = ps(at);
  if (t != it->pending_ps) write_occupancy(*it);
  it->pending_ps = t;
  it->pending_bytes = bytes;
}

void ChromeTrace::write_occupancy(Occupancy& o) {
  if (o.written == o.pending_bytes) return;
  out_.counter(pid_, o.counter, o.pending_ps, fmt::format(R"({{"bytes":{}}})", o.pending_bytes));
  o.written = o.pending_bytes;
}

// Transfers come in the order they use the bus, so windows before a
// transfer's start are complete when it comes.
void ChromeTrace::add_bandwidth(bool read, std::uint64_t bytes, std::uint64_t start_ps, std::uint64_t end_ps) {
  write_bandwidth_before(start_ps / kBandwidthWindowPs);
  const std::uint64_t last = (end_ps > start_ps ? end_ps - 1 : start_ps) / kBandwidthWindowPs;
  while (first_window_ + windows_.size() <= last) windows_.emplace_back(0.0, 0.0);
  for (std::uint64_t w = start_ps / kBandwidthWindowPs; w <= last; ++w) {
    const std::uint64_t from = std::max(start_ps, w * kBandwidthWindowPs);
    const std::uint64_t to = std::min(end_ps, (w + 1) * kBandwidthWindowPs);
    const double share = end_ps > start_ps ? static_cast<double>(to - from) / static_cast<double>(end_ps - start_ps) : 1.0;
    auto& [r, wr] = windows_[static_cast<std::size_t>(w - first_window_)];
    (read ? r : wr) += share * static_cast<double>(bytes);
  }
}

void ChromeTrace::write_bandwidth_before(std::uint64_t window) {
  constexpr double kNsPerWindow = static_cast<double>(kBandwidthWindowPs) / 1000.0;
  auto write = [&](std::uint64_t w, std::pair<double, double> bytes) {
    const std::pair<double, double> gbs{bytes.first / kNsPerWindow, bytes.second / kNsPerWindow};  // bytes/ns = GB/s
    if (gbs == bandwidth_written_) return;
    out_.counter(pid_, "DRAM bandwidth", w * kBandwidthWindowPs,
                 fmt::format(R"({{"read GB/s":{:.9g},"write GB/s":{:.9g}}})", gbs.first, gbs.second));
    bandwidth_written_ = gbs;
  };
  for (; first_window_ < window && !windows_.empty(); ++first_window_) {
    write(first_window_, windows_.front());
    windows_.pop_front();
  }
  // Windows without transfers up to `window`: the bus was idle.
  if (first_window_ < window) write(first_window_, {0.0, 0.0});
  first_window_ = std::max(first_window_, window);
}

util::StagedFile ChromeTrace::finish() {
  for (int u = 0; u < 3; ++u) write_busy(u);
  write_dma();
  write_bandwidth_before(first_window_ + windows_.size() + 1);
  for (Occupancy& o : occupancy_) write_occupancy(o);
  return out_.finish();
}

}  // namespace qtsim::hwsim
