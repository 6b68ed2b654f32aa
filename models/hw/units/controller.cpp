#include "controller.hpp"

#include "models/hw/memory/sram_buffer.hpp"

namespace qtsim::hw {

std::string to_string(Unit u) {
  switch (u) {
    case Unit::mac_array: return "mac_array";
    case Unit::vector_unit: return "vector_unit";
    case Unit::norm_unit: return "norm_unit";
  }
  return "?";
}

std::string to_string(Phase p) {
  switch (p) {
    case Phase::forward: return "forward";
    case Phase::backward_data: return "backward-data";
    case Phase::backward_weights: return "backward-weights";
    case Phase::update: return "update";
  }
  return "?";
}

namespace {

int output_slots(const SramBuffer* b) { return b->spec().double_buffered ? 2 : 1; }

bool conflict(const std::vector<TensorAccess>& a, const std::vector<TensorAccess>& b) {
  for (const TensorAccess& x : a)
    for (const TensorAccess& y : b)
      if ((x.write || y.write) && x.begin < y.end && y.begin < x.end) return true;
  return false;
}

}  // namespace

Controller::Controller(sc_core::sc_module_name name, KernelEnv env, DmaEngine& dma, ComputeUnit& mac, ComputeUnit& vec,
                       ComputeUnit& norm)
    : sc_module(name), env_(env), mac_(mac), vec_(vec), norm_(norm), period_(env.config->cycle_ns(), sc_core::SC_NS),
      mac_pipeline_("mac_pipeline", env_, dma, [this](Unit u) -> ComputeUnit& { return unit_of(u); },
                    output_slots(env.buffers.ofmap)),
      vector_pipeline_("vector_pipeline", env_, dma, [this](Unit u) -> ComputeUnit& { return unit_of(u); },
                       output_slots(env.buffers.vector)) {}

ComputeUnit& Controller::unit_of(Unit u) {
  switch (u) {
    case Unit::mac_array: return mac_;
    case Unit::vector_unit: return vec_;
    case Unit::norm_unit: return norm_;
  }
  return vec_;
}

void Controller::record(ActivityRecorder* r) {
  recorder_ = r;
  mac_pipeline_.record(r);
  vector_pipeline_.record(r);
}

std::uint64_t Controller::now_cycles() const {
  return static_cast<std::uint64_t>(sc_core::sc_time_stamp() / period_ + 0.5);
}

bool Controller::run(const std::vector<std::unique_ptr<Kernel>>& program, const KernelDone& done,
                     const std::function<bool()>& stop) {
  enum class State { waiting, running, finished };
  const std::size_t n = program.size();
  std::vector<State> state(n, State::waiting);
  std::vector<KernelStats> stats(n);
  std::vector<sc_core::sc_time> started(n);
  std::vector<std::vector<TensorAccess>> access(n);
  std::vector<int> lane(n);  // 0: MAC pipeline, 1: vector pipeline
  std::vector<std::size_t> queue[2];
  for (std::size_t i = 0; i < n; ++i) {
    program[i]->accesses(access[i]);
    lane[i] = program[i]->label().unit == Unit::mac_array ? 0 : 1;
    queue[lane[i]].push_back(i);
  }
  TilePipeline* pipe[2] = {&mac_pipeline_, &vector_pipeline_};
  std::size_t head[2] = {0, 0};          // next kernel of each queue to start
  std::size_t running[2] = {n, n};       // kernel running on each pipeline (n: none)
  std::size_t reported = 0;              // kernels passed to `done`, in program order
  bool stopping = false;

  // A kernel may start when no earlier unfinished kernel of the other pipeline conflicts with it.
  auto ready = [&](std::size_t i) {
    const int other = 1 - lane[i];
    for (std::size_t q = head[other] == 0 ? 0 : head[other] - 1; q < queue[other].size(); ++q) {
      const std::size_t j = queue[other][q];
      if (j > i) break;
      if (state[j] != State::finished && conflict(access[i], access[j])) return false;
    }
    return true;
  };
  for (;;) {
    for (int p = 0; p < 2; ++p) {
      if (running[p] != n || head[p] >= queue[p].size() || stopping) continue;
      const std::size_t i = queue[p][head[p]];
      if (!ready(i)) continue;
      if (stop && stop()) {
        stopping = true;
        break;
      }
      ++head[p];
      running[p] = i;
      state[i] = State::running;
      stats[i].label = program[i]->label();
      stats[i].start_cycle = now_cycles();
      started[i] = sc_core::sc_time_stamp();
      program[i]->start(env_);
      pipe[p]->start(*program[i], stats[i]);
    }
    if (running[0] == n && running[1] == n) break;
    sc_core::wait(mac_pipeline_.done() | vector_pipeline_.done());
    for (int p = 0; p < 2; ++p) {
      const std::size_t i = running[p];
      if (i == n || !pipe[p]->idle()) continue;
      program[i]->finish(env_);
      stats[i].cycles = now_cycles() - stats[i].start_cycle;
      if (recorder_) recorder_->kernel(stats[i], started[i], sc_core::sc_time_stamp());
      state[i] = State::finished;
      running[p] = n;
    }
    while (reported < n && state[reported] == State::finished) {
      if (done) done(*program[reported], stats[reported]);
      ++reported;
    }
  }
  return !stopping && reported == n;
}

}  // namespace qtsim::hw
