// qtsim compare WORKLOAD [--baseline HW --candidate HW] [--tech TABLE] [--vary PATH=LOW:HIGH ...] [--out DIR]
#include <chrono>
#include <filesystem>
#include <iostream>
#include <optional>

#include <fmt/format.h>

#include "command.hpp"
#include "models/cost/figure_limits.hpp"
#include "options.hpp"
#include "preset_paths.hpp"
#include "reports/compare_report.hpp"
#include "sim/compare/compare_run.hpp"
#include "sim/input/diagnostic.hpp"
#include "run_files.hpp"
#include "sim/util/interrupt.hpp"
#include "sim/util/output_folder.hpp"

namespace qtsim::cli {

namespace fs = std::filesystem;

namespace {

double parse_factor(const std::string& text) {
  std::size_t used = 0;
  double v = -1;
  try {
    v = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  const cost::FigureRange range = cost::range_of_path("sram.leakage_factor");
  if (used != text.size() || !range.contains(v))
    throw input::InputError(input::Diagnostic{"command line", "--low-leakage-factor", range.describe() + " (e.g. 0.01)",
                                              "\"" + text + "\"", ""});
  return v;
}

}  // namespace

int run_compare(const Args& args) {
  po::options_description opts("compare options");
  opts.add_options()
      ("baseline", po::value<std::string>(), "FP32-BN hardware (default: derived from --candidate, else workloads/hw/fp32-bn-16x16.json)")
      ("candidate", po::value<std::string>(), "int8 hardware with a Fixup unit (default: derived from --baseline, else "
                                              "workloads/hw/int8-fixup-16x16.json); the other designs keep its array, "
                                              "SRAM, clock, DRAM and node")
      ("tech", po::value<std::string>(), "technology table for every design: a node name (45nm, ...) or a table file (.json); default: each hardware's technology")
      ("vary", po::value<std::vector<std::string>>()->composing(), "PATH=LOW:HIGH: re-evaluate the ratios with one table entry at LOW and at HIGH (repeatable)")
      ("low-leakage-factor", po::value<std::string>()->default_value("0.01"), "sram.leakage_factor of the low-leakage SRAM variant")
      ("ideal-memory", "simulate every design with ideal memory only (buffers larger than any tensor, unlimited DRAM "
                       "bandwidth, no latency); by default the ideal-memory ratios are shown beside the headline")
      ("out", po::value<std::string>(), "output directory (default: compare-<network>)")
      ("no-progress", "no progress line on stderr");
  const ParsedOptions p = parse_options(args, opts, {"workload"},
                                        "usage: qtsim compare WORKLOAD.json [--baseline HW.json --candidate HW.json] [--tech TABLE] "
                                        "[--vary PATH=LOW:HIGH ...] [--out DIR]\n"
                                        "Runs the workload's BN network in FP32 and its Fixup network in int8 EOQ (plus an iso-area FP32 "
                                        "design and the WAGEUBN and DFP schemes) in one simulation, one step in timing mode, and writes\n"
                                        "compare.json, compare.md and compare.html: energy, area, latency and power with their ratios, the "
                                        "normalization stage alone, and what drives each ratio.");
  if (p.help) return 0;
  const auto& v = p.values;
  compare::CompareOptions o;
  o.workload_file = v["workload"].as<std::string>();
  if (v.count("baseline")) o.baseline_hw = v["baseline"].as<std::string>();
  if (v.count("candidate")) o.candidate_hw = v["candidate"].as<std::string>();
  if (v.count("tech")) o.tech = v["tech"].as<std::string>();
  if (v.count("vary"))
    for (const std::string& s : v["vary"].as<std::vector<std::string>>()) o.variations.push_back(cost::parse_variation_range(s));
  o.low_leakage_factor = parse_factor(v["low-leakage-factor"].as<std::string>());
  o.progress = !v.count("no-progress");
  o.ideal_memory = v.count("ideal-memory") > 0;

  const auto t0 = std::chrono::steady_clock::now();
  // A given --out is checked and locked before any work; the default one names the network.
  std::optional<util::OutputFolder> out_folder;
  if (v.count("out")) out_folder.emplace(v["out"].as<std::string>(), "--out", files_of_any_run());
  compare::PreparedCompare prepared = compare::prepare_compare(o, {&hw_preset_file, &tech_table_file});
  const fs::path out = v.count("out") ? fs::path(v["out"].as<std::string>()) : fs::path("compare-" + prepared.input.workload_name);
  if (!out_folder) out_folder.emplace(out, "--out", files_of_any_run());
  const auto t1 = std::chrono::steady_clock::now();
  if (const int signal = compare::simulate_designs(prepared, o.progress)) {
    std::cerr << "interrupted before every design completed its step: nothing written\n";
    return 128 + signal;
  }
  const auto t2 = std::chrono::steady_clock::now();
  const reports::Comparison c = reports::compare(prepared.input);
  const std::vector<reports::ReportFile> files = reports::render_comparison(c);
  const std::string headline = reports::compare_headline_text(c);

  util::throw_if_interrupted();
  std::vector<util::OutputFile> set;
  for (std::size_t i = 0; i < prepared.input.designs.size(); ++i) {
    const std::string& key = prepared.input.designs[i].key;
    set.push_back({key + "/stats.json", portable_paths(prepared.stats_text[i])});
    if (!prepared.ideal_stats_text[i].empty())
      set.push_back({key + "/ideal-memory/stats.json", portable_paths(prepared.ideal_stats_text[i])});
  }
  for (const reports::ReportFile& f : files) set.push_back({f.name, portable_paths(f.contents)});
  put_marker_last(set, "compare.json");
  out_folder->commit(set);
  const auto t3 = std::chrono::steady_clock::now();
  auto secs = [](auto a, auto b) { return std::chrono::duration<double>(b - a).count(); };
  std::cout << headline << "\n";
  std::cout << fmt::format("wrote {}/compare.json, compare.md, compare.html and {} design folders with stats.json\n",
                           out.string(), prepared.input.designs.size());
  std::cout << fmt::format("wall time {:.1f} s (prepare {:.1f} s, simulate {} designs {:.1f} s, costs and reports {:.1f} s)\n",
                           secs(t0, t3), secs(t0, t1), prepared.input.designs.size(), secs(t1, t2), secs(t2, t3));
  return 0;
}

}  // namespace qtsim::cli
