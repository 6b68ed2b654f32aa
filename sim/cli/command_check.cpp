// qtsim check FILE: checks an input file of any kind qtsim reads (a workload,
// a hardware configuration, a technology table), telling the kind from the
// file, and prints what it holds. For a workload, --hw also checks that the
// hardware can run it (what simulate and validate would refuse at their start,
// in either mode).
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <iostream>
#include <optional>
#include <utility>

#include "check_kinds.hpp"
#include "check_summaries.hpp"
#include "command.hpp"
#include "hw_run_setup.hpp"
#include "options.hpp"
#include "preset_paths.hpp"
#include "sim/hwconfig/hw_config_loader.hpp"
#include "sim/hwsim/hardware_fit.hpp"
#include "sim/input/json_file.hpp"
#include "sim/workload/workload.hpp"
#include "sim/workload/workload_source.hpp"
#include "workload_overrides.hpp"

namespace qtsim::cli {

namespace {

// A workload: its expanded network, and with --hw whether that hardware fits it.
void check_workload(const po::variables_map& v, const std::string& path, bool quiet, std::ostream& out) {
  if (v.count("expanded")) {
    workload::WorkloadSource source = workload::read_workload_source(path);
    const nlohmann::json expanded = source.expanded;
    workload::parse_workload(std::move(source));  // checked before it is printed
    if (!quiet) out << expanded.dump(2) << "\n";
    return;
  }
  WorkloadOverrides overrides;
  if (v.count("scheme")) overrides.scheme = v["scheme"].as<std::string>();
  const workload::Workload w = load_with_overrides(path, overrides);
  std::optional<std::string> fits;
  if (v.count("hw")) {
    const std::string hw_path = preset_option("hw", v["hw"].as<std::string>(), "--hw");
    nlohmann::json doc = hwconfig::load_hw_config_json(hw_path);
    apply_hw_overrides(v, doc);
    const hw::HwConfig config = hwconfig::parse_hw_config(doc, hw_path);
    const std::uint64_t bytes = hwsim::check_hardware_fits(w, config, hw_path);
    fits = fmt::format("hardware {} can run {}: datapath, normalization unit and buffers fit every kernel of a step; an "
                       "exact step needs {:.2f} MiB of DRAM model memory",
                       config.name, w.name, static_cast<double>(bytes) / (1 << 20));
  }
  if (quiet) return;
  out << fmt::format("{}: {} nodes, scheme {}, normalization {}\n", w.name, w.network.nodes.size(), w.scheme.name, w.normalization);
  if (!w.bases.empty())
    out << fmt::format("derived from {} (--expanded prints the whole workload)\n", fmt::join(w.bases, ", which derives from "));
  if (w.source.contains("source")) out << fmt::format("imported from {}\n", w.source["source"]["file"].get<std::string>());
  std::size_t width = 28;  // imported networks have long layer names
  for (const auto& n : w.network.nodes) width = std::max(width, n.name.size());
  for (const auto& n : w.network.nodes) {
    std::string inputs;
    for (int i : n.inputs) inputs += (inputs.empty() ? "" : ", ") + w.network.nodes[static_cast<std::size_t>(i)].name;
    const std::string op = ref::to_string(n.op) + (n.groups > 1 ? fmt::format(" g{}", n.groups) : "");
    out << fmt::format("  {:<{}} {:<15} {:<18} <- {}\n", n.name, width, op, n.out_shape.str(), inputs);
  }
  if (fits) out << *fits << "\n";
}

// Every kind `check` knows; one entry per kind.
std::vector<CheckKind> check_kinds(const po::variables_map& v) {
  return {
      {"workload", "a workload", "workload",
       [&v](const std::string& path, bool quiet, std::ostream& out) { check_workload(v, path, quiet, out); }},
      {"hardware", "a hardware configuration", "hw", check_hardware},
      {"tech", "a technology table", "tech", check_tech_table},
  };
}

}  // namespace

int run_check(const Args& args) {
  po::options_description opts("check options");
  opts.add_options()
      ("kind", po::value<std::string>(), "the file's kind, when it cannot be told from the file: workload, hardware or tech")
      ("hw", po::value<std::string>(), "for a workload: also check that this hardware (a preset name or a .json file) can run "
                                       "it (datapath, normalization unit, buffers large enough for every kernel of a step)")
      ("scheme", po::value<std::string>(), "for a workload: override the scheme with a preset")
      ("dataflow", po::value<std::string>(), "with --hw: override the MAC array's dataflow: os, ws or is")
      ("array", po::value<std::string>(), "with --hw: override the MAC array's size, ROWSxCOLS (e.g. 8x8)")
      ("expanded", "for a workload: print it as JSON with every base it extends merged in (a whole workload of its own)")
      ("quiet,q", "print nothing when the file is fine");
  const ParsedOptions p = parse_options(args, opts, {"file"},
                                        "usage: qtsim check FILE.json [--kind workload|hardware|tech] [--hw HW] [--expanded] [--quiet]\n"
                                        "Checks a workload, a hardware configuration or a technology table (the kind is told from the "
                                        "file's \"$schema\" or its fields) and prints what it holds; for a workload, --hw also "
                                        "checks that the hardware can run it, as simulate and validate do before any work.");
  if (p.help) return 0;
  const auto& v = p.values;
  if (!v.count("hw")) refuse_unused_options(v, {"--dataflow", "--array"}, "without --hw", "they change the hardware configuration");
  const std::string path = v["file"].as<std::string>();
  const std::vector<CheckKind> kinds = check_kinds(v);
  const CheckKind& kind = v.count("kind") ? kind_named(kinds, v["kind"].as<std::string>())
                                          : detect_kind(kinds, input::read_json_file(path), path);
  if (kind.name != "workload")
    refuse_unused_options(v, {"--hw", "--scheme", "--expanded"}, "for " + kind.title, "they apply to a workload");
  else if (v.count("expanded"))
    refuse_unused_options(v, {"--hw", "--scheme"}, "with --expanded", "--expanded prints the workload file's own expansion");
  kind.check(path, v.count("quiet") > 0, std::cout);
  return 0;
}

}  // namespace qtsim::cli
