// qtsim check FILE: checks a workload file and prints its expanded network.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <iostream>

#include "command.hpp"
#include "options.hpp"
#include "sim/workload/workload.hpp"

namespace qtsim::cli {

int run_check(const Args& args) {
  po::options_description opts("check options");
  opts.add_options()("quiet,q", "print nothing when the file is fine")(
      "expanded", "print the workload as JSON with every base merged in (a whole workload of its own)");
  const ParsedOptions p = parse_options(args, opts, {"workload"},
                                        "usage: qtsim check WORKLOAD.json [--expanded]\n"
                                        "Checks a workload and prints its layers, or its expansion.");
  if (p.help) return 0;
  const std::string file = p.values["workload"].as<std::string>();
  workload::WorkloadSource source = workload::read_workload_source(file);
  const nlohmann::json expanded = source.expanded;
  const workload::Workload w = workload::parse_workload(std::move(source));
  if (p.values.count("quiet")) return 0;
  if (p.values.count("expanded")) {
    std::cout << expanded.dump(2) << "\n";
    return 0;
  }
  std::cout << fmt::format("{}: {} nodes, scheme {}, normalization {}\n", w.name, w.network.nodes.size(), w.scheme.name, w.normalization);
  if (!w.bases.empty())
    std::cout << fmt::format("derived from {} (--expanded prints the whole workload)\n",
                             fmt::join(w.bases, ", which derives from "));
  if (w.source.contains("source")) std::cout << fmt::format("imported from {}\n", w.source["source"]["file"].get<std::string>());
  std::size_t width = 28;  // imported networks have long layer names
  for (const auto& n : w.network.nodes) width = std::max(width, n.name.size());
  for (const auto& n : w.network.nodes) {
    std::string inputs;
    for (int i : n.inputs) inputs += (inputs.empty() ? "" : ", ") + w.network.nodes[static_cast<std::size_t>(i)].name;
    const std::string op = ref::to_string(n.op) + (n.groups > 1 ? fmt::format(" g{}", n.groups) : "");
    std::cout << fmt::format("  {:<{}} {:<15} {:<18} <- {}\n", n.name, width, op, n.out_shape.str(), inputs);
  }
  return 0;
}

}  // namespace qtsim::cli
