#include "point_run.hpp"

#include <unistd.h>

#include <chrono>

#include <fmt/format.h>

#include "design_figures.hpp"
#include "models/cost/cost_model.hpp"
#include "sim/costinput/stats_kernels.hpp"
#include "sim/hwsim/hw_session.hpp"
#include "sim/hwsim/simulation_outputs.hpp"
#include "sim/input/diagnostic.hpp"
#include "sim/train/trainer.hpp"
#include "sim/util/atomic_file.hpp"

namespace qtsim::sweep {

namespace {

std::uint64_t physical_memory() {
  const long pages = ::sysconf(_SC_PHYS_PAGES), size = ::sysconf(_SC_PAGE_SIZE);
  return pages > 0 && size > 0 ? static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(size) : (8ull << 30);
}

std::string error_text(const std::exception& e) {
  if (const auto* in = dynamic_cast<const input::InputError*>(&e)) {
    std::string s;
    for (const input::Diagnostic& d : in->diagnostics()) s += (s.empty() ? "" : "\n") + d.str();
    return s;
  }
  return e.what();
}

PointFigures figures_of(const hwsim::RunStats& stats, const cost::CostReport& cost) {
  const hwsim::Totals t = stats.total();
  PointFigures f;
  f.cycles = t.cycles;
  f.macs = t.actions[hw::Action::mac_int8] + t.actions[hw::Action::mac_fp32];
  f.dram_bytes = t.actions[hw::Action::dram_read] + t.actions[hw::Action::dram_write];
  f.latency_s = cost.seconds;
  f.energy_j = cost.energy_pj * 1e-12;
  f.area_mm2 = cost.area.total_um2 * 1e-6;
  f.power_w = cost.average_power_mw * 1e-3;
  const EfficiencyFigures e = efficiency_figures(f.macs, cost.energy_pj, f.latency_s, f.area_mm2);
  f.pj_per_mac = e.pj_per_mac;
  f.tops_per_w = e.tops_per_w;
  f.tops_per_mm2 = e.tops_per_mm2;
  f.utilization = stats.array_utilization(t);
  f.technology = cost.table_name;
  return f;
}

}  // namespace

std::optional<PointResult> run_point(const PlannedPoint& point, const PointInputs& in, const PointRunOptions& options,
                                     std::string (*portable)(std::string)) {
  const auto start = std::chrono::steady_clock::now();
  PointResult r;
  r.id = point.id;
  r.parameters = point.parameters;
  r.digest = in.digest;
  r.mode = options.mode == hw::ExecMode::exact ? "exact" : "timing";
  hwsim::SessionOptions session;
  session.mode = options.mode;
  session.steps = 1;
  try {
    std::optional<data::DatasetPair> data;
    if (options.mode == hw::ExecMode::exact) {
      // As simulate's guard: an exact step holds the whole DRAM image in memory.
      const std::uint64_t need = hwsim::dram_bytes_needed(in.workload, in.config), limit = physical_memory() / 2;
      if (need > limit)
        throw std::runtime_error(fmt::format("an exact step needs {:.2f} GiB of DRAM model, more than half of this "
                                             "machine's memory ({:.2f} GiB): use timing mode",
                                             static_cast<double>(need) / (1ull << 30), static_cast<double>(limit) / (1ull << 30)));
      data = train::load_data(in.workload);
    }
    hwsim::RunStats stats(in.config);
    std::vector<hwsim::StepOutcome> steps;
    const hwsim::RunEnd end = hwsim::run_on_hardware(in.workload, in.config, session, data ? &*data : nullptr, stats,
                                                     nullptr, [&](const hwsim::StepOutcome& o) {
                                                       steps.push_back(o);
                                                       return true;
                                                     });
    if (end.interrupted_by || steps.empty()) return std::nullopt;
    const hwsim::SimulationOutputs out{in.workload, in.config, in.hardware_document, session, stats, steps};
    const nlohmann::ordered_json doc = hwsim::stats_document(out);
    const nlohmann::json stats_json = doc;
    const cost::CostReport cost = cost::estimate(stats_json, in.config, *in.table, "stats.json of point " + point.id);
    r.figures = figures_of(stats, cost);
    r.ok = true;
    if (options.keep_stats) {
      const std::filesystem::path dir = points_dir(options.out_dir) / point.id;
      util::ensure_directory(dir);
      util::write_file_atomic(dir / "stats.json", portable(doc.dump(1) + "\n"));
    }
  } catch (const std::exception& e) {
    r.ok = false;
    r.error = error_text(e);
  }
  r.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

}  // namespace qtsim::sweep
