#include "run_scalesim.hpp"

#include <filesystem>
#include <memory>
#include <stdexcept>

#include <fmt/format.h>
#include <systemc>

#include "models/hw/accelerator.hpp"
#include "models/hw/core/dram_allocator.hpp"
#include "models/hw/core/hw_tensor.hpp"
#include "models/hw/kernels/gemm/gemm_kernel.hpp"
#include "sim/input/diagnostic.hpp"
#include "sim/util/atomic_file.hpp"

namespace qtsim::scalesim {

namespace {

// Large enough for any layer's operands as one block; never allocated in timing mode.
constexpr std::uint64_t kIdealSramBytes = std::uint64_t{1} << 42;
// Bytes per ns: a transfer of any size takes under a picosecond (the time resolution), i.e. no time.
constexpr double kUnlimitedBandwidth = 1e12;
constexpr double kClockMhz = 1000.0;

hw::SramSpec sram(const std::string& name, std::uint64_t bytes) {
  hw::SramSpec s;
  s.name = name;
  s.capacity_bytes = bytes;
  s.banks = 1;
  s.word_bytes = 1;
  s.ports = 2;
  s.double_buffered = true;
  return s;
}

// The .cfg key of the buffer a tiling error names.
std::string sram_key(const std::string& message) {
  if (message.find("ifmap") != std::string::npos) return "IfmapSramSzkB";
  if (message.find("filter") != std::string::npos) return "FilterSramSzkB";
  return "OfmapSramSzkB";
}

}  // namespace

hw::HwConfig scalesim_hw_config(const ScaleSimConfig& cfg, bool ideal_memory) {
  hw::HwConfig c;
  c.name = "scalesim-" + cfg.run_name;
  c.file = cfg.file;
  c.description = fmt::format("SCALE-Sim configuration {} ({}x{} {}, {})", cfg.file, cfg.rows, cfg.cols,
                              hw::to_string(cfg.dataflow), ideal_memory ? "ideal memory" : "SRAM and bandwidth from the cfg");
  c.clock_mhz = kClockMhz;
  c.array.rows = static_cast<int>(cfg.rows);
  c.array.cols = static_cast<int>(cfg.cols);
  c.array.dataflow = cfg.dataflow;
  c.array.datapath = hw::ArrayDatapath::int8;
  c.array.accumulator_bits = 32;
  c.array.flag_operands = false;
  const std::uint64_t kib = 1024;
  if (ideal_memory) {
    c.ifmap = sram("ifmap", kIdealSramBytes);
    c.filter = sram("filter", kIdealSramBytes);
    c.ofmap = sram("ofmap", kIdealSramBytes);
    c.vector = sram("vector", kIdealSramBytes);
  } else {
    c.ifmap = sram("ifmap", static_cast<std::uint64_t>(cfg.ifmap_kb) * kib);
    c.filter = sram("filter", static_cast<std::uint64_t>(cfg.filter_kb) * kib);
    // SCALE-Sim's words are one byte; our ofmap words are int32 partial sums.
    c.ofmap = sram("ofmap", static_cast<std::uint64_t>(cfg.ofmap_kb) * kib * 4);
    c.vector = sram("vector", static_cast<std::uint64_t>(cfg.ofmap_kb) * kib * 4);
  }
  c.dram.type = "LPDDR4";
  c.dram.latency_ns = 0.0;
  const bool limited = !ideal_memory && cfg.user_bandwidth && !cfg.bandwidths.empty();
  // Words of one byte per cycle at 1 GHz: B words/cycle = B GB/s.
  c.dram.bandwidth_gb_per_s = limited ? static_cast<double>(cfg.bandwidths.front()) * kClockMhz / 1000.0 : kUnlimitedBandwidth;
  c.dma.setup_cycles = 0;
  c.dma.burst_bytes = 64;
  c.vector_unit.lanes = c.array.cols;
  c.norm.lanes = c.array.cols;
  c.random.lanes = c.array.cols;
  c.technology = "45nm";
  return c;
}

std::vector<ScaleSimLayerResult> simulate_layers(const hw::HwConfig& config, const std::vector<TopologyLayer>& layers,
                                                 const std::string& cfg_file) {
  hw::DramAllocator alloc;
  std::vector<std::unique_ptr<hw::Kernel>> program;
  std::vector<const hw::GemmKernel*> gemms;
  std::vector<input::Diagnostic> problems;
  for (const TopologyLayer& l : layers) {
    const hw::ConvShape s = l.conv_shape();
    const hw::HwTensor x(alloc.allocate(l.name + "/x", hw::DType::i8, {1, s.c, s.h, s.w}));
    const hw::HwTensor w(alloc.allocate(l.name + "/w", hw::DType::i8, {s.k, s.c, s.r, s.s}));
    const hw::HwTensor y(alloc.allocate(l.name + "/y", hw::DType::i32, {1, s.k, s.p(), s.q()}));
    try {
      auto k = std::make_unique<hw::GemmKernel>(hw::KernelLabel{l.name, "gemm", hw::Phase::forward, "A", hw::Unit::mac_array},
                                                hw::ConvPass::forward, s, hw::GemmOperands{x, w, y, -1}, config);
      gemms.push_back(k.get());
      program.push_back(std::move(k));
    } catch (const std::runtime_error& e) {
      problems.push_back({cfg_file.empty() ? config.file : cfg_file, "[architecture_presets] " + sram_key(e.what()),
                          fmt::format("SRAM large enough for layer '{}' (line {} of the topology)", l.name, l.line),
                          std::string(e.what()), ""});
    }
  }
  if (!problems.empty()) throw input::InputError(problems);

  hw::Accelerator acc("scalesim_accelerator", config, hw::ExecMode::timing, alloc.used());
  std::vector<hw::KernelStats> stats;
  acc.on_start([&](hw::Accelerator& a) {
    a.execute(program, [&](const hw::Kernel&, const hw::KernelStats& st) { stats.push_back(st); });
  });
  sc_core::sc_start();
  if (stats.size() != layers.size())
    throw std::logic_error(fmt::format("SCALE-Sim run: {} of {} layers completed", stats.size(), layers.size()));

  std::vector<ScaleSimLayerResult> results;
  const hw::MacArraySpec& arr = config.array;
  for (std::size_t i = 0; i < layers.size(); ++i) {
    ScaleSimLayerResult r;
    r.layer = layers[i];
    r.gemm = layers[i].gemm();
    const hw::GemmMapping& mp = gemms[i]->mapped().mapping;
    r.blocks = mp.tiles();
    r.folds = mp.folds();
    r.metrics.add(arr.dataflow, arr.rows, arr.cols, r.gemm);
    r.compute_cycles = static_cast<std::int64_t>(stats[i].busy_cycles);
    r.total_cycles = static_cast<std::int64_t>(stats[i].cycles);
    r.stall_cycles = r.total_cycles - r.compute_cycles;
    r.formula_cycles = hw::scalesim_cycles(arr.dataflow, arr.rows, arr.cols, r.gemm);
    r.actions = stats[i].actions;
    results.push_back(r);
  }
  return results;
}

std::string compute_report_csv(const std::vector<ScaleSimLayerResult>& results, const hw::HwConfig& config) {
  std::string csv = "LayerID, Total Cycles, Stall Cycles, Overall Util %, Mapping Efficiency %, Compute Util %,\n";
  const std::int64_t pes = static_cast<std::int64_t>(config.array.rows) * config.array.cols;
  for (std::size_t i = 0; i < results.size(); ++i) {
    const ScaleSimLayerResult& r = results[i];
    csv += fmt::format("{}, {}, {}, {}, {}, {},\n", i, r.total_cycles, r.stall_cycles,
                       python_float(overall_util_percent(r.layer.macs(), r.total_cycles, pes)),
                       python_float(r.metrics.mapping_efficiency_percent()), python_float(r.metrics.compute_util_percent()));
  }
  return csv;
}

std::string layer_report_csv(const std::vector<ScaleSimLayerResult>& results, const hw::HwConfig& config) {
  std::string csv =
      "layer_id,layer_name,ifmap_h,ifmap_w,filter_h,filter_w,channels,filters,stride,ofmap_h,ofmap_w,"
      "gemm_m,gemm_n,gemm_k,array_rows,array_cols,dataflow,blocks,folds,macs,compute_cycles,formula_cycles,"
      "total_cycles,stall_cycles,overall_util_pct,mapping_efficiency_pct,compute_util_pct,"
      "dram_read_bytes,dram_write_bytes,dma_transfers,sram_ifmap_read_bytes,sram_ifmap_write_bytes,"
      "sram_filter_read_bytes,sram_filter_write_bytes,sram_ofmap_read_bytes,sram_ofmap_write_bytes\n";
  const std::int64_t pes = static_cast<std::int64_t>(config.array.rows) * config.array.cols;
  for (std::size_t i = 0; i < results.size(); ++i) {
    const ScaleSimLayerResult& r = results[i];
    const TopologyLayer& l = r.layer;
    const hw::ActionCounts& a = r.actions;
    std::string name = l.name;
    if (name.find_first_of(",\"") != std::string::npos) {
      std::string q = "\"";
      for (char c : name) q += c == '"' ? std::string("\"\"") : std::string(1, c);
      name = q + "\"";
    }
    csv += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", i,
                       name, l.ifmap_h, l.ifmap_w, l.filter_h, l.filter_w, l.channels, l.filters, l.stride_h, l.ofmap_h(),
                       l.ofmap_w(), r.gemm.m, r.gemm.n, r.gemm.k, config.array.rows, config.array.cols,
                       hw::to_string(config.array.dataflow), r.blocks, r.folds, l.macs(), r.compute_cycles, r.formula_cycles,
                       r.total_cycles, r.stall_cycles, python_float(overall_util_percent(l.macs(), r.total_cycles, pes)),
                       python_float(r.metrics.mapping_efficiency_percent()), python_float(r.metrics.compute_util_percent()),
                       a[hw::Action::dram_read], a[hw::Action::dram_write], a[hw::Action::dma_transfer],
                       a[hw::Action::sram_ifmap_read], a[hw::Action::sram_ifmap_write], a[hw::Action::sram_filter_read],
                       a[hw::Action::sram_filter_write], a[hw::Action::sram_ofmap_read], a[hw::Action::sram_ofmap_write]);
  }
  return csv;
}

