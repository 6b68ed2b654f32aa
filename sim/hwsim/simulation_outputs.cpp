#include "simulation_outputs.hpp"

#include <csignal>

#include "sim/util/atomic_file.hpp"
#include "sim/workload/scheme_json.hpp"

namespace qtsim::hwsim {

using nlohmann::ordered_json;

ordered_json stats_document(const SimulationOutputs& o) {
  ordered_json doc;
  doc["format"] = "qtsim-stats";
  doc["version"] = 1;
  doc["workload"] = {{"name", o.workload.name}, {"file", o.workload.file}, {"batch_size", o.workload.training.batch_size}};
  doc["scheme"] = workload::scheme_to_json(o.workload.scheme);
  doc["hardware"] = o.hw_document;
  doc["hardware"]["name"] = o.config.name;
  doc["mode"] = o.session.mode == hw::ExecMode::exact ? "exact" : "timing";
  // The hardware document is the design as given; ideal memory changes only how the run was timed.
  doc["ideal_memory"] = o.config.ideal_memory;
  doc["steps"] = o.session.steps;
  if (o.interrupted_by)
    doc["partial"] = {{"interrupted_by", o.interrupted_by == SIGINT ? "SIGINT" : "SIGTERM"},
                      {"steps_completed", o.steps.size()}};
  ordered_json per_step = ordered_json::array();
  for (const StepOutcome& s : o.steps) {
    ordered_json row{{"step", s.step}, {"cycles", s.cycles}};
    if (o.session.mode == hw::ExecMode::exact) {
      row["loss"] = s.loss;
      row["correct"] = s.correct;
      ordered_json paths = ordered_json::object();
      for (const auto& [path, q] : s.events.paths)
        paths[path] = {{"elements", q.elements}, {"saturated", q.saturated}, {"clipped", q.clipped}, {"nonfinite", q.nonfinite}};
      row["numerics"] = {{"accumulator_saturations", s.events.accumulator_saturations}, {"quantizers", paths}};
      if (s.first_fault) row["numerics"]["first_fault"] = *s.first_fault;
    }
    per_step.push_back(row);
  }
  doc["per_step"] = per_step;
  doc.update(o.stats.to_json());
  return doc;
}

void write_simulation_outputs(const SimulationOutputs& o, const std::filesystem::path& dir) {
  util::ensure_directory(dir);
  util::write_file_atomic(dir / "ops.csv", o.stats.ops_csv());
  util::write_file_atomic(dir / "layers.csv", o.stats.layers_csv());
  util::write_file_atomic(dir / "phases.csv", o.stats.phases_csv());
  util::write_file_atomic(dir / "mappings.csv", o.stats.mappings_csv());
  // stats.json last: its presence marks a complete output directory.
  util::write_file_atomic(dir / "stats.json", stats_document(o).dump(1) + "\n");
}

}  // namespace qtsim::hwsim
