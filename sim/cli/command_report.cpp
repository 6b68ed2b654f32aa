// qtsim report DIR [--tech TABLE.json|NODE] [--out DIR]
#include <filesystem>
#include <iostream>

#include <fmt/format.h>

#include "command.hpp"
#include "models/cost/cost_model.hpp"
#include "options.hpp"
#include "preset_paths.hpp"
#include "reports/architect_figures.hpp"
#include "reports/run_report.hpp"
#include "reports/text_format.hpp"
#include "report_input.hpp"
#include "sim/costinput/stats_kernels.hpp"
#include "sim/costinput/tech_table_loader.hpp"
#include "sim/hwconfig/hw_config_loader.hpp"
#include "sim/input/diagnostic.hpp"
#include "run_files.hpp"
#include "sim/util/interrupt.hpp"
#include "sim/util/output_folder.hpp"

namespace qtsim::cli {

namespace fs = std::filesystem;

namespace {

// The hardware document inside stats.json, checked as a configuration; problems
// name stats.json and the pointer below /hardware.
hw::HwConfig hardware_of(const nlohmann::json& stats, const std::string& file) {
  if (!stats.contains("hardware"))
    throw input::InputError(input::Diagnostic{file, "/hardware", "the hardware configuration of the run", "nothing", ""});
  try {
    return hwconfig::parse_hw_config(stats.at("hardware"), file);
  } catch (const input::InputError& e) {
    std::vector<input::Diagnostic> ds;
    for (input::Diagnostic d : e.diagnostics()) {
      d.file = file;
      d.pointer = "/hardware" + d.pointer;
      ds.push_back(d);
    }
    throw input::InputError(ds);
  }
}

}  // namespace

int run_report(const Args& args) {
  po::options_description opts("report options");
  opts.add_options()
      ("tech", po::value<std::string>(), "technology table: a node name (45nm, 22nm, ...) or a table file (.json); default: the hardware's technology")
      ("out", po::value<std::string>(), "output directory (default: DIR)");
  const ParsedOptions p = parse_options(args, opts, {"dir"},
                                        "usage: qtsim report DIR [--tech TABLE.json|NODE] [--out DIR]\n"
                                        "Writes report.json, report-layers.csv, report-units.csv, report.md and report.html from DIR/stats.json\n"
                                        "(the output of qtsim simulate, or of qtsim simulate --scalesim-cfg): energy, area, latency and power\n"
                                        "with their breakdowns, pJ/MAC, TOPS/W, TOPS/mm2 and samples per second.");
  if (p.help) return 0;
  const auto& v = p.values;
  const std::string dir = v["dir"].as<std::string>();
  const RunFolder run = read_run_folder(dir);
  const nlohmann::json& stats = run.stats;
  const std::string& stats_file = run.stats_file;
  const hw::HwConfig config = hardware_of(stats, stats_file);
  const std::string table_file = v.count("tech") ? preset_option("tech", v["tech"].as<std::string>(), "--tech")
                                                 : tech_table_file(config.technology);
  const cost::TechTable table = cost::load_tech_table(table_file);
  // Into the run's own folder the report adds derived files; into another
  // folder it is that folder's run, and replaces whatever an earlier run left.
  std::error_code ec;
  const fs::path out_dir = v.count("out") ? fs::path(v["out"].as<std::string>()) : fs::path(dir);
  const bool own_folder = fs::equivalent(out_dir, dir, ec);
  util::OutputFolder out(out_dir, "--out", own_folder ? std::vector<std::string>{} : files_of_any_run());
  util::throw_if_interrupted();
  const cost::CostReport cost = cost::estimate(stats, config, table, stats_file);
  const reports::RunPerformance perf = reports::performance_from_stats(stats, config, stats_file);
  util::throw_if_interrupted();
  const std::vector<reports::ReportFile> files = reports::render_run_report({stats, table, cost, perf});
  util::throw_if_interrupted();

  std::vector<util::OutputFile> set;
  for (const reports::ReportFile& f : files) set.push_back({f.name, portable_paths(f.contents)});
  put_marker_last(set, "report.json");
  out.commit(set);
  const reports::ArchitectFigures figures = reports::architect_figures(cost, perf, reports::samples_of(stats));
  const std::string what = run.kind == RunFolderKind::scalesim
                               ? "SCALE-Sim run " + stats.at("scalesim").value("run_name", std::string()) + " (" +
                                     reports::run_labels(stats).workload + ", forward GEMMs)"
                               : reports::run_labels(stats).workload;
  std::cout << fmt::format("{} on {}: {:.4g} mJ, {:.4g} ms, {:.4g} mW average, {:.4g} mm2 (table {})\n", what, config.name,
                           cost.energy_pj * 1e-9, cost.seconds * 1e3, cost.average_power_mw, cost.area.total_um2 * 1e-6,
                           table.name);
  std::cout << fmt::format("  {} pJ/MAC, {} TOPS/W, {} TOPS/mm2 (peak {}), {} {}/s, {} {}\n", reports::sig(figures.pj_per_mac, 4),
                           reports::sig(figures.tops_per_w, 4), reports::sig(figures.tops_per_mm2, 4),
                           reports::sig(figures.peak_tops_per_mm2, 4), reports::sig(figures.samples_per_s, 4),
                           reports::samples_noun(figures.samples), reports::energy_si(figures.energy_per_sample_pj), reports::per_sample(figures.samples));
  std::cout << "wrote";
  for (const reports::ReportFile& f : files) std::cout << " " << (out_dir / f.name).string();
  std::cout << "\n";
  return 0;
}

}  // namespace qtsim::cli
