#include "norm_stage.hpp"

#include "cost_views.hpp"

namespace qtsim::reports {

const std::vector<NormScope>& norm_scopes() {
  static const std::vector<NormScope> s{NormScope::training, NormScope::inference, NormScope::inference_running};
  return s;
}

std::string scope_key(NormScope s) {
  switch (s) {
    case NormScope::training: return "training";
    case NormScope::inference: return "inference";
    case NormScope::inference_running: return "inference-running";
  }
  return "?";
}

std::string scope_title(NormScope s) {
  switch (s) {
    case NormScope::training: return "training (all phases)";
    case NormScope::inference: return "inference (forward, batch statistics)";
    case NormScope::inference_running: return "inference (forward, running statistics)";
  }
  return "?";
}

std::string scope_definition(NormScope s) {
  switch (s) {
    case NormScope::training:
      return "every kernel of the training step on the normalization unit, in all phases: FP32-BN's mean and variance "
             "passes (with the per-channel square root and divides), normalize + affine, backward reduce and backward "
             "data; Fixup's scalar bias and multiplier passes forward and backward and their gradient reductions";
    case NormScope::inference:
      return "the forward-phase kernels on the normalization unit, batch statistics included: FP32-BN's mean and "
             "variance passes (square root and divides per channel) and its normalize + affine pass; Fixup's forward "
             "scalar bias and multiplier passes (no square root, no divide)";
    case NormScope::inference_running:
      return "the forward-phase kernels on the normalization unit without the statistics passes (bn-mean, "
             "bn-variance, bn-stats): inference with running statistics whose per-channel scale and shift are folded "
             "once; the normalize pass is still the training kernel (it also writes x-hat), an upper bound";
  }
  return "";
}

bool in_scope(const cost::KernelRecord& k, NormScope s) {
  if (k.unit != "norm_unit") return false;
  if (s == NormScope::training) return true;
  if (k.phase != "forward") return false;
  if (s == NormScope::inference) return true;
  return k.op != "bn-mean" && k.op != "bn-variance" && k.op != "bn-stats";
}

std::vector<cost::KernelRecord> select_kernels(const std::vector<cost::KernelRecord>& kernels, NormScope s) {
  std::vector<cost::KernelRecord> out;
  for (const cost::KernelRecord& k : kernels)
    if (in_scope(k, s)) out.push_back(k);
  return out;
}

StageCost stage_cost(const std::vector<cost::KernelRecord>& kernels, NormScope s, const hw::HwConfig& config,
                     const cost::TechTable& table) {
  const cost::CostReport r = cost::estimate(select_kernels(kernels, s), config, table);
  StageCost c;
  c.kernels = r.kernels;
  c.cycles = r.cycles;
  c.seconds = r.seconds;
  c.energy_pj = r.energy_pj;
  c.dynamic_pj = r.dynamic_pj;
  c.leakage_pj = r.leakage_pj;
  c.unit_pj = value_of(r.energy_by_unit_pj, "norm_unit");
  if (r.seconds > 0) {
    c.power_mw = r.energy_pj / r.seconds * 1e-9;
    c.dynamic_power_mw = r.dynamic_pj / r.seconds * 1e-9;
    c.unit_power_mw = c.unit_pj / r.seconds * 1e-9;
  }
  c.area_um2 = value_of(area_by_unit(r.area), "norm_unit");
  c.energy_by_figure_pj = r.energy_by_figure_pj;
  return c;
}

}  // namespace qtsim::reports
