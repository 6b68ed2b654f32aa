#pragma once
// Command-line overrides of a workload (--seed, --scheme, --steps), checked
// as command-line input and then applied to the document before it is checked
// as a whole, so every rule of the workload format still holds.
#include <cstdint>
#include <optional>
#include <string>

#include "sim/input/diagnostic.hpp"
#include "sim/workload/workload.hpp"

namespace qtsim::cli {

struct WorkloadOverrides {
  std::optional<std::uint32_t> seed;
  std::optional<std::string> scheme;  // a preset name
  std::optional<std::int64_t> steps;  // checked here; applied by the caller
};

workload::Workload load_with_overrides(const std::string& path, const WorkloadOverrides& o);

// --scheme NAME must name a preset: reported to `diags` with the list and a did-you-mean.
void check_scheme_option(const std::string& name, input::DiagnosticList& diags);

}  // namespace qtsim::cli
