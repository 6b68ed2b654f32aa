#pragma once
// Runs training steps of a workload on the simulated accelerator: one SystemC
// simulation in which the host loads the initial parameters, then for each step
// lowers it to a program, writes the batch into DRAM, runs the program and (in
// exact mode) reads back every recorded tensor. The initial parameters are the
// reference's (same seed), as a host would initialise the accelerator.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "models/hw/core/hw_config.hpp"
#include "models/hw/core/kernel.hpp"
#include "models/ref/model.hpp"
#include "models/ref/tensor_sink.hpp"
#include "sim/data/dataset.hpp"
#include "sim/hwsim/run_stats.hpp"
#include "sim/util/staged_file.hpp"
#include "sim/workload/workload.hpp"

namespace qtsim::hwsim {

// --trace FILE.vcd: unit-busy and buffer-occupancy signals for GTKWave (vcd_trace.hpp);
// --trace FILE.json: a timeline for Perfetto UI and chrome://tracing (chrome_trace.hpp).
enum class TraceFormat { vcd, chrome };

struct SessionOptions {
  hw::ExecMode mode = hw::ExecMode::exact;
  std::int64_t steps = 1;
  std::string trace_path;      // written under exactly this name ("" for none)
  TraceFormat trace_format = TraceFormat::vcd;
  bool progress = false;       // progress on stderr
};

struct StepOutcome {
  std::int64_t step = 0;
  double loss = 0.0;           // exact mode
  std::int64_t correct = 0;
  std::uint64_t cycles = 0;
  hw::NumericEvents events;    // this step's saturations and faults
  std::optional<std::string> first_fault;  // "NaN in block1.conv1/y at index 12" (exact mode, float tensors)
};

// Called after each step (after `sink` received the step's tensors); returning
// false stops the run after this step.
using StepDone = std::function<bool(const StepOutcome&)>;

// One workload on one accelerator. `data` may be null in timing mode (no values
// are moved). `sink`, if given, receives the step's tensors (exact mode) before
// `done` is called.
struct HardwareJob {
  const workload::Workload* workload = nullptr;
  const hw::HwConfig* config = nullptr;
  SessionOptions options;
  const data::DatasetPair* data = nullptr;
  RunStats* stats = nullptr;
  ref::TensorSink* sink = nullptr;
  StepDone done;
  // Validation of FP32 schemes: before every step after the first, the
  // hardware takes this model's parameters, optimizer state and running
  // statistics (the reference's, advanced by the previous step's `done`). The
  // hardware's FP32 sums follow its dataflow's order, which differs from the
  // reference's in the last bits; over steps such differences grow through
  // ReLU and max decisions, so each step is compared from the same state.
  ref::Model* resync = nullptr;
};

// Runs every job on its own accelerator instance in one SystemC simulation
// (SystemC elaborates once per process): the accelerators share nothing, each
// counts its own cycles from its own start. Call at most once per process.
// How a run ended: every job complete, or stopped by SIGINT/SIGTERM (the
// statistics then hold the steps that completed).
struct RunEnd {
  int interrupted_by = 0;  // the signal, 0 when complete
  std::vector<util::StagedFile> traces;  // complete traces, to be committed with the run's outputs
};
RunEnd run_jobs(const std::vector<HardwareJob>& jobs);

RunEnd run_on_hardware(const workload::Workload& w, const hw::HwConfig& config, const SessionOptions& options,
                     const data::DatasetPair* data, RunStats& stats, ref::TensorSink* sink, const StepDone& done,
                     ref::Model* resync = nullptr);

// DRAM bytes a step of this workload needs on this hardware (for the memory guard).
std::uint64_t dram_bytes_needed(const workload::Workload& w, const hw::HwConfig& config);

}  // namespace qtsim::hwsim