int run_scalesim(const ScaleSimOptions& options, std::ostream& out) {
  const ScaleSimConfig cfg = load_scalesim_cfg(options.cfg_path);
  std::string topology = options.topology_path;
  if (topology.empty()) {
    if (cfg.topology.empty())
      throw input::InputError(input::Diagnostic{"command line", "--topology",
                                                "a topology .csv file (or TopologyCsvLoc in the cfg's [network_presets])",
                                                "neither", ""});
    topology = (std::filesystem::path(options.cfg_path).parent_path() / cfg.topology).lexically_normal().string();
  }
  const std::vector<TopologyLayer> layers = load_topology(topology);
  if (options.out_dir.empty())
    throw input::InputError(input::Diagnostic{"command line", "--out", "an output directory", "nothing", ""});
  const std::filesystem::path dir(options.out_dir);
  util::ensure_directory(dir);
  const hw::HwConfig config = scalesim_hw_config(cfg, options.ideal_memory);

  const std::vector<ScaleSimLayerResult> results = simulate_layers(config, layers, cfg.file);
  util::write_file_atomic(dir / "COMPUTE_REPORT.csv", compute_report_csv(results, config));
  util::write_file_atomic(dir / "QTSIM_LAYER_REPORT.csv", layer_report_csv(results, config));

  out << fmt::format("SCALE-Sim run {}: {}x{} array, {} dataflow, {} layers from {}{}\n", cfg.run_name, config.array.rows,
                     config.array.cols, hw::to_string(config.array.dataflow), layers.size(), topology,
                     options.ideal_memory ? " (ideal memory: no stalls)" : "");
  const std::int64_t pes = static_cast<std::int64_t>(config.array.rows) * config.array.cols;
  std::int64_t total = 0;
  for (std::size_t i = 0; i < results.size(); ++i) {
    const ScaleSimLayerResult& r = results[i];
    total += r.total_cycles;
    out << fmt::format("  layer {:>3} {:<16} total {:>12} cycles, stall {:>10}, overall util {:6.2f}%, mapping efficiency {:6.2f}%\n",
                       i, r.layer.name, r.total_cycles, r.stall_cycles,
                       overall_util_percent(r.layer.macs(), r.total_cycles, pes), r.metrics.mapping_efficiency_percent());
  }
  out << fmt::format("  all layers: {} cycles\nwrote {} and {}\n", total, (dir / "COMPUTE_REPORT.csv").string(),
                     (dir / "QTSIM_LAYER_REPORT.csv").string());
  return 0;
}

}  // namespace qtsim::scalesim
