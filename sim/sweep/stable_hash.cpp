#include "stable_hash.hpp"

#include <algorithm>

namespace qtsim::sweep {

std::uint64_t stable_hash(std::string_view bytes) {
  std::uint64_t h = 0xcbf29ce484222325ull;  // FNV-1a 64
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  // splitmix64's finalizer: FNV's high bits depend weakly on the last bytes.
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ull;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebull;
  h ^= h >> 31;
  return h;
}

std::string hex_digits(std::uint64_t hash, int digits) {
  static const char* const kHex = "0123456789abcdef";
  digits = std::clamp(digits, 1, 16);
  std::string s;
  for (int i = 0; i < digits; ++i) s += kHex[(hash >> (60 - 4 * i)) & 0xf];
  return s;
}

}  // namespace qtsim::sweep
