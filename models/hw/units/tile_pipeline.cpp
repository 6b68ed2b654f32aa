#include "tile_pipeline.hpp"

#include "models/hw/memory/sram_buffer.hpp"

namespace qtsim::hw {

TilePipeline::TilePipeline(sc_core::sc_module_name name, KernelEnv& env, DmaEngine& dma, UnitOf unit_of, int output_slots)
    : sc_module(name), env_(env), dma_(dma), unit_of_(std::move(unit_of)), loaded_("loaded", 2), computed_("computed", 2),
      out_slots_("out_slots", output_slots) {
  SC_THREAD(loader);
  SC_THREAD(executor);
  SC_THREAD(storer);
}

void TilePipeline::start(Kernel& k, KernelStats& stats) {
  kernel_ = &k;
  stats_ = &stats;
  tiles_.clear();
  first_tile_ = next_tile_;
  start_.notify(sc_core::SC_ZERO_TIME);
}

void TilePipeline::loader() {
  for (;;) {
    wait(start_);
    for (;;) {
      Tile t;
      if (!kernel_->next(t, env_)) break;
      const std::uint64_t seq = next_tile_++;
      // A load may not overwrite a slot an earlier tile still computes from.
      for (const DmaTransfer& d : t.loads) {
        const BufferSlot s{d.sram, d.sram->slot_of(d.sram_offset)};
        while (executed_ < last_reader_[s]) wait(executed_event_);
      }
      dma_.transfer_all(t.loads, stats_->actions, &kernel_->label());
      for (const DmaTransfer& d : t.loads) {
        d.sram->hold(static_cast<std::int64_t>(d.bytes()));
        last_reader_[BufferSlot{d.sram, d.sram->slot_of(d.sram_offset)}] = seq;
      }
      for (const BufferSlot& s : t.reads) last_reader_[s] = seq;
      tiles_.push_back(std::move(t));
      loaded_.write(Token{seq, false});
    }
    loaded_.write(Token{next_tile_, true});
  }
}

void TilePipeline::executor() {
  for (;;) {
    const Token tok = loaded_.read();
    if (!tok.last) {
      Tile& t = tile(tok.tile);
      if (t.out_begin) out_slots_.wait();
      const sc_core::sc_time began = sc_core::sc_time_stamp();
      unit_of_(kernel_->label().unit).execute(t.cycles, env_.exact() ? t.compute : std::function<void()>{});
      if (recorder_) recorder_->unit_busy(kernel_->label(), t.cycles, began, sc_core::sc_time_stamp());
      for (const DmaTransfer& d : t.loads) d.sram->hold(-static_cast<std::int64_t>(d.bytes()));
      for (const DmaTransfer& d : t.stores) d.sram->hold(static_cast<std::int64_t>(d.bytes()));
      stats_->busy_cycles += t.cycles;
      stats_->actions += t.actions;
      ++stats_->tiles;
      executed_ = tok.tile;
      executed_event_.notify(sc_core::SC_ZERO_TIME);
    }
    computed_.write(tok);
  }
}

void TilePipeline::storer() {
  for (;;) {
    const Token tok = computed_.read();
    if (tok.last) {
      kernel_ = nullptr;
      done_.notify(sc_core::SC_ZERO_TIME);
      continue;
    }
    Tile& t = tile(tok.tile);
    if (t.out_end) {
      dma_.transfer_all(t.stores, stats_->actions, &kernel_->label());
      for (const DmaTransfer& d : t.stores) d.sram->hold(-static_cast<std::int64_t>(d.bytes()));
      out_slots_.post();
    }
    tiles_.pop_front();
    ++first_tile_;
  }
}

}  // namespace qtsim::hw
