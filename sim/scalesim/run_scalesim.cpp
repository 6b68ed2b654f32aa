#include "run_scalesim.hpp"

#include <cctype>
#include <filesystem>
#include <memory>
#include <stdexcept>

#include <fmt/format.h>
#include <systemc>

#include "models/hw/accelerator.hpp"
#include "models/hw/core/dram_allocator.hpp"
#include "models/hw/core/hw_tensor.hpp"
#include "models/hw/kernels/gemm/gemm_kernel.hpp"
#include "sim/hwconfig/hw_config_loader.hpp"
#include "sim/input/diagnostic.hpp"
#include "sim/scalesim/scalesim_stats.hpp"
#include "sim/scalesim/scratchpad_model.hpp"
#include "sim/util/interrupt.hpp"
#include "sim/util/output_folder.hpp"
#include "sim/util/sanitizer_stack.hpp"

namespace qtsim::scalesim {

namespace {

constexpr double kClockMhz = 1000.0;
// SCALE-Sim's CALC mode fetches operands at 10 words per cycle (single_layer_sim.py);
// qtsim's run uses that when the cfg gives no Bandwidth.
constexpr std::int64_t kDefaultBandwidthWords = 10;

nlohmann::json sram(std::int64_t kib) {
  return {{"capacity_kib", kib}, {"banks", 1}, {"word_bytes", 1}, {"ports", 2}, {"double_buffered", true}};
}

// A hardware name from the run name: the characters hw.schema.json allows, at most 64.
std::string hw_name(const std::string& run_name) {
  std::string n = "scalesim-" + run_name;
  for (char& ch : n)
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '.' && ch != '_' && ch != '-') ch = '-';
  return n.substr(0, 64);
}

// The .cfg key of the buffer a tiling error names.
std::string sram_key(const std::string& message) {
  if (message.find("ifmap") != std::string::npos) return "IfmapSramSzkB";
  if (message.find("filter") != std::string::npos) return "FilterSramSzkB";
  return "OfmapSramSzkB";
}

}  // namespace

nlohmann::json scalesim_hw_document(const ScaleSimConfig& cfg) {
  // Words of one byte per cycle at 1 GHz: B words/cycle = B GB/s.
  const std::int64_t words = cfg.bandwidths.empty() ? kDefaultBandwidthWords : cfg.bandwidths.front();
  return {{"name", hw_name(cfg.run_name)},
          {"description",
           fmt::format("SCALE-Sim configuration {} ({}x{} {}): int8 array with 32-bit accumulators, the cfg's SRAM sizes "
                       "double-buffered (ofmap words of 4 bytes), {} bytes per cycle of DRAM bandwidth at 1 GHz, no DRAM "
                       "latency or DMA setup; forward GEMMs only, so the vector, normalization and random-bit hardware is "
                       "the least the format allows",
                       cfg.file, cfg.rows, cfg.cols, hw::to_string(cfg.dataflow), words)
               .substr(0, 2000)},
          {"technology", "45nm"},
          {"clock_mhz", kClockMhz},
          {"mac_array",
           {{"rows", cfg.rows}, {"cols", cfg.cols}, {"dataflow", hw::to_string(cfg.dataflow)}, {"datapath", "int8"},
            {"accumulator_bits", 32}, {"accumulator_saturates", true}, {"flag_operands", false}}},
          // SCALE-Sim's words are one byte; our ofmap words are int32 partial sums.
          {"sram", {{"ifmap", sram(cfg.ifmap_kb)}, {"filter", sram(cfg.filter_kb)}, {"ofmap", sram(cfg.ofmap_kb * 4)},
                    {"vector", sram(1)}}},
          {"dram", {{"type", "LPDDR4"}, {"bandwidth_gb_per_s", static_cast<double>(words) * kClockMhz / 1000.0}, {"latency_ns", 0}}},
          {"dma", {{"burst_bytes", 64}, {"setup_cycles", 0}}},
          {"vector_unit", {{"lanes", 1}}},
          {"norm_unit", {{"kind", "fixup"}, {"lanes", 1}}},
          {"random_unit", {{"lanes", 0}}}};
}

hw::HwConfig scalesim_hw_config(const ScaleSimConfig& cfg, bool ideal_memory) {
  const hw::HwConfig c = hwconfig::parse_hw_config(scalesim_hw_document(cfg), cfg.file);
  return ideal_memory ? hw::with_ideal_memory(c) : c;
}

