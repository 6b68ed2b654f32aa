// qtsim scheme [NAME]: lists the presets, or prints one as JSON.
#include <iostream>

#include "command.hpp"
#include "models/ref/scheme.hpp"
#include "options.hpp"
#include "sim/input/diagnostic.hpp"
#include "sim/input/did_you_mean.hpp"
#include "sim/workload/scheme_json.hpp"

namespace qtsim::cli {

int run_scheme(const Args& args) {
  po::options_description opts("scheme options");
  if (args.empty()) {
    for (const auto& n : ref::preset_names()) std::cout << n << "\n";
    return 0;
  }
  const ParsedOptions p = parse_options(args, opts, {"name"}, "usage: qtsim scheme [NAME]\nLists the scheme presets, or prints one in full as JSON.");
  if (p.help) return 0;
  const std::string name = p.values["name"].as<std::string>();
  const auto s = ref::find_preset(name);
  if (!s) {
    const std::string guess = input::did_you_mean(name, ref::preset_names());
    throw input::InputError(input::Diagnostic{"command line", "NAME", "a preset name (qtsim scheme lists them)", "\"" + name + "\"",
                                              guess.empty() ? "" : "did you mean '" + guess + "'?"});
  }
  std::cout << workload::scheme_to_json(*s).dump(2) << "\n";
  return 0;
}

}  // namespace qtsim::cli
