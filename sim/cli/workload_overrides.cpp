#include "workload_overrides.hpp"

#include "models/ref/scheme.hpp"
#include "sim/input/diagnostic.hpp"
#include "sim/input/did_you_mean.hpp"

namespace qtsim::cli {

workload::Workload load_with_overrides(const std::string& path, const WorkloadOverrides& o) {
  input::DiagnosticList diags("command line");
  if (o.scheme && !ref::find_preset(*o.scheme)) {
    std::string names;
    for (const auto& n : ref::preset_names()) names += (names.empty() ? "" : ", ") + n;
    const std::string guess = input::did_you_mean(*o.scheme, ref::preset_names());
    diags.add("--scheme", "a preset: " + names, "\"" + *o.scheme + "\"", guess.empty() ? "" : "did you mean '" + guess + "'?");
  }
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
