#pragma once
// The figures architects compare accelerators by, from a run's cost estimate
// and its kernel rows (docs/REPORTS.md "Figures architects compare by"):
//
//   MACs            the multiply-accumulates in the run's action counts
//                   (mac.int8 + mac.fp32 of every kernel: a training step's
//                   forward, backward-data and backward-weights GEMMs; the
//                   update runs on the vector unit and has none)
//   pJ/MAC          the run's whole energy (dynamic + leakage, every unit,
//                   SRAM, DRAM) / MACs
//   TOPS            2 x MACs / latency / 1e12 (1 MAC = 2 operations): the
//                   throughput achieved, stalls and non-GEMM work included
//   TOPS/W          2 x MACs / energy in joules / 1e12 = 2 / (pJ/MAC)
//   TOPS/mm2        TOPS / total area (overhead included)
//   peak TOPS       2 x rows x cols x clock / 1e12, and peak TOPS/mm2
//   samples/s       samples / latency, samples = batch x steps completed
//                   (training samples), or one forward pass of one input per
//                   run of a SCALE-Sim topology
//   energy/sample   energy / samples
//
// A figure whose denominator is 0 is NaN ("n/a" in text, null in JSON).
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "models/cost/cost_model.hpp"
#include "reports/run_performance.hpp"

namespace qtsim::reports {

// What one sample of a run is, and how many the run processed.
struct SampleCount {
  double samples = 0;
  std::string kind;  // "training sample" or "forward pass"
};

// From stats.json: workload.batch_size x steps_completed ("steps" for files
// before version 2); a SCALE-Sim run ("scalesim" present) is one forward pass.
// 0 samples when the file does not say.
SampleCount samples_of(const nlohmann::json& stats);

struct ArchitectFigures {
  std::uint64_t macs = 0;
  SampleCount samples;
  double pj_per_mac = 0, tops = 0, tops_per_w = 0, tops_per_mm2 = 0;
  double peak_tops = 0, peak_tops_per_mm2 = 0;
  double samples_per_s = 0, energy_per_sample_pj = 0;
};

ArchitectFigures architect_figures(const cost::CostReport& cost, const RunPerformance& performance, const SampleCount& samples);

nlohmann::ordered_json to_json(const ArchitectFigures& f);

// "per training sample" / "per forward pass"; "training samples" / "forward passes".
std::string per_sample(const SampleCount& s);
std::string samples_noun(const SampleCount& s);

}  // namespace qtsim::reports
