#include "controller.hpp"

#include "models/hw/memory/sram_buffer.hpp"

namespace qtsim::hw {

namespace {

int input_slots(const Buffers& b) {
  return b.ifmap->spec().double_buffered && b.filter->spec().double_buffered && b.vector->spec().double_buffered ? 2 : 1;
}
int output_slots(const Buffers& b) { return b.ofmap->spec().double_buffered && b.vector->spec().double_buffered ? 2 : 1; }

}  // namespace

std::string to_string(Unit u) {
  switch (u) {
    case Unit::mac_array: return "mac_array";
    case Unit::vector_unit: return "vector_unit";
    case Unit::norm_unit: return "norm_unit";
  }
  return "?";
}

std::string to_string(Phase p) {
  switch (p) {
    case Phase::forward: return "forward";
    case Phase::backward_data: return "backward-data";
    case Phase::backward_weights: return "backward-weights";
    case Phase::update: return "update";
  }
  return "?";
}

Controller::Controller(sc_core::sc_module_name name, KernelEnv env, DmaEngine& dma, ComputeUnit& mac,
                       ComputeUnit& vec, ComputeUnit& norm)
    : sc_module(name), env_(env), dma_(dma), mac_(mac), vec_(vec), norm_(norm),
      period_(env.config->cycle_ns(), sc_core::SC_NS), loaded_("loaded", 2), computed_("computed", 2),
      in_slots_("in_slots", input_slots(env.buffers)), out_slots_("out_slots", output_slots(env.buffers)) {
  SC_THREAD(loader);
  SC_THREAD(executor);
  SC_THREAD(storer);
}

ComputeUnit& Controller::unit_of(Unit u) {
  switch (u) {
    case Unit::mac_array: return mac_;
    case Unit::vector_unit: return vec_;
    case Unit::norm_unit: return norm_;
  }
  return vec_;
}

std::uint64_t Controller::now_cycles() const {
  return static_cast<std::uint64_t>(sc_core::sc_time_stamp() / period_ + 0.5);
}

bool Controller::run(const std::vector<std::unique_ptr<Kernel>>& program, const KernelDone& done,
                     const std::function<bool()>& stop) {
  for (const auto& k : program) {
    if (stop && stop()) {
      kernel_ = nullptr;
      return false;
    }
    kernel_ = k.get();
    stats_ = KernelStats{};
    stats_.label = k->label();
    stats_.start_cycle = now_cycles();
    tiles_.clear();
    first_tile_ = 0;
    k->start(env_);
    start_kernel_.notify(sc_core::SC_ZERO_TIME);
    wait(kernel_done_);
    k->finish(env_);
    stats_.cycles = now_cycles() - stats_.start_cycle;
    if (done) done(*k, stats_);
  }
  kernel_ = nullptr;
  return true;
}

void Controller::loader() {
  for (;;) {
    wait(start_kernel_);
    std::size_t index = 0;
    for (;;) {
      Tile t;
      if (!kernel_->next(t, env_)) break;
      in_slots_.wait();
      for (const DmaTransfer& d : t.loads) {
        dma_.transfer(d, stats_.actions);
        d.sram->hold(static_cast<std::int64_t>(d.bytes()));
      }
      tiles_.push_back(std::move(t));
      loaded_.write(Token{index++, false});
    }
    loaded_.write(Token{index, true});
  }
}

void Controller::executor() {
  for (;;) {
    const Token tok = loaded_.read();
    if (!tok.last) {
      Tile& t = tile(tok.tile);
      if (t.out_begin) out_slots_.wait();
      unit_of(kernel_->label().unit).execute(t.cycles, env_.exact() ? t.compute : std::function<void()>{});
      for (const DmaTransfer& d : t.loads) d.sram->hold(-static_cast<std::int64_t>(d.bytes()));
      for (const DmaTransfer& d : t.stores) d.sram->hold(static_cast<std::int64_t>(d.bytes()));
      stats_.busy_cycles += t.cycles;
      stats_.actions += t.actions;
      ++stats_.tiles;
      in_slots_.post();
    }
    computed_.write(tok);
  }
}

void Controller::storer() {
  for (;;) {
    const Token tok = computed_.read();
    if (tok.last) {
      kernel_done_.notify(sc_core::SC_ZERO_TIME);
      continue;
    }
    Tile& t = tile(tok.tile);
    if (t.out_end) {
      for (const DmaTransfer& d : t.stores) {
        dma_.transfer(d, stats_.actions);
        d.sram->hold(-static_cast<std::int64_t>(d.bytes()));
      }
      out_slots_.post();
    }
    tiles_.pop_front();
    ++first_tile_;
  }
}

}  // namespace qtsim::hw
