// qtsim check FILE [--hw HW]: checks a workload file and prints its expanded
// network; with --hw, also whether that hardware can run it (what simulate and
// validate would refuse at their start, in either mode).
#include <fmt/format.h>
#include <algorithm>
#include <iostream>
#include <optional>

#include "command.hpp"
#include "hw_run_setup.hpp"
#include "options.hpp"
#include "sim/hwconfig/hw_config_loader.hpp"
#include "sim/hwsim/hardware_fit.hpp"
#include "workload_overrides.hpp"

namespace qtsim::cli {

int run_check(const Args& args) {
  po::options_description opts("check options");
  opts.add_options()
      ("hw", po::value<std::string>(), "also check that this hardware configuration can run the workload (datapath, "
                                       "normalization unit, buffers large enough for every kernel of a step)")
      ("scheme", po::value<std::string>(), "override the scheme with a preset")
      ("dataflow", po::value<std::string>(), "with --hw: override the MAC array's dataflow: os, ws or is")
      ("array", po::value<std::string>(), "with --hw: override the MAC array's size, ROWSxCOLS (e.g. 8x8)")
      ("quiet,q", "print nothing when the files are fine");
  const ParsedOptions p = parse_options(args, opts, {"workload"},
                                        "usage: qtsim check WORKLOAD.json [--hw HW.json]\n"
                                        "Checks a workload and prints its layers; with --hw, also checks that the hardware "
                                        "can run it, as simulate and validate do before any work.");
  if (p.help) return 0;
  const auto& v = p.values;
  if (!v.count("hw")) refuse_unused_options(v, {"--dataflow", "--array"}, "without --hw", "they change the hardware configuration");
  WorkloadOverrides overrides;
  if (v.count("scheme")) overrides.scheme = v["scheme"].as<std::string>();
  const workload::Workload w = load_with_overrides(v["workload"].as<std::string>(), overrides);
  std::optional<std::string> fits;
  if (v.count("hw")) {
    const std::string hw_path = v["hw"].as<std::string>();
    nlohmann::json doc = hwconfig::load_hw_config_json(hw_path);
    apply_hw_overrides(v, doc);
    const hw::HwConfig config = hwconfig::parse_hw_config(doc, hw_path);
    const std::uint64_t bytes = hwsim::check_hardware_fits(w, config, hw_path);
    fits = fmt::format("hardware {} can run {}: datapath, normalization unit and buffers fit every kernel of a step; an "
                       "exact step needs {:.2f} MiB of DRAM model memory",
                       config.name, w.name, static_cast<double>(bytes) / (1 << 20));
  }
  if (v.count("quiet")) return 0;
  std::cout << fmt::format("{}: {} nodes, scheme {}, normalization {}\n", w.name, w.network.nodes.size(), w.scheme.name, w.normalization);
  if (w.source.contains("source")) std::cout << fmt::format("imported from {}\n", w.source["source"]["file"].get<std::string>());
  std::size_t width = 28;  // imported networks have long layer names
  for (const auto& n : w.network.nodes) width = std::max(width, n.name.size());
  for (const auto& n : w.network.nodes) {
    std::string inputs;
    for (int i : n.inputs) inputs += (inputs.empty() ? "" : ", ") + w.network.nodes[static_cast<std::size_t>(i)].name;
    const std::string op = ref::to_string(n.op) + (n.groups > 1 ? fmt::format(" g{}", n.groups) : "");
    std::cout << fmt::format("  {:<{}} {:<15} {:<18} <- {}\n", n.name, width, op, n.out_shape.str(), inputs);
  }
  if (fits) std::cout << *fits << "\n";
  return 0;
}

}  // namespace qtsim::cli
