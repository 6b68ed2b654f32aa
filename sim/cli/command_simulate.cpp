// qtsim simulate WORKLOAD --hw HW [--steps N] [--mode exact|timing] --out DIR [--trace FILE.json|FILE.vcd]
// qtsim simulate --scalesim-cfg FILE --topology FILE.csv --out DIR
#include <fmt/format.h>
#include <iostream>

#include "command.hpp"
#include "options.hpp"
#include "sim/cli/hw_run_setup.hpp"
#include "sim/hwsim/fault_watch.hpp"
#include "sim/hwsim/hw_session.hpp"
#include "sim/hwsim/simulation_outputs.hpp"
#include "sim/input/diagnostic.hpp"
#include "sim/scalesim/run_scalesim.hpp"
#include "sim/util/output_folder.hpp"
#include "run_files.hpp"

namespace qtsim::cli {

namespace {

// Saturations and non-finite values go to stderr as they happen (and into stats.json).
void report_numeric_faults(const hwsim::StepOutcome& o, const hw::HwConfig& config) {
  if (o.events.accumulator_saturations)
    std::cerr << fmt::format("warning: step {}: {} partial sums saturated the {}-bit accumulators\n", o.step,
                             o.events.accumulator_saturations, config.array.accumulator_bits);
  for (const auto& [path, q] : o.events.paths) {
    if (q.saturated)
      std::cerr << fmt::format("warning: step {}: {} of {} values saturated the {} quantizer\n", o.step, q.saturated,
                               q.elements, path);
    if (q.nonfinite)
      std::cerr << fmt::format("warning: step {}: {} NaN/Inf values entered the {} path\n", o.step, q.nonfinite, path);
  }
  if (o.first_fault) std::cerr << fmt::format("warning: step {}: first {}\n", o.step, *o.first_fault);
}

}  // namespace

int run_simulate(const Args& args) {
  po::options_description opts("simulate options");
  opts.add_options()
      ("hw", po::value<std::string>(), "hardware configuration: a preset name (int8-fixup-16x16, ...: workloads/hw/NAME.json) or a file (.json)")
      ("dataflow", po::value<std::string>(), "override the MAC array's dataflow: os, ws or is")
      ("array", po::value<std::string>(), "override the MAC array's size, ROWSxCOLS (e.g. 8x8)")
      ("steps", po::value<std::int64_t>(), "training steps to simulate (default 1)")
      ("mode", po::value<std::string>()->default_value("exact"), "exact (moves and computes the data) or timing (counts only)")
      ("out", po::value<std::string>(), "output directory for stats.json and the CSV files")
      ("trace", po::value<std::string>(), "write a trace: FILE.json, a timeline of kernels, unit busy intervals, DMA "
                                          "transfers, buffer occupancy and DRAM bandwidth for Perfetto UI or "
                                          "chrome://tracing; FILE.vcd, unit-busy and buffer-occupancy signals for GTKWave")
      ("seed", po::value<std::string>(), "override training.seed (an integer in [0, 4294967295])")
      ("scheme", po::value<std::string>(), "override the scheme with a preset")
      ("max-memory", po::value<std::string>(), "refuse exact runs needing more DRAM model memory than this (e.g. 8G; default half of RAM)")
      ("scalesim-cfg", po::value<std::string>(), "SCALE-Sim configuration file (instead of a workload)")
      ("topology", po::value<std::string>(), "SCALE-Sim topology CSV (with --scalesim-cfg)")
      ("topology-format", po::value<std::string>(), "conv (SCALE-Sim's layer rows) or gemm (its M, N, K rows, as its -i gemm); "
                                                   "default: from the header")
      ("ideal-memory", "buffers larger than any tensor (each GEMM one tile), unlimited DRAM bandwidth, no latency: "
                       "how the design would run if memory cost nothing (SCALE-Sim inputs: its no-stall compute cycles)")
      ("no-progress", "no progress line on stderr");
  const ParsedOptions p = parse_options(args, opts, {"workload?"},
                                        "usage: qtsim simulate WORKLOAD.json --hw HW.json --out DIR [options]\n"
                                        "       qtsim simulate --scalesim-cfg CFG --topology TOPOLOGY.csv --out DIR\n"
                                        "Runs training steps of the workload on the simulated accelerator and writes its statistics.");
  if (p.help) return 0;
  const auto& v = p.values;
  if (!v.count("out")) throw input::InputError(input::Diagnostic{"command line", "--out", "an output directory", "nothing", ""});
  if (v.count("topology-format") && !v.count("scalesim-cfg"))
    throw input::InputError(input::Diagnostic{"command line", "--topology-format", "--scalesim-cfg and --topology with it",
                                              "--topology-format alone", ""});
  if (v.count("scalesim-cfg") || v.count("topology")) {
    if (!v.count("scalesim-cfg"))
      throw input::InputError(input::Diagnostic{"command line", "--scalesim-cfg", "a SCALE-Sim .cfg with --topology",
                                                "--topology alone", ""});
    refuse_unused_options(v, {"WORKLOAD", "--hw", "--steps", "--mode", "--seed", "--scheme", "--dataflow", "--array", "--max-memory", "--trace"},
                          "with --scalesim-cfg", "SCALE-Sim inputs take the layers from the topology and the hardware from the .cfg");
    scalesim::ScaleSimOptions so;
    so.cfg_path = v["scalesim-cfg"].as<std::string>();
    if (v.count("topology")) so.topology_path = v["topology"].as<std::string>();
    so.out_dir = v["out"].as<std::string>();
    so.ideal_memory = v.count("ideal-memory") > 0;
    if (v.count("topology-format")) {
      const std::string f = v["topology-format"].as<std::string>();
      if (f != "conv" && f != "gemm")
        throw input::InputError(input::Diagnostic{"command line", "--topology-format", "conv or gemm", "\"" + f + "\"", ""});
      so.topology_format = f == "gemm" ? scalesim::TopologyFormat::gemm : scalesim::TopologyFormat::conv;
    }
    so.previous_run_files = files_of_any_run();
    return scalesim::run_scalesim(so, std::cout);
  }
  // Checked and locked before any work (lowering a large network's step takes seconds).
  util::OutputFolder out_folder(v["out"].as<std::string>(), "--out", files_of_any_run());
  HwRunSetup setup = prepare_hw_run(v, "simulate");
  if (!setup.session.trace_path.empty()) out_folder.refuse_run_file_name(setup.session.trace_path, "--trace");
  if (v.count("ideal-memory")) setup.config = hw::with_ideal_memory(setup.config);
  load_run_data(setup);
  hwsim::RunStats stats(setup.config);
  std::vector<hwsim::StepOutcome> steps;
  hwsim::FaultWatch faults;  // exact mode: first NaN/Inf of each step
  const bool exact = setup.session.mode == hw::ExecMode::exact;
  hwsim::RunEnd end = hwsim::run_on_hardware(
      setup.workload, setup.config, setup.session, setup.data ? &*setup.data : nullptr, stats, exact ? &faults : nullptr,
      [&](const hwsim::StepOutcome& o) {
        steps.push_back(o);
        if (auto f = faults.take())
          steps.back().first_fault = fmt::format("{} in {} at index {}", f->what, f->tensor, f->index);
        report_numeric_faults(steps.back(), setup.config);
        return true;
      });
  if (end.interrupted_by && steps.empty()) {
    std::cerr << "interrupted before the first step completed: nothing written\n";
    return 128 + end.interrupted_by;
  }
  const hwsim::SimulationOutputs out{setup.workload, setup.config, setup.hw_document, setup.session, stats, steps,
                                     end.interrupted_by};
  out_folder.commit(hwsim::simulation_files(out), &end.traces);
  if (end.interrupted_by) {
    std::cerr << fmt::format("interrupted after {} of {} steps: outputs in {} hold the completed steps, marked partial\n",
                             steps.size(), setup.session.steps, v["out"].as<std::string>());
    return 128 + end.interrupted_by;
  }
  const hwsim::Totals t = stats.total();
  std::cout << fmt::format("simulated {} step(s) of {} ({}) on {}{} in {} mode: {} cycles ({:.3f} ms at {} MHz), "
                           "{} stall cycles, array utilization {:.1f}%\n",
                           setup.session.steps, setup.workload.name, setup.workload.scheme.name, setup.config.name,
                           setup.config.ideal_memory ? " with ideal memory" : "",
                           setup.session.mode == hw::ExecMode::exact ? "exact" : "timing", t.cycles,
                           static_cast<double>(t.cycles) * setup.config.cycle_ns() * 1e-6, setup.config.clock_mhz,
                           t.stall_cycles(), 100.0 * stats.array_utilization(t));
  std::cout << fmt::format("outputs in {}\n", v["out"].as<std::string>());
  return 0;
}

}  // namespace qtsim::cli
