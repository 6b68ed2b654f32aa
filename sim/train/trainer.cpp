#include "trainer.hpp"

#include <algorithm>
#include <chrono>
#include <fmt/format.h>
#include <iostream>
#include <optional>

#include "checkpoint.hpp"
#include "dump_writer.hpp"
#include "models/ref/model.hpp"
#include "models/ref/parallel.hpp"
#include "sim/data/batcher.hpp"
#include "sim/data/fashion_mnist.hpp"
#include "sim/data/synthetic.hpp"
#include "sim/input/diagnostic.hpp"
#include "sim/util/interrupt.hpp"
#include "sim/util/progress.hpp"
#include "sim/workload/scheme_json.hpp"

namespace qtsim::train {

using nlohmann::ordered_json;

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

struct Evaluation {
  double loss = 0.0, accuracy = 0.0;
};

// Stops (nullopt) when a signal arrives: the test set can take seconds.
std::optional<Evaluation> evaluate(ref::Model& model, const data::Dataset& test, std::int64_t batch) {
  const auto order = data::epoch_order(test.size(), 0, 0, false);
  double loss = 0.0;
  std::int64_t correct = 0;
  const std::int64_t n = data::test_steps(test.size(), batch);
  for (std::int64_t s = 0; s < n; ++s) {
    if (util::interrupted()) return std::nullopt;
    const std::int64_t count = data::test_batch_count(test.size(), batch, s);
    const data::Batch b = data::make_batch(test, order, s * batch, count);
    ref::StepStats st;
    try {
      st = model.evaluate(b.images, b.labels);
    } catch (const ref::StepAbandoned&) {
      return std::nullopt;
    }
    loss += st.loss * static_cast<double>(count);
    correct += st.correct;
  }
  return Evaluation{loss / static_cast<double>(test.size()), 100.0 * static_cast<double>(correct) / static_cast<double>(test.size())};
}

ordered_json numerics_json(const ref::StepStats& s) {
  ordered_json paths = ordered_json::object();
  for (const auto& [path, q] : s.paths)
    paths[path] = {{"elements", q.elements}, {"saturated", q.saturated}, {"nonfinite", q.nonfinite}};
  ordered_json j{{"quantizers", paths}, {"accumulator_saturations", s.accumulator_saturations}};
  if (s.first_fault) j["first_fault"] = {{"tensor", s.first_fault->tensor}, {"index", s.first_fault->index}, {"what", s.first_fault->what}};
  return j;
}

ordered_json run_header(const workload::Workload& w) {
  return {{"workload", w.name},
          {"workload_file", w.file},
          {"scheme", workload::scheme_to_json(w.scheme)},
          {"seed", w.training.seed},
          {"batch_size", w.training.batch_size}};
}

}  // namespace

namespace {

// Fashion-MNIST from the workload's dataset.path. A missing directory or file is
// a problem with that field, so it is reported at the workload's /dataset/path;
// problems inside an IDX file keep naming that file.
data::DatasetPair load_fashion_mnist(const workload::Workload& w) {
  const auto& d = w.dataset;
  try {
    return data::load_fashion_mnist(d.path, d.train_limit, d.test_limit);
  } catch (const input::InputError& e) {
    std::vector<input::Diagnostic> diagnostics = e.diagnostics();
    for (auto& diag : diagnostics)
      if (diag.file == d.path && diag.pointer.empty())
        diag = {w.file, "/dataset/path", diag.expected, fmt::format("{} at \"{}\"", diag.found, d.path), diag.hint};
    throw input::InputError(std::move(diagnostics));
  }
}

}  // namespace

data::DatasetPair load_data(const workload::Workload& w) {
  const auto& d = w.dataset;
  data::DatasetPair pair = d.type == "fashion-mnist"
                               ? load_fashion_mnist(w)
                               : data::make_synthetic(w.network.input, w.network.classes, d.train_size, d.test_size, d.seed);
  if (pair.train.size() < w.training.batch_size)
    throw input::InputError(input::Diagnostic{w.file, "/training/batch_size",
                                              fmt::format("at most the training set's size ({})", pair.train.size()),
                                              std::to_string(w.training.batch_size), ""});
  return pair;
}