std::vector<QtsimLayerRun> simulate_layers(const hw::HwConfig& config, const std::vector<TopologyLayer>& layers,
                                           const std::string& cfg_file, const std::function<bool()>& stop) {
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
  std::vector<QtsimLayerRun> runs;
  acc.on_start([&](hw::Accelerator& a) {
    a.execute(
        program,
        [&](const hw::Kernel&, const hw::KernelStats& st) {
          const hw::GemmMapping& mp = gemms[runs.size()]->mapped().mapping;
          QtsimLayerRun r;
          r.tiles = mp.tiles();
          r.folds = mp.folds();
          r.tile = mp.tile_string();
          r.loop_order = mp.order_string();
          r.busy_cycles = static_cast<std::int64_t>(st.busy_cycles);
          r.elapsed_cycles = static_cast<std::int64_t>(st.cycles);
          r.start_cycle = static_cast<std::int64_t>(st.start_cycle);
          r.actions = st.actions;
          runs.push_back(r);
        },
        stop);
  });
  sc_core::sc_start();
  util::main_stack_is_current_again();
  if (runs.size() != layers.size() && !(stop && stop()))
    throw std::logic_error(fmt::format("SCALE-Sim run: {} of {} layers completed", runs.size(), layers.size()));
  return runs;
}

