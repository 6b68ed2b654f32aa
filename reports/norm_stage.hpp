#pragma once
// The normalization stage alone: the kernels a step runs on the
// normalization unit (FP32 batchnorm's statistics, square root, divides and
// normalize pass; integer BN's; Fixup's square-root-free scalar multiply and
// bias), in three scopes:
//
//   training            every phase (forward, backward-data, backward-weights)
//   inference           the forward phase only, batch statistics included:
//                       what one forward pass computes when the statistics
//                       come from the batch (FP32-BN: mean and variance
//                       passes with the per-channel square root and divides,
//                       then normalize + affine; Fixup: the forward scalar
//                       bias and multiplier passes)
//   inference-running   the forward phase without the statistics passes
//                       (ops bn-mean, bn-variance, bn-stats): inference with
//                       running statistics, whose per-channel scale and shift
//                       a host folds once. The normalize pass is still the
//                       training kernel's (it also writes x-hat), so this is
//                       an upper bound of that inference's cost.
//
// A stage's cost is the cost model's estimate over those kernels alone:
// their dynamic energy (normalization-unit arithmetic plus the SRAM, DRAM
// and DMA traffic of those kernels) plus the whole chip's leakage for their
// duration. Its latency is their elapsed cycles, its area the normalization
// unit's (lanes and square-root/divide units, no overhead share).
#include <string>
#include <vector>

#include "models/cost/cost_model.hpp"

namespace qtsim::reports {

enum class NormScope { training, inference, inference_running };
const std::vector<NormScope>& norm_scopes();
std::string scope_key(NormScope s);        // "training", "inference", "inference-running"
std::string scope_title(NormScope s);      // for tables
std::string scope_definition(NormScope s); // one sentence

bool in_scope(const cost::KernelRecord& k, NormScope s);
std::vector<cost::KernelRecord> select_kernels(const std::vector<cost::KernelRecord>& kernels, NormScope s);

struct StageCost {
  std::uint64_t kernels = 0, cycles = 0;
  double seconds = 0;
  double energy_pj = 0, dynamic_pj = 0, leakage_pj = 0;
  double unit_pj = 0;        // the normalization unit's own arithmetic (energy_by_unit "norm_unit")
  double power_mw = 0;       // energy / seconds (leakage included)
  double dynamic_power_mw = 0;
  double unit_power_mw = 0;  // unit_pj / seconds
  double area_um2 = 0;       // normalization unit (category norm_unit)
  std::vector<std::pair<std::string, double>> energy_by_figure_pj;
};

StageCost stage_cost(const std::vector<cost::KernelRecord>& kernels, NormScope s, const hw::HwConfig& config,
                     const cost::TechTable& table);

}  // namespace qtsim::reports
