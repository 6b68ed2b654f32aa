// qtsim validate WORKLOAD --hw HW --steps N: the hardware against the reference, tensor by tensor.
#include <algorithm>

#include <fmt/format.h>
#include <iostream>
#include <optional>

#include "command.hpp"
#include "hw_run_setup.hpp"
#include "models/ref/model.hpp"
#include "options.hpp"
#include "sim/hwsim/captured_tensors.hpp"
#include "sim/hwsim/step_feed.hpp"
#include "sim/hwsim/tensor_compare.hpp"
#include "sim/input/diagnostic.hpp"
#include "sim/util/interrupt.hpp"
#include "sim/util/output_folder.hpp"
#include "run_files.hpp"

namespace qtsim::cli {

namespace {

// The network node a tensor belongs to: "block1.conv1/y" and "block1.conv1.weight/g" -> "block1.conv1".
std::string layer_of(const std::string& tensor, const ref::Network& net) {
  const std::string head = tensor.substr(0, tensor.find('/'));
  std::string best = head;
  std::size_t best_len = 0;
  for (const auto& n : net.nodes)
    if (n.name.size() > best_len && head.compare(0, n.name.size(), n.name) == 0 &&
        (head.size() == n.name.size() || head[n.name.size()] == '.')) {
      best = n.name;
      best_len = n.name.size();
    }
  return best;
}

std::string result_text(const hwsim::TensorComparison& c) {
  if (!c.ok) return fmt::format("MISMATCH ({} of {} elements)", c.mismatches, c.elements);
  if (c.kind == "float32") return c.max_ulp == 0 ? "identical" : fmt::format("within tolerance (max {} ulp)", c.max_ulp);
  return "exact";
}

// FNV-1a over every hardware tensor of the run (names, exponents, flags, values):
// equal digests across hardware configurations show they computed the same tensors.
struct Digest {
  std::uint64_t h = 1469598103934665603ull;
  void bytes(const void* p, std::size_t n) {
    const auto* c = static_cast<const unsigned char*>(p);
    for (std::size_t i = 0; i < n; ++i) h = (h ^ c[i]) * 1099511628211ull;
  }
  void add(const hwsim::CapturedTensor& t) {
    bytes(t.name.data(), t.name.size());
    if (const auto* q = std::get_if<ref::QTensor>(&t.value)) {
      bytes(&q->exp, sizeof q->exp);
      bytes(q->q.data(), q->q.size() * sizeof(std::int32_t));
      bytes(q->flag.data(), q->flag.size());
    } else {
      const auto& f = std::get<ref::FTensor>(t.value);
      bytes(f.data.data(), f.data.size() * sizeof(float));
    }
  }
};

}  // namespace

int run_validate(const Args& args) {
  po::options_description opts("validate options");
  opts.add_options()
      ("hw", po::value<std::string>(), "hardware configuration: a preset name (int8-fixup-16x16, ...: workloads/hw/NAME.json) or a file (.json)")
      ("dataflow", po::value<std::string>(), "override the MAC array's dataflow: os, ws or is")
      ("array", po::value<std::string>(), "override the MAC array's size, ROWSxCOLS (e.g. 8x8)")
      ("steps", po::value<std::int64_t>(), "training steps to compare (default 1)")
      ("seed", po::value<std::string>(), "override training.seed (an integer in [0, 4294967295])")
      ("scheme", po::value<std::string>(), "override the scheme with a preset")
      ("rtol", po::value<double>(), "float tensors: relative tolerance (default 1e-4)")
      ("max-memory", po::value<std::string>(), "refuse runs needing more DRAM model memory than this (default half of RAM)")
      ("out", po::value<std::string>(), "also write validation.json to this directory")
      ("quiet", "print only step summaries and mismatches")
      ("no-progress", "no progress line on stderr");
  const ParsedOptions p = parse_options(args, opts, {"workload"},
                                        "usage: qtsim validate WORKLOAD.json --hw HW.json [--steps N]\n"
                                        "Runs the reference and the hardware on the same data and seed and compares every "
                                        "tensor of every step:\nintegers exactly, floats within a tolerance. Exit code 1 on a mismatch.");
  if (p.help) return 0;
  const auto& v = p.values;
  hwsim::FloatTolerance tol;
  if (v.count("rtol")) {
    tol.rtol = v["rtol"].as<double>();
    if (!(tol.rtol >= 0.0 && tol.rtol < 1.0))
      throw input::InputError(input::Diagnostic{"command line", "--rtol", "a number in [0, 1)", fmt::format("{}", tol.rtol), ""});
  }
  std::optional<util::OutputFolder> out_folder;  // checked and locked before any work
  if (v.count("out")) out_folder.emplace(v["out"].as<std::string>(), "--out", files_of_any_run());
  HwRunSetup setup = prepare_hw_run(v, "validate");
  load_run_data(setup);
  const bool quiet = v.count("quiet") > 0;
  const workload::Workload& w = setup.workload;
  ref::Model reference(w.network, w.scheme, w.training.seed);
  reference.set_stop_check(&util::interrupted);  // a signal abandons the reference's step within one layer's time
  const hwsim::StepFeed feed(w, *setup.data);
  hwsim::CapturedTensors hw_tensors, ref_tensors;
  hwsim::RunStats stats(setup.config);
  nlohmann::ordered_json report = nlohmann::ordered_json::array();
  bool failed = false;
  Digest digest;
  std::cout << fmt::format("validating {} ({}) on {}: {} step(s) of batch {}\n", w.name, w.scheme.name, setup.config.name,
                           setup.session.steps, w.training.batch_size);
  if (w.scheme.is_float())
    std::cout << "FP32 scheme: every step starts from the reference's parameters and optimizer state; floats are compared "
                 "within the tolerance (the hardware sums in its dataflow's order)\n";
  int stopped_by = 0;  // a signal seen before the reference's step: the hardware's step is not compared
  const hwsim::RunEnd end = hwsim::run_on_hardware(w, setup.config, setup.session, &*setup.data, stats, &hw_tensors, [&](const hwsim::StepOutcome& o) {
    if ((stopped_by = util::interrupt_signal()) != 0) return false;
    const data::Batch b = feed.batch(o.step);
    ref_tensors.clear();
    try {
      reference.train_step(b.images, b.labels, feed.hyper(o.step), &ref_tensors);
    } catch (const ref::StepAbandoned&) {
      stopped_by = util::interrupt_signal();
      return false;
    }
    const auto rows = hwsim::compare_step(ref_tensors, hw_tensors, tol);
    // By name: the digest says which values the hardware computed, not in which order the program recorded them.
    std::vector<const hwsim::CapturedTensor*> by_name;
    for (const auto& t : hw_tensors.all()) by_name.push_back(&t);
    std::sort(by_name.begin(), by_name.end(), [](const auto* a, const auto* b) { return a->name < b->name; });
    for (const auto* t : by_name) digest.add(*t);
    hw_tensors.clear();
    std::size_t exact = 0, identical = 0, close = 0, bad = 0;
    nlohmann::ordered_json step_rows = nlohmann::ordered_json::array();
    for (const auto& c : rows) {
      (!c.ok ? bad : c.kind != "float32" ? exact : c.max_ulp == 0 ? identical : close) += 1;
      if (!quiet || !c.ok)
        std::cout << fmt::format("  step {:<3} {:<44} {:<18} {:>10}  {}\n", o.step, c.name, c.kind, c.elements, result_text(c));
      nlohmann::ordered_json r{{"tensor", c.name}, {"kind", c.kind}, {"elements", c.elements}, {"ok", c.ok}};
      if (c.kind == "float32") r["max_ulp"] = c.max_ulp, r["max_abs_diff"] = c.max_abs_diff;
      if (c.first) r["first_mismatch"] = {{"index", c.first->index}, {"at", c.first->where}, {"hardware", c.first->hw}, {"reference", c.first->ref}, {"what", c.first->what}};
      step_rows.push_back(r);
    }
    report.push_back({{"step", o.step}, {"tensors", step_rows}});
    std::cout << fmt::format("step {}: {} tensors: {} integer exact, {} float identical, {} float within tolerance, "
                             "{} mismatched; {} cycles\n", o.step, rows.size(), exact, identical, close, bad, o.cycles)
              << std::flush;  // one line per step, also in a log file
    for (const auto& c : rows)
      if (!c.ok) {
        std::cout << fmt::format("MISMATCH at step {}, layer {}, tensor {}, index {} {}: hardware {}, reference {} ({})\n",
                                 o.step, layer_of(c.name, w.network), c.name, c.first->index, c.first->where, c.first->hw, c.first->ref,
                                 c.first->what);
        if (o.events.accumulator_saturations)
          std::cout << fmt::format("  the hardware's {}-bit accumulators saturated {} times in this step\n",
                                   setup.config.array.accumulator_bits, o.events.accumulator_saturations);
        failed = true;
        break;
      }
    return !failed;
  }, w.scheme.is_float() ? &reference : nullptr);
  const int interrupted_by = end.interrupted_by ? end.interrupted_by : stopped_by;
  if (interrupted_by && report.empty()) {
    std::cerr << "interrupted before the first step was compared: nothing written\n";
    return 128 + interrupted_by;
  }
  if (out_folder) {
    // An interrupted validation has not passed: "passed" speaks for every step asked for.
    nlohmann::ordered_json doc{{"format", "qtsim-validation"}, {"version", 1}, {"workload", w.name},
                               {"scheme", w.scheme.name},     {"hardware", setup.config.name}, {"passed", !failed && !interrupted_by},
                               {"steps_planned", setup.session.steps}, {"steps_compared", report.size()}};
    if (interrupted_by)
      doc["partial"] = {{"interrupted_by", util::signal_name(interrupted_by)}, {"steps_completed", report.size()}};
    doc["tensor_digest"] = fmt::format("{:016x}", digest.h);
    doc["tolerance"] = {{"rtol", tol.rtol}, {"atol_fraction", tol.atol_fraction}};
    doc["steps"] = report;
    out_folder->commit({{"validation.json", doc.dump(1) + "\n"}});
  }
  if (interrupted_by) {
    std::cout << fmt::format("validation interrupted after {} of {} step(s): not passed\n", report.size(), setup.session.steps);
    return 128 + interrupted_by;
  }
  std::cout << fmt::format("hardware tensor digest: {:016x}\n", digest.h);
  std::cout << (failed ? "validation FAILED\n" : "validation passed\n");
  return failed ? 1 : 0;
}

}  // namespace qtsim::cli
