#pragma once
// Hashes that name things across processes and machines: a point's id from its
// parameters, a digest of the inputs it ran with. FNV-1a over the bytes, then
// a 64-bit finalizer so that short, similar texts differ in every hex digit.
// Not for security: collisions are checked where they would matter.
#include <cstdint>
#include <string>
#include <string_view>

namespace qtsim::sweep {

std::uint64_t stable_hash(std::string_view bytes);

// The hash as `digits` lowercase hexadecimal digits (its high digits first), 1..16.
std::string hex_digits(std::uint64_t hash, int digits);

}  // namespace qtsim::sweep