TrainSummary train(const workload::Workload& w, const data::DatasetPair& data, const TrainOptions& options,
                   std::ostream& out) {
  const auto start = Clock::now();
  const auto& t = w.training;
  const std::int64_t per_epoch = data::train_steps_per_epoch(data.train.size(), t.batch_size);
  const std::int64_t planned = t.steps > 0 ? std::min(t.steps, t.epochs * per_epoch) : t.epochs * per_epoch;
  const double schedule_epochs = static_cast<double>(planned) / static_cast<double>(per_epoch);
  const std::int64_t to_run = options.max_steps > 0 ? std::min(planned, options.max_steps) : planned;

  ref::Model model(w.network, w.scheme, t.seed);
  model.set_stop_check(&util::interrupted);  // a signal abandons the step in progress, within one layer's time
  std::unique_ptr<DumpWriter> dump;
  if (options.dump) dump = std::make_unique<DumpWriter>(*options.dump, run_header(w));

  out << fmt::format("training {} ({}) on {}: {} steps of batch {} ({} per epoch), {} thread(s)\n", w.name, w.scheme.name,
                     data.description, to_run, t.batch_size, per_epoch, ref::thread_count())
      << std::flush;  // a log file shows the run has started
  TrainSummary summary;
  // One line for the whole run: its ETA counts every epoch left, evaluations included.
  const std::int64_t epochs = (to_run + per_epoch - 1) / per_epoch;
  util::Progress progress("train", to_run, options.progress, "steps");
  std::string steps_csv = "step,epoch,lr,loss,accuracy,quantizer_saturations,accumulator_saturations\n";
  std::int64_t step = 0;
  for (std::int64_t epoch = 0; step < to_run && !summary.interrupted_by; ++epoch) {
    const auto epoch_start = Clock::now();
    const auto order = data::epoch_order(data.train.size(), t.seed, static_cast<std::uint32_t>(epoch));
    EpochRecord rec;
    rec.epoch = epoch + 1;
    double loss_sum = 0.0;
    std::int64_t correct = 0, seen = 0;
    const std::int64_t steps_here = std::min(per_epoch, to_run - step);
    std::int64_t s = 0;
    for (; s < steps_here; ++s, ++step) {
      if (util::interrupted()) {
        summary.interrupted_by = util::interrupt_signal();
        break;
      }
      const data::Batch batch = data::make_batch(data.train, order, s * t.batch_size, t.batch_size);
      const double epoch_pos = static_cast<double>(epoch) + static_cast<double>(s) / static_cast<double>(per_epoch);
      ref::StepHyper hyper{static_cast<std::uint32_t>(step), t.lr.at(epoch_pos, schedule_epochs), t.momentum, t.weight_decay,
                           epoch_pos, t.lr.scalar_factor};
      if (dump) dump->begin_step(hyper.step);
      ref::StepStats st;
      try {
        st = model.train_step(batch.images, batch.labels, hyper, dump.get());
      } catch (const ref::StepAbandoned&) {  // the model is as after the last step; nothing of this one is kept
        summary.interrupted_by = util::interrupt_signal();
        break;
      }
      if (dump) dump->end_step();
      if (st.first_fault && !rec.numerics.first_fault) {
        progress.clear();
        std::cerr << fmt::format("warning: step {}: first {} in {} at index {}\n", step, st.first_fault->what,
                                 st.first_fault->tensor, st.first_fault->index);
      }
      rec.numerics.add(st);
      std::uint64_t saturations = 0;
      for (const auto& [path, q] : st.paths) saturations += q.saturated;
      steps_csv += fmt::format("{},{:.6f},{:.8g},{:.6f},{:.4f},{},{}\n", step, epoch_pos, hyper.lr, st.loss,
                               static_cast<double>(st.correct) / static_cast<double>(st.samples), saturations,
                               st.accumulator_saturations);
      loss_sum += st.loss * static_cast<double>(st.samples);
      correct += st.correct;
      seen += st.samples;
      rec.lr_last = hyper.lr;
      progress.update(step + 1, fmt::format("epoch {}/{}  loss {:.4f} acc {:.2f}%", epoch + 1, epochs,
                                            loss_sum / static_cast<double>(seen),
                                            100.0 * static_cast<double>(correct) / static_cast<double>(seen)));
    }
    progress.clear();  // the epoch's line follows
    if (s == 0) break;  // interrupted before the epoch's first step
    rec.steps = s;
    rec.train_loss = loss_sum / static_cast<double>(seen);
    rec.train_accuracy = 100.0 * static_cast<double>(correct) / static_cast<double>(seen);
    if (options.evaluate && !summary.interrupted_by && (s == per_epoch || step == to_run)) {
      if (const auto ev = evaluate(model, data.test, t.eval_batch_size)) {
        rec.test_loss = ev->loss;
        rec.test_accuracy = ev->accuracy;
        rec.evaluated = true;
      } else {
        summary.interrupted_by = util::interrupt_signal();
      }
    }
    rec.seconds = seconds_since(epoch_start);
    out << fmt::format("epoch {:>3}  steps {:>6}  lr {:.5f}  train loss {:.4f} acc {:6.2f}%", rec.epoch, rec.steps, rec.lr_last,
                       rec.train_loss, rec.train_accuracy);
    if (rec.evaluated) out << fmt::format("  |  test loss {:.4f} acc {:6.2f}%", rec.test_loss, rec.test_accuracy);
    out << fmt::format("  ({:.1f} s)\n", rec.seconds) << std::flush;
    summary.epochs.push_back(rec);
  }
  summary.steps_run = step;
  summary.wall_seconds = seconds_since(start);
  if (summary.steps_run == 0) return summary;  // interrupted before the first step: nothing to write
  if (dump && summary.interrupted_by) dump->mark_partial(util::signal_name(summary.interrupted_by));

  if (options.out) {
    ordered_json log = run_header(w);
    log["dataset"] = data.description;
    log["steps_per_epoch"] = per_epoch;
    log["steps_planned"] = to_run;
    log["steps_run"] = summary.steps_run;
    if (summary.interrupted_by)
      log["partial"] = {{"interrupted_by", util::signal_name(summary.interrupted_by)}, {"steps_completed", summary.steps_run}};
    ordered_json epochs = ordered_json::array();
    for (const auto& e : summary.epochs) {
      ordered_json j{{"epoch", e.epoch}, {"steps", e.steps}, {"lr_last", e.lr_last}, {"train_loss", e.train_loss},
                     {"train_accuracy", e.train_accuracy}};
      if (e.evaluated) {
        j["test_loss"] = e.test_loss;
        j["test_accuracy"] = e.test_accuracy;
      }
      j["numerics"] = numerics_json(e.numerics);
      epochs.push_back(j);
    }
    log["epochs"] = epochs;
    // Timing is the run's metadata, kept apart so the data above is reproducible byte for byte.
    log["run"] = {{"wall_seconds", summary.wall_seconds}, {"threads", ref::thread_count()}};
    ordered_json header = run_header(w);
    header["step"] = summary.steps_run;
    std::vector<util::OutputFile> files = checkpoint_files("checkpoint", model, header);
    files.push_back({"steps.csv", steps_csv});
    files.push_back({"train_log.json", log.dump(1) + "\n"});  // the marker: last
    options.out->commit(files);
  }
  return summary;
}

}  // namespace qtsim::train
