#include "accelerator.hpp"

namespace qtsim::hw {

namespace {

KernelEnv make_env(const HwConfig* config, ExecMode mode, Buffers buffers, ScalarRegs* regs, NumericEvents* events) {
  KernelEnv env;
  env.mode = mode;
  env.config = config;
  env.buffers = buffers;
  env.regs = regs;
  env.events = events;
  return env;
}

}  // namespace

Accelerator::Accelerator(sc_core::sc_module_name name, const HwConfig& config, ExecMode mode, std::uint64_t dram_bytes)
    : sc_module(name), config_(config), mode_(mode),
      dram_("dram", config_.dram, config_.dma.burst_bytes, mode == ExecMode::exact ? dram_bytes : 0),
      ifmap_("ifmap", config_.ifmap, mode == ExecMode::exact), filter_("filter", config_.filter, mode == ExecMode::exact),
      ofmap_("ofmap", config_.ofmap, mode == ExecMode::exact), vector_("vector", config_.vector, mode == ExecMode::exact),
      dma_("dma", config_.dma, config_.cycle_ns(), mode == ExecMode::exact), mac_("mac_array", config_.cycle_ns()),
      vec_("vector_unit", config_.cycle_ns()), norm_("norm_unit", config_.cycle_ns()),
      controller_("controller", make_env(&config_, mode, {&ifmap_, &filter_, &ofmap_, &vector_}, &regs_, &events_), dma_,
                  mac_, vec_, norm_) {
  dma_.dram_socket.bind(dram_.socket);
  SC_THREAD(main_thread);
}

void Accelerator::main_thread() {
  // The simulation ends when every accelerator's program is done (no events left).
  if (run_program_) run_program_(*this);
}

bool Accelerator::execute(const std::vector<std::unique_ptr<Kernel>>& program, const Controller::KernelDone& done,
                          const std::function<bool()>& stop) {
  return controller_.run(program, done, stop);
}

std::uint64_t Accelerator::now_cycles() const {
  return static_cast<std::uint64_t>(sc_core::sc_time_stamp() / sc_core::sc_time(config_.cycle_ns(), sc_core::SC_NS) + 0.5);
}

void Accelerator::trace(sc_core::sc_trace_file* tf) {
  sc_core::sc_trace(tf, mac_.busy, "mac_array_busy");
  sc_core::sc_trace(tf, vec_.busy, "vector_unit_busy");
  sc_core::sc_trace(tf, norm_.busy, "norm_unit_busy");
  sc_core::sc_trace(tf, ifmap_.occupancy, "ifmap_occupancy");
  sc_core::sc_trace(tf, filter_.occupancy, "filter_occupancy");
  sc_core::sc_trace(tf, ofmap_.occupancy, "ofmap_occupancy");
  sc_core::sc_trace(tf, vector_.occupancy, "vector_occupancy");
}

void Accelerator::record(ActivityRecorder* r) {
  controller_.record(r);
  dma_.record(r, &dram_);
  for (SramBuffer* b : {&ifmap_, &filter_, &ofmap_, &vector_}) b->record(r);
}

}  // namespace qtsim::hw