std::vector<ScaleSimLayerResult> scalesim_results(const ScaleSimConfig& cfg, bool ideal_memory,
                                                  const std::vector<TopologyLayer>& layers,
                                                  const std::vector<QtsimLayerRun>& runs, const std::function<bool()>& stop) {
  std::vector<ScaleSimLayerResult> results;
  const bool user = cfg.user_bandwidth && !ideal_memory;
  for (std::size_t i = 0; i < layers.size() && i < runs.size(); ++i) {
    if (stop && stop()) break;
    ScaleSimLayerResult r;
    r.layer = layers[i];
    r.gemm = layers[i].gemm();
    r.compute_cycles = hw::scalesim_cycles(cfg.dataflow, cfg.rows, cfg.cols, r.gemm);
    r.metrics.add(cfg.dataflow, cfg.rows, cfg.cols, r.gemm);
    if (user) {
      ScratchpadParams p;
      p.rows = cfg.rows;
      p.cols = cfg.cols;
      p.dataflow = cfg.dataflow;
      p.ifmap_words = cfg.ifmap_kb * 1024;
      p.filter_words = cfg.filter_kb * 1024;
      p.ofmap_words = cfg.ofmap_kb * 1024;
      p.bandwidth = cfg.bandwidths.empty() ? kDefaultBandwidthWords : cfg.bandwidths.front();
      ScratchpadResult m;
      try {
        m = simulate_scratchpad(layers[i], p, stop);
      } catch (const ScratchpadStopped&) {
        break;
      }
      r.stall_cycles = m.stall_cycles;
    }
    r.total_cycles = r.compute_cycles + r.stall_cycles;
    r.qtsim = runs[i];
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
      "gemm_m,gemm_n,gemm_k,array_rows,array_cols,dataflow,macs,scalesim_compute_cycles,scalesim_total_cycles,"
      "scalesim_stall_cycles,overall_util_pct,mapping_efficiency_pct,compute_util_pct,"
      "qtsim_tile_mnk,qtsim_loop_order,qtsim_tiles,qtsim_folds,qtsim_busy_cycles,qtsim_total_cycles,qtsim_stall_cycles,"
      "dram_read_bytes,dram_write_bytes,dma_transfers,sram_ifmap_read_bytes,sram_ifmap_write_bytes,"
      "sram_filter_read_bytes,sram_filter_write_bytes,sram_ofmap_read_bytes,sram_ofmap_write_bytes\n";
  const std::int64_t pes = static_cast<std::int64_t>(config.array.rows) * config.array.cols;
  for (std::size_t i = 0; i < results.size(); ++i) {
    const ScaleSimLayerResult& r = results[i];
    const TopologyLayer& l = r.layer;
    const QtsimLayerRun& q = r.qtsim;
    const hw::ActionCounts& a = q.actions;
    std::string name = l.name;
    if (name.find_first_of(",\"") != std::string::npos) {
      std::string quoted = "\"";
      for (char c : name) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
      name = quoted + "\"";
    }
    csv += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},", i, name, l.ifmap_h, l.ifmap_w,
                       l.filter_h, l.filter_w, l.channels, l.filters, l.stride_h, l.ofmap_h(), l.ofmap_w(), r.gemm.m, r.gemm.n,
                       r.gemm.k, config.array.rows, config.array.cols, hw::to_string(config.array.dataflow), l.macs(),
                       r.compute_cycles, r.total_cycles, r.stall_cycles,
                       python_float(overall_util_percent(l.macs(), r.total_cycles, pes)),
                       python_float(r.metrics.mapping_efficiency_percent()), python_float(r.metrics.compute_util_percent()));
    csv += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", q.tile, q.loop_order, q.tiles, q.folds,
                       q.busy_cycles, q.elapsed_cycles, q.stall_cycles(), a[hw::Action::dram_read], a[hw::Action::dram_write],
                       a[hw::Action::dma_transfer], a[hw::Action::sram_ifmap_read], a[hw::Action::sram_ifmap_write],
                       a[hw::Action::sram_filter_read], a[hw::Action::sram_filter_write], a[hw::Action::sram_ofmap_read],
                       a[hw::Action::sram_ofmap_write]);
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
  const std::vector<TopologyLayer> layers = load_topology(topology, options.topology_format);
  if (options.out_dir.empty())
    throw input::InputError(input::Diagnostic{"command line", "--out", "an output directory", "nothing", ""});
  const std::filesystem::path dir(options.out_dir);
  util::OutputFolder folder(dir, "--out", options.previous_run_files);
  const hw::HwConfig config = scalesim_hw_config(cfg, options.ideal_memory);

  const std::vector<QtsimLayerRun> runs = simulate_layers(config, layers, cfg.file, [] { return util::interrupted(); });
  if (runs.size() < layers.size()) {
    out << fmt::format("interrupted after {} of {} layers: nothing written\n", runs.size(), layers.size());
    return 128 + util::interrupt_signal();
  }
  // USER bandwidth: the scratchpad model takes about as long as SCALE-Sim's own (seconds per large layer).
  const std::vector<ScaleSimLayerResult> results =
      scalesim_results(cfg, options.ideal_memory, layers, runs, [] { return util::interrupted(); });
  if (results.size() < layers.size()) {
    out << fmt::format("interrupted after {} of {} layers of the scratchpad model: nothing written\n", results.size(),
                       layers.size());
    return 128 + util::interrupt_signal();
  }
  const std::string stats = scalesim_stats_document(cfg, topology, options.ideal_memory, results).dump(1) + "\n";
  folder.commit({{"QTSIM_LAYER_REPORT.csv", layer_report_csv(results, config)},
                 {"stats.json", stats},
                 {"COMPUTE_REPORT.csv", compute_report_csv(results, config)}});

  const bool user = cfg.user_bandwidth && !options.ideal_memory;
  out << fmt::format("SCALE-Sim run {}: {}x{} array, {} dataflow, {} layers from {}; {}\n", cfg.run_name, config.array.rows,
                     config.array.cols, hw::to_string(config.array.dataflow), layers.size(), topology,
                     options.ideal_memory ? "ideal memory (SCALE-Sim's compute cycles)"
                     : user ? fmt::format("InterfaceBandwidth USER, {} words/cycle per buffer interface",
                                          cfg.bandwidths.empty() ? kDefaultBandwidthWords : cfg.bandwidths.front())
                            : "InterfaceBandwidth CALC (SCALE-Sim's compute cycles)");
  const std::int64_t pes = static_cast<std::int64_t>(config.array.rows) * config.array.cols;
  std::int64_t total = 0, qtsim_total = 0;
  for (std::size_t i = 0; i < results.size(); ++i) {
    const ScaleSimLayerResult& r = results[i];
    total += r.total_cycles;
    qtsim_total += r.qtsim.elapsed_cycles;
    out << fmt::format("  layer {:>3} {:<16} total {:>12} cycles, stall {:>10}, overall util {:6.2f}%, mapping efficiency {:6.2f}%"
                       " | qtsim {:>12} cycles ({} tiles)\n",
                       i, r.layer.name, r.total_cycles, r.stall_cycles, overall_util_percent(r.layer.macs(), r.total_cycles, pes),
                       r.metrics.mapping_efficiency_percent(), r.qtsim.elapsed_cycles, r.qtsim.tiles);
  }
  out << fmt::format("  all layers: {} cycles (qtsim's accelerator: {})\nwrote {}, {} and {} (qtsim report {} gives its "
                     "energy, area and power)\n",
                     total, qtsim_total, (dir / "COMPUTE_REPORT.csv").string(), (dir / "QTSIM_LAYER_REPORT.csv").string(),
                     (dir / "stats.json").string(), dir.string());
  return 0;
}

}  // namespace qtsim::scalesim
