#include "simulation_outputs.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "sim/util/interrupt.hpp"
#include "sim/workload/scheme_json.hpp"

namespace qtsim::hwsim {

using nlohmann::ordered_json;

namespace {

bool exact_mode(const SimulationOutputs& o) { return o.session.mode == hw::ExecMode::exact; }

// Data paths in first-seen order over the steps.
std::vector<std::string> quantizer_paths(const std::vector<StepOutcome>& steps) {
  std::vector<std::string> paths;
  for (const StepOutcome& s : steps)
    for (const auto& [path, q] : s.events.paths)
      if (std::find(paths.begin(), paths.end(), path) == paths.end()) paths.push_back(path);
  return paths;
}

// Saturations and faults of the whole run (exact mode); per step in steps.csv.
ordered_json numerics_summary(const std::vector<StepOutcome>& steps) {
  std::uint64_t accumulator = 0;
  std::map<std::string, ref::QuantStats> paths;
  ordered_json first_fault;
  for (const StepOutcome& s : steps) {
    accumulator += s.events.accumulator_saturations;
    for (const auto& [path, q] : s.events.paths) paths[path].add(q);
    if (s.first_fault && first_fault.is_null()) first_fault = {{"step", s.step}, {"what", *s.first_fault}};
  }
  ordered_json quantizers = ordered_json::object();
  for (const std::string& path : quantizer_paths(steps)) {
    const ref::QuantStats& q = paths[path];
    quantizers[path] = {{"elements", q.elements}, {"saturated", q.saturated}, {"clipped", q.clipped}, {"nonfinite", q.nonfinite}};
  }
  ordered_json j{{"accumulator_saturations", accumulator}, {"quantizers", quantizers}};
  if (!first_fault.is_null()) j["first_fault"] = first_fault;
  return j;
}

}  // namespace

ordered_json stats_document(const SimulationOutputs& o) {
  ordered_json doc;
  doc["format"] = "qtsim-stats";
  doc["version"] = 2;
  doc["workload"] = {{"name", o.workload.name}, {"file", o.workload.file}, {"batch_size", o.workload.training.batch_size}};
  doc["scheme"] = workload::scheme_to_json(o.workload.scheme);
  doc["hardware"] = o.hw_document;
  doc["hardware"]["name"] = o.config.name;
  doc["mode"] = exact_mode(o) ? "exact" : "timing";
  // The hardware document is the design as given; ideal memory changes only how the run was timed.
  doc["ideal_memory"] = o.config.ideal_memory;
  doc["steps"] = o.session.steps;
  doc["steps_completed"] = o.steps.size();
  if (o.interrupted_by)
    doc["partial"] = {{"interrupted_by", util::signal_name(o.interrupted_by)}, {"steps_completed", o.steps.size()}};
  if (exact_mode(o)) doc["numerics"] = numerics_summary(o.steps);
  // The trace is the user's file (any name, any folder): the run's statistics say which one is theirs.
  if (!o.session.trace_path.empty())
    doc["trace"] = {{"file", o.session.trace_path},
                    {"format", o.session.trace_format == TraceFormat::chrome ? "chrome-trace-event" : "vcd"}};
  doc.update(o.stats.to_json());
  return doc;
}

std::string steps_csv(const SimulationOutputs& o) {
  const bool exact = exact_mode(o);
  const std::vector<std::string> paths = exact ? quantizer_paths(o.steps) : std::vector<std::string>{};
  std::string csv = "step,cycles";
  if (exact) {
    csv += ",loss,correct,accumulator_saturations";
    for (const std::string& p : paths) csv += fmt::format(",{0}_elements,{0}_saturated,{0}_clipped,{0}_nonfinite", p);
    csv += ",first_fault";
  }
  csv += "\n";
  for (const StepOutcome& s : o.steps) {
    csv += fmt::format("{},{}", s.step, s.cycles);
    if (exact) {
      csv += fmt::format(",{},{},{}", s.loss, s.correct, s.events.accumulator_saturations);
      for (const std::string& p : paths) {
        const auto it = s.events.paths.find(p);
        const ref::QuantStats q = it == s.events.paths.end() ? ref::QuantStats{} : it->second;
        csv += fmt::format(",{},{},{},{}", q.elements, q.saturated, q.clipped, q.nonfinite);
      }
      csv += "," + csv_cell(s.first_fault.value_or(""));
    }
    csv += "\n";
  }
  return csv;
}

std::vector<util::OutputFile> simulation_files(const SimulationOutputs& o) {
  return {{"ops.csv", o.stats.ops_csv()},
          {"layers.csv", o.stats.layers_csv()},
          {"phases.csv", o.stats.phases_csv()},
          {"mappings.csv", o.stats.mappings_csv()},
          {"steps.csv", steps_csv(o)},
          {"stats.json", stats_document(o).dump(1) + "\n"}};
}

}  // namespace qtsim::hwsim
