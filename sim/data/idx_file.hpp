#pragma once
// IDX files (the MNIST / Fashion-MNIST container), gzip-compressed or plain.
// Layout: a 4-byte big-endian magic 0x00 0x00 <type code> <rank>, then <rank>
// big-endian uint32 dimensions, then exactly product(dimensions) elements.
// Only unsigned-byte data (type code 0x08) is read: that is what image and
// label files hold, and the trainer normalises pixels itself.
#include <cstdint>
#include <string>
#include <vector>

namespace qtsim::data {

struct IdxFile {
  std::vector<std::int64_t> dims;
  std::vector<std::uint8_t> data;  // row-major, product(dims) bytes
};

// The magic number of an unsigned-byte IDX file of the given rank:
// 0x00000801 for labels (rank 1), 0x00000803 for images (rank 3).
constexpr std::uint32_t idx_u8_magic(int rank) { return 0x00000800U | static_cast<std::uint32_t>(rank); }

// Reads `path` (zlib reads gzip and plain files alike) and checks the magic
// (unsigned bytes, `expected_rank` dimensions) and that the payload is exactly
// product(dims) bytes. Throws input::InputError naming the path for a missing
// file, a directory, a corrupt gzip stream, a wrong magic, truncated or
// trailing data, or a header claiming more than 1 GiB of data (checked before
// anything is inflated; trailing data is inflated no further than 1 MiB).
// A signal (Ctrl-C) stops the reading between 4 MiB chunks: util::Interrupted.
IdxFile read_idx_u8(const std::string& path, int expected_rank);

}  // namespace qtsim::data
