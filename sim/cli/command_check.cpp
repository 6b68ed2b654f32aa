// qtsim check FILE: checks an input file of any kind qtsim reads (a workload,
// a hardware configuration, a technology table), telling the kind from the
// file, and prints what it holds.
#include <fmt/format.h>
#include <iostream>

#include "check_kinds.hpp"
#include "check_summaries.hpp"
#include "command.hpp"
#include "options.hpp"
#include "sim/input/json_file.hpp"
#include "sim/workload/workload.hpp"

namespace qtsim::cli {

namespace {

void check_workload(const std::string& path, bool quiet, std::ostream& out) {
  const workload::Workload w = workload::load_workload(path);
  if (quiet) return;
  out << fmt::format("{}: {} nodes, scheme {}, normalization {}\n", w.name, w.network.nodes.size(), w.scheme.name, w.normalization);
  for (const auto& n : w.network.nodes) {
    std::string inputs;
    for (int i : n.inputs) inputs += (inputs.empty() ? "" : ", ") + w.network.nodes[static_cast<std::size_t>(i)].name;
    out << fmt::format("  {:<28} {:<15} {:<18} <- {}\n", n.name, ref::to_string(n.op), n.out_shape.str(), inputs);
  }
}

// Every kind `check` knows; one entry per kind.
const std::vector<CheckKind>& check_kinds() {
  static const std::vector<CheckKind> kinds{
      {"workload", "a workload", "workload", check_workload},
      {"hardware", "a hardware configuration", "hw", check_hardware},
      {"tech", "a technology table", "tech", check_tech_table},
  };
  return kinds;
}

}  // namespace

int run_check(const Args& args) {
  po::options_description opts("check options");
  opts.add_options()("kind", po::value<std::string>(), "the file's kind, when it cannot be told from the file: workload, hardware or tech")(
      "quiet,q", "print nothing when the file is fine");
  const ParsedOptions p = parse_options(args, opts, {"file"},
                                        "usage: qtsim check FILE.json [--kind workload|hardware|tech] [--quiet]\n"
                                        "Checks a workload, a hardware configuration or a technology table (the kind is told from the "
                                        "file's \"$schema\" or its fields) and prints what it holds.");
  if (p.help) return 0;
  const std::string path = p.values["file"].as<std::string>();
  const CheckKind& kind = p.values.count("kind") ? kind_named(check_kinds(), p.values["kind"].as<std::string>())
                                                 : detect_kind(check_kinds(), input::read_json_file(path), path);
  kind.check(path, p.values.count("quiet") > 0, std::cout);
  return 0;
}

}  // namespace qtsim::cli
