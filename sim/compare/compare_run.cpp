#include "compare_run.hpp"

#include <algorithm>
#include <filesystem>

#include <fmt/format.h>

#include "design_derivation.hpp"
#include "iso_area.hpp"
#include "models/cost/cost_model.hpp"
#include "sim/costinput/table_variation.hpp"
#include "sim/costinput/tech_table_loader.hpp"
#include "sim/hwconfig/hw_config_loader.hpp"
#include "sim/hwsim/hardware_fit.hpp"
#include "sim/hwsim/hw_session.hpp"
#include "sim/hwsim/simulation_outputs.hpp"
#include "sim/input/diagnostic.hpp"
#include "sim/util/interrupt.hpp"
#include "sim/workload/scheme_json.hpp"
#include "workload_variants.hpp"

namespace qtsim::compare {

namespace {

// The cost model's variation problems are the command line's: name the option.
template <class Action>
auto at_vary_option(Action&& action) {
  try {
    return action();
  } catch (const input::InputError& e) {
    std::vector<input::Diagnostic> ds = e.diagnostics();
    for (input::Diagnostic& d : ds)
      if (d.file == "command line" && d.pointer.empty()) d.pointer = "--vary";
    throw input::InputError(ds);
  }
}

struct HwChoice {
  std::string file;
  nlohmann::json doc;
  hw::HwConfig config;
};

HwChoice load_hw(const std::string& file) {
  HwChoice h;
  h.file = file;
  h.doc = hwconfig::load_hw_config_json(file);
  h.config = hwconfig::parse_hw_config(h.doc, file);
  return h;
}

// A design derived from `source` (design_derivation.hpp), checked as a file is.
HwChoice derived(const HwChoice& source, const std::string& role, const std::string& family, const PresetLocator& presets,
                 std::string& how) {
  const DerivedDesign d = derive_design(source.doc, role, hwconfig::load_hw_config_json(presets.hw_preset(family + "-16x16")), family);
  HwChoice h;
  h.file = source.file + " [" + d.document.at("name").get<std::string>() + "]";
  h.doc = d.document;
  h.config = hwconfig::parse_hw_config(h.doc, h.file);
  how = d.how;
  return h;
}

std::string array_text(const hw::HwConfig& c) { return fmt::format("{}x{}", c.array.rows, c.array.cols); }

// The lowering checks that the hardware can run the workload (datapath, normalization unit, buffer sizes).
// Each lowers a whole step: the iso-area search's many calls stop on Ctrl-C.
void check_runs(const workload::Workload& w, const hw::HwConfig& c, const std::string& file) {
  util::throw_if_interrupted();
  (void)hwsim::check_hardware_fits(w, c, file);
}

}  // namespace

PreparedCompare prepare_compare(const CompareOptions& o, const PresetLocator& presets) {
  PreparedCompare p;
  reports::CompareInput& in = p.input;
  in.workload_file = o.workload_file;
  in.variations = o.variations;
  in.low_leakage_factor = o.low_leakage_factor;
  p.ideal_memory_only = o.ideal_memory;
  if (o.ideal_memory)
    in.notes.push_back("--ideal-memory: every design simulated with buffers larger than any tensor, unlimited DRAM "
                       "bandwidth and no latency; area and leakage power are the designs' own.");

  // The workload as given must be valid on its own.
  const workload::WorkloadSource source = workload::read_workload_source(o.workload_file);
  const nlohmann::json& given = source.expanded;
  const workload::Workload as_given = workload::parse_workload(source);
  in.workload_name = network_base_name(as_given.name);

  for (const StandardVariant& v : standard_variants()) {  // fp32-bn, int8-eoq, int8-wageubn, int8-dfp
    p.workloads.push_back(load_variant(given, o.workload_file, v.spec));
    in.workloads[p.workloads.back().name] = variant_document(given, v.spec);
  }
  const workload::Workload& w_bn = p.workloads[0];
  const workload::Workload& w_fixup = p.workloads[1];
  if (w_bn.scheme.name == "fp32-bn" && w_bn.training.momentum == 0)
    in.notes.push_back("The FP32-BN baseline trains with the given file's momentum 0 (no momentum buffer); the "
                       "repository's BN workloads use 0.9.");
  in.has_normalization = std::any_of(w_bn.network.nodes.begin(), w_bn.network.nodes.end(),
                                     [](const ref::Node& n) { return n.op == ref::OpKind::batchnorm; });
  if (!in.has_normalization)
    in.warnings.push_back(fmt::format("{} has no layer to normalize (its batchnorm variant has no batchnorm layer): the "
                                      "BN-versus-Fixup question does not arise, and the normalization-stage ratios are n/a.",
                                      in.workload_name));
  in.notes.push_back(fmt::format("Workload variants derived from {}: network.normalization and scheme replaced; data "
                                 "set, layers and training settings as given.",
                                 o.workload_file));

  // Hardware: presets when neither design is given; otherwise every other
  // design derived from the given one (the candidate when both are given).
  std::string base_how, cand_how, intbn_how;
  HwChoice cand, base;
  if (!o.candidate_hw && !o.baseline_hw) {
    cand = load_hw(presets.hw_preset("int8-fixup-16x16"));
    base = load_hw(presets.hw_preset("fp32-bn-16x16"));
    cand_how = "preset " + cand.file;
    base_how = "preset " + base.file + " (FP32 operand buffers twice the int8 preset's)";
  } else if (o.candidate_hw) {
    cand = load_hw(*o.candidate_hw);
    cand_how = "as given (" + cand.file + ")";
    if (o.baseline_hw) {
      base = load_hw(*o.baseline_hw);
      base_how = "as given (" + base.file + ")";
      const std::string differ = equal_fields_that_differ(base.doc, cand.doc);
      if (!differ.empty())
        in.warnings.push_back("The baseline and the candidate, both given, differ in more than the datapath and "
                              "normalization unit: " + differ + "; the ratios include those differences.");
    } else {
      base = derived(cand, "the candidate", "fp32-bn", presets, base_how);
    }
  } else {
    base = load_hw(*o.baseline_hw);
    base_how = "as given (" + base.file + ")";
    cand = derived(base, "the baseline", "int8-fixup", presets, cand_how);
  }
  const HwChoice intbn = o.candidate_hw || o.baseline_hw ? derived(cand, "the candidate", "int8-intbn", presets, intbn_how)
                                                         : load_hw(presets.hw_preset("int8-intbn-16x16"));
  if (intbn_how.empty()) intbn_how = "preset " + intbn.file;

  // Tables: --tech for every design, else each design's technology.
  auto table_key = [&](const hw::HwConfig& c) { return o.tech.value_or(c.technology); };
  auto need_table = [&](const hw::HwConfig& c) {
    const std::string k = table_key(c);
    if (!in.tables.count(k)) in.tables.emplace(k, cost::load_tech_table(presets.tech_table(k)));
    return k;
  };
  const std::string base_table = need_table(base.config);
  if (need_table(cand.config) != base_table)
    in.warnings.push_back("The baseline and the candidate use different technology tables; the iso-area search uses the baseline's.");
  const IsoAreaMatch iso = match_iso_area(base.doc, cand.doc, in.tables.at(base_table), base.file,
                                          [&](const hw::HwConfig& c) -> std::string {
                                            try {
                                              check_runs(w_bn, c, base.file);
                                            } catch (const input::InputError& e) {
                                              return e.diagnostics().empty() ? "it cannot run" : e.diagnostics().front().found;
                                            }
                                            return "";
                                          });
  in.iso_area = iso.to_json();

  struct Plan {
    std::string key, label, role, how;
    const workload::Workload* w;
    nlohmann::json doc;
    std::string file;
  };
  const std::vector<Plan> plans{
      {"baseline", "FP32-BN " + array_text(base.config), "baseline: FP32 training with batchnorm", base_how, &w_bn, base.doc, base.file},
      {"candidate", "int8-EOQ Fixup " + array_text(cand.config), "candidate: full 8-bit EOQ training of the Fixup network",
       cand_how, &w_fixup, cand.doc, cand.file},
      {"iso-area",
       fmt::format("FP32-BN iso-{} {}x{}", iso.matched == "array" ? "array-area" : "area", iso.rows, iso.cols),
       iso.matched == "array" ? "the baseline's array resized to the candidate's array area (total area cannot match)"
                              : "the baseline resized to the candidate's total area", iso.how, &w_bn, iso.document, base.file + " [iso-area]"},
      {"wageubn", "int8-WAGEUBN BN " + array_text(intbn.config), "int8 WAGEUBN with integer batchnorm", intbn_how, &p.workloads[2],
       intbn.doc, intbn.file},
      {"dfp", "int8-DFP BN " + array_text(intbn.config), "int8 DFP with integer batchnorm", intbn_how, &p.workloads[3], intbn.doc,
       intbn.file}};
  for (const Plan& pl : plans) {
    reports::CompareDesign d;
    d.key = pl.key;
    d.label = pl.label;
    d.role = pl.role;
    d.derivation = pl.how;
    d.workload = pl.w->name;
    d.scheme = pl.w->scheme.name;
    d.hardware = pl.doc;
    d.config = hwconfig::parse_hw_config(pl.doc, pl.file);
    in.design_table[d.key] = need_table(d.config);
    in.designs.push_back(std::move(d));
    p.design_workload.push_back(pl.w);
    p.design_file.push_back(pl.file);
  }
  // Every --vary path must exist in every table and take both values.
  for (const cost::VariationRange& v : o.variations)
    for (const auto& [k, t] : in.tables)
      at_vary_option([&] {
        cost::TechTable copy = t;
        cost::apply_variation(copy, cost::Variation{v.path, v.low});
        return cost::apply_variation(copy, cost::Variation{v.path, v.high});
      });
  {
    cost::TechTable copy = in.tables.begin()->second;
    cost::apply_variation(copy, cost::Variation{"sram.leakage_factor", o.low_leakage_factor});
  }
  return p;
}

cost::VariationRange parse_vary_option(const std::string& text) {
  return at_vary_option([&] { return cost::parse_variation_range(text); });
}

int simulate_designs(PreparedCompare& p, bool progress) {
  std::vector<reports::CompareDesign>& designs = p.input.designs;
  // Each design as given and with ideal memory (only the latter with --ideal-memory), all in one simulation.
  const bool both = !p.ideal_memory_only;
  std::deque<hw::HwConfig> ideal_configs;
  for (const reports::CompareDesign& d : designs) ideal_configs.push_back(hw::with_ideal_memory(d.config));
  std::deque<hwsim::RunStats> stats;
  std::vector<std::vector<hwsim::StepOutcome>> steps;
  std::vector<hwsim::HardwareJob> jobs;
  std::vector<std::pair<std::size_t, bool>> job_design;  // design index, ideal memory
  hwsim::SessionOptions session;
  session.mode = hw::ExecMode::timing;
  session.steps = 1;
  session.progress = progress;
  for (int pass = both ? 0 : 1; pass < 2; ++pass)
    for (std::size_t i = 0; i < designs.size(); ++i) {
      const hw::HwConfig& config = pass == 0 ? designs[i].config : ideal_configs[i];
      stats.emplace_back(config);
      steps.emplace_back();
      hwsim::HardwareJob job;
      job.workload = p.design_workload[i];
      job.config = &config;
      job.options = session;
      job.stats = &stats.back();
      const std::size_t j = jobs.size();
      job.done = [&steps, j](const hwsim::StepOutcome& o) {
        steps[j].push_back(o);
        return true;
      };
      jobs.push_back(std::move(job));
      job_design.emplace_back(i, pass == 1);
    }
  // Lowering a step checks that the hardware can run the workload; it happens
  // when run_jobs builds the accelerators, before anything is simulated. It
  // costs a model's parameter initialisation per design, so it is not done
  // twice: on failure, find the design it was and say so.
  hwsim::RunEnd end;
  try {
    end = hwsim::run_jobs(jobs);
  } catch (const std::exception&) {
    for (std::size_t i = 0; i < designs.size(); ++i) check_runs(*p.design_workload[i], designs[i].config, p.design_file[i]);
    throw;
  }
  for (std::size_t j = 0; j < jobs.size(); ++j)
    if (steps[j].empty()) {
      if (end.interrupted_by) return end.interrupted_by;
      throw std::runtime_error("the simulation of " + designs[job_design[j].first].key + " stopped before its step completed");
    }
  p.stats_text.assign(designs.size(), "");
  p.ideal_stats_text.assign(designs.size(), "");
  for (std::size_t j = 0; j < jobs.size(); ++j) {
    const auto [i, ideal] = job_design[j];
    const hwsim::SimulationOutputs out{*p.design_workload[i], *jobs[j].config, designs[i].hardware, session, stats[j], steps[j]};
    std::string text = hwsim::stats_document(out).dump(1) + "\n";
    if (!ideal || p.ideal_memory_only) {
      designs[i].stats = nlohmann::json::parse(text);
      p.stats_text[i] = std::move(text);
    } else {
      designs[i].ideal_stats = nlohmann::json::parse(text);
      p.ideal_stats_text[i] = std::move(text);
    }
  }
  return 0;
}

}  // namespace qtsim::compare
