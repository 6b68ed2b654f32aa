// qtsim train WORKLOAD [--steps N] [--seed S] [--scheme NAME] [--out DIR] [--dump DIR] [--threads N]
#include <fmt/format.h>
#include <iostream>

#include "command.hpp"
#include "models/ref/parallel.hpp"
#include "models/ref/scheme.hpp"
#include "options.hpp"
#include "sim/input/diagnostic.hpp"
#include "sim/train/trainer.hpp"
#include "workload_overrides.hpp"

namespace qtsim::cli {

int run_train(const Args& args) {
  po::options_description opts("train options");
  opts.add_options()
      ("steps", po::value<std::int64_t>(), "stop after N training steps")
      ("seed", po::value<std::uint32_t>(), "override training.seed")
      ("scheme", po::value<std::string>(), "override the scheme with a preset (qtsim scheme lists them)")
      ("out", po::value<std::string>(), "directory for train_log.json and checkpoint/ (default out/train/<workload>)")
      ("dump", po::value<std::string>(), "write every tensor of every step to this directory (docs/DUMPS.md)")
      ("threads", po::value<int>(), "worker threads (default: all cores; results do not depend on it)")
      ("no-progress", "no progress line on stderr")
      ("no-eval", "skip test-set evaluation");
  const ParsedOptions p = parse_options(args, opts, {"workload"},
                                        "usage: qtsim train WORKLOAD.json [options]\n"
                                        "Trains the workload's network with the bit-exact reference and reports per-epoch loss and accuracy.");
  if (p.help) return 0;
  const auto& v = p.values;
  WorkloadOverrides overrides;
  if (v.count("seed")) overrides.seed = v["seed"].as<std::uint32_t>();
  if (v.count("scheme")) overrides.scheme = v["scheme"].as<std::string>();
  if (v.count("steps")) overrides.steps = v["steps"].as<std::int64_t>();
  const workload::Workload w = load_with_overrides(v["workload"].as<std::string>(), overrides);
  if (v.count("threads")) {
    const int t = v["threads"].as<int>();
    if (t < 1 || t > 256) throw input::InputError(input::Diagnostic{"command line", "--threads", "an integer in [1, 256]", std::to_string(t), ""});
    ref::set_thread_count(t);
  }
  train::TrainOptions options;
  options.out_dir = v.count("out") ? v["out"].as<std::string>() : "out/train/" + w.name;
  if (v.count("dump")) options.dump_dir = v["dump"].as<std::string>();
  options.max_steps = overrides.steps.value_or(0);
  options.progress = !v.count("no-progress");
  options.evaluate = !v.count("no-eval");
  const data::DatasetPair data = train::load_data(w);
  const train::TrainSummary s = train::train(w, data, options, std::cout);
  std::cout << fmt::format("done: {} steps in {:.1f} s; log and checkpoint in {}\n", s.steps_run, s.wall_seconds,
                           options.out_dir.string());
  return 0;
}

}  // namespace qtsim::cli
