#pragma once
// --shard I/N: the I-th of N disjoint slices of a sweep's points (I from 1),
// dealt round-robin in plan order so that every slice gets a similar mix of
// small and large designs. The slices together are the whole sweep, whatever
// runs them: Slurm array tasks, GNU parallel jobs, separate machines.
#include <string>
#include <vector>

namespace qtsim::sweep {

struct Shard {
  int index = 1;  // 1..count
  int count = 1;
};

// "2/8"; throws input::InputError naming --shard.
Shard parse_shard(const std::string& text);

// The items of `shard`: positions index-1, index-1+count, ...
template <typename T>
std::vector<T> shard_items(const std::vector<T>& items, const Shard& shard) {
  std::vector<T> out;
  for (std::size_t i = static_cast<std::size_t>(shard.index - 1); i < items.size(); i += static_cast<std::size_t>(shard.count))
    out.push_back(items[i]);
  return out;
}

}  // namespace qtsim::sweep
