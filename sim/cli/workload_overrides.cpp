#include "workload_overrides.hpp"

#include "models/ref/scheme.hpp"
#include "sim/input/diagnostic.hpp"
#include "sim/input/did_you_mean.hpp"

namespace qtsim::cli {

void check_scheme_option(const std::string& name, input::DiagnosticList& diags) {
  if (ref::find_preset(name)) return;
  std::string names;
  for (const auto& n : ref::preset_names()) names += (names.empty() ? "" : ", ") + n;
  const std::string guess = input::did_you_mean(name, ref::preset_names());
  diags.add("--scheme", "a preset: " + names, "\"" + name + "\"", guess.empty() ? "" : "did you mean '" + guess + "'?");
}

workload::Workload load_with_overrides(const std::string& path, const WorkloadOverrides& o) {
  input::DiagnosticList diags("command line");
  if (o.scheme) check_scheme_option(*o.scheme, diags);
  if (o.steps && (*o.steps < 1 || *o.steps > 100000000))
    diags.add("--steps", "an integer in [1, 100000000]", std::to_string(*o.steps));
  diags.throw_if_any();
  workload::WorkloadSource source = workload::read_workload_source(path);
  nlohmann::json& doc = source.expanded;
  if (doc.is_object()) {
    if (o.scheme) doc["scheme"] = *o.scheme;
    if (o.seed && doc.contains("training") && doc["training"].is_object()) doc["training"]["seed"] = *o.seed;
  }
  return workload::parse_workload(std::move(source));
}

}  // namespace qtsim::cli
