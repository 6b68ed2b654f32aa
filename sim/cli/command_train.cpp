// qtsim train WORKLOAD [--steps N] [--seed S] [--scheme NAME] [--out DIR] [--dump DIR] [--threads N]
#include <fmt/format.h>
#include <filesystem>
#include <iostream>
#include <optional>

#include "command.hpp"
#include "models/ref/parallel.hpp"
#include "models/ref/scheme.hpp"
#include "options.hpp"
#include "sim/input/diagnostic.hpp"
#include "sim/train/trainer.hpp"
#include "run_files.hpp"
#include "sim/util/output_folder.hpp"
#include "workload_overrides.hpp"

namespace qtsim::cli {

int run_train(const Args& args) {
  po::options_description opts("train options");
  opts.add_options()
      ("steps", po::value<std::int64_t>(), "stop after N training steps")
      ("seed", po::value<std::string>(), "override training.seed (an integer in [0, 4294967295])")
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
  overrides.seed = seed_option(v);
  if (v.count("scheme")) overrides.scheme = v["scheme"].as<std::string>();
  if (v.count("steps")) overrides.steps = v["steps"].as<std::int64_t>();
  const workload::Workload w = load_with_overrides(v["workload"].as<std::string>(), overrides);
  if (v.count("threads")) {
    const int t = v["threads"].as<int>();
    if (t < 1 || t > 256) throw input::InputError(input::Diagnostic{"command line", "--threads", "an integer in [1, 256]", std::to_string(t), ""});
    ref::set_thread_count(t);
  }
  // The output folders are checked and locked before any work (an earlier run's files go at commit).
  const std::filesystem::path out_dir = v.count("out") ? v["out"].as<std::string>() : "out/train/" + w.name;
  util::OutputFolder out(out_dir, "--out", files_of_any_run());
  std::optional<util::OutputFolder> dump;
  if (v.count("dump")) {
    const std::filesystem::path dump_dir = v["dump"].as<std::string>();
    std::error_code ec;
    if (std::filesystem::equivalent(dump_dir, out_dir, ec))
      throw input::InputError(input::Diagnostic{"command line", "--dump", "a folder other than --out's (each holds one set of files)",
                                                "\"" + dump_dir.string() + "\", the --out folder", ""});
    dump.emplace(dump_dir, "--dump", files_of_any_run());
  }
  train::TrainOptions options;
  options.out = &out;
  if (dump) options.dump = &*dump;
  options.max_steps = overrides.steps.value_or(0);
  options.progress = !v.count("no-progress");
  options.evaluate = !v.count("no-eval");
  const data::DatasetPair data = train::load_data(w);
  const train::TrainSummary s = train::train(w, data, options, std::cout);
  if (s.interrupted_by) {
    std::cerr << (s.steps_run == 0 ? std::string("interrupted before the first step completed: nothing written\n")
                                   : fmt::format("interrupted after {} step(s): outputs in {} hold them, marked partial\n",
                                                 s.steps_run, out_dir.string()));
    return 128 + s.interrupted_by;
  }
  std::cout << fmt::format("done: {} steps in {:.1f} s; log and checkpoint in {}\n", s.steps_run, s.wall_seconds,
                           out_dir.string());
  return 0;
}

}  // namespace qtsim::cli
