#include <fmt/format.h>

#include "network_builder.hpp"
#include "scheme_json.hpp"
#include "sim/input/embedded_schemas.hpp"
#include "sim/input/schema_validator.hpp"
#include "workload.hpp"

namespace qtsim::workload {

using nlohmann::json;

namespace {

DatasetSpec parse_dataset(const json& d) {
  DatasetSpec s;
  s.type = d.at("type");
  if (s.type == "fashion-mnist") {
    s.path = d.at("path");
    s.train_limit = d.at("train_limit");
    s.test_limit = d.at("test_limit");
  } else {
    s.train_size = d.at("train_size");
    s.test_size = d.at("test_size");
    s.seed = d.at("seed");
  }
  return s;
}

TrainingSpec parse_training(const json& t) {
  TrainingSpec s;
  s.batch_size = t.at("batch_size");
  s.epochs = t.at("epochs");
  s.steps = t.at("steps");
  s.eval_batch_size = t.at("eval_batch_size");
  const json& lr = t.at("lr");
  s.lr.base = lr.at("base");
  s.lr.schedule = lr.at("schedule");
  s.lr.warmup_epochs = lr.at("warmup_epochs");
  s.lr.milestones = lr.at("milestones").get<std::vector<double>>();
  s.lr.gamma = lr.at("gamma");
  s.lr.final = lr.at("final");
  s.lr.scalar_factor = lr.at("scalar_factor");
  s.momentum = t.at("momentum");
  s.weight_decay = t.at("weight_decay");
  s.seed = t.at("seed");
  return s;
}

void check_dataset_shape(const Workload& w, input::DiagnosticList& diags) {
  if (w.dataset.type != "fashion-mnist") return;
  if (!(w.network.input == ref::Shape{1, 28, 28}))
    diags.add("/input/shape", "[1, 28, 28] for the fashion-mnist data set", w.network.input.str());
  if (w.network.classes != 10) diags.add("/input/classes", "10 for the fashion-mnist data set", std::to_string(w.network.classes));
}

void check_scheme_fits_network(const Workload& w, input::DiagnosticList& diags) {
  if (w.scheme.normalization != ref::NormKind::none) return;
  for (const auto& n : w.network.nodes)
    if (n.op == ref::OpKind::batchnorm) {
      diags.add("/scheme",
                "a scheme with batch normalization (normalization \"fp32\" or \"int\") for this network's batchnorm layers",
                fmt::format("\"{}\" (normalization: none), while layer '{}' is batchnorm", w.scheme.name, n.name),
                "use the network's Fixup variant, or a scheme such as fp32-bn or int8-wageubn");
      return;
    }
}

// Batchnorm in training normalizes each channel over batch x H x W values; one
// value has no spread (FP32: a zero variance and PyTorch's refusal; integer:
// x-hat 0 for every element), so every scheme needs at least two.
void check_batchnorm_values(const Workload& w, input::DiagnosticList& diags) {
  for (const auto& n : w.network.nodes) {
    if (n.op != ref::OpKind::batchnorm || n.out_shape.dims.size() != 3) continue;
    const std::int64_t h = n.out_shape.dims[1], wd = n.out_shape.dims[2];
    if (w.training.batch_size * h * wd >= 2) continue;
    diags.add("/training/batch_size",
              fmt::format("a batch of at least 2: batchnorm layer '{}'{} normalizes each channel over batch x {} x {} "
                          "values in training and needs more than one",
                          n.name, n.origin.empty() ? "" : " (" + n.origin + ")", h, wd),
              std::to_string(w.training.batch_size));
    return;
  }
}

}  // namespace

Workload parse_workload(json document, const std::string& file) {
  input::DiagnosticList diags(file);
  input::validate(input::embedded_schema("workload"), document, diags);
  diags.throw_if_any();

  Workload w;
  w.file = file;
  w.name = document.at("name");
  w.description = document.value("description", "");
  w.dataset = parse_dataset(document.at("dataset"));
  w.training = parse_training(document.at("training"));
  w.normalization = document.at("network").at("normalization");
  const auto& shape = document.at("input").at("shape");
  const ref::Shape input{shape[0].get<std::int64_t>(), shape[1].get<std::int64_t>(), shape[2].get<std::int64_t>()};
  w.network = build_network(document.at("network"), input, document.at("input").at("classes").get<int>(), diags);
  auto scheme = parse_scheme(document.at("scheme"), "/scheme", diags);
  if (scheme) w.scheme = *scheme;
  if (diags.empty()) {
    check_dataset_shape(w, diags);
    check_scheme_fits_network(w, diags);
    check_batchnorm_values(w, diags);
  }
  diags.throw_if_any();
  w.source = std::move(document);
  return w;
}

Workload parse_workload(WorkloadSource source) {
  const std::string& file = source.chain.front().path;
  try {
    Workload w = parse_workload(std::move(source.expanded), file);
    for (auto f = source.chain.begin() + 1; f != source.chain.end(); ++f) w.bases.push_back(f->path);
    return w;
  } catch (const input::InputError& e) {
    if (!source.derived()) throw;
    std::vector<input::Diagnostic> attributed = e.diagnostics();
    for (input::Diagnostic& d : attributed) {
      if (d.file != file) continue;
      d.file = source.file_of(d.pointer);
      if (d.file == file) continue;
      d.hint = (d.hint.empty() ? "" : d.hint + "; ") + "inherited by " + file;
    }
    throw input::InputError(std::move(attributed));
  }
}

Workload load_workload(const std::string& path) { return parse_workload(read_workload_source(path)); }

}  // namespace qtsim::workload
