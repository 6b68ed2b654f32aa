#include "idx_file.hpp"

#include <fmt/format.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <limits>

#include "sim/input/diagnostic.hpp"
#include "sim/util/interrupt.hpp"

namespace qtsim::data {

namespace {

using input::Diagnostic;
using input::InputError;

// A header claiming more than this is corrupt (or a decompression bomb), not a
// data set of 28x28 images we would train on: 1.3 million images, 22 times
// Fashion-MNIST's training set. Checked before anything is inflated.
constexpr std::uint64_t kMaxPayloadBytes = std::uint64_t{1} << 30;
// Trailing data is counted up to this much, not inflated to its end.
constexpr std::uint64_t kMaxTrailingCount = std::uint64_t{1} << 20;

[[noreturn]] void fail(const std::string& path, std::string where, std::string expected, std::string found,
                       std::string hint = {}) {
  throw InputError(Diagnostic{path, std::move(where), std::move(expected), std::move(found), std::move(hint)});
}

std::string idx_type_name(std::uint8_t code) {
  switch (code) {
    case 0x08: return "unsigned bytes";
    case 0x09: return "signed bytes";
    case 0x0B: return "16-bit integers";
    case 0x0C: return "32-bit integers";
    case 0x0D: return "32-bit floats";
    case 0x0E: return "64-bit floats";
    default: return "an unknown type";
  }
}

std::string describe_magic(std::uint32_t magic) {
  const auto type_code = static_cast<std::uint8_t>(magic >> 8);
  const auto rank = static_cast<int>(magic & 0xFF);
  if ((magic >> 16) != 0) return fmt::format("0x{:08X} (not an IDX file)", magic);
  return fmt::format("0x{:08X} (type code 0x{:02X} = {}, {} dimension{})", magic, type_code,
                     idx_type_name(type_code), rank, rank == 1 ? "" : "s");
}

// Owns a zlib file handle. gzread reads gzip and plain files alike.
class GzFile {
 public:
  explicit GzFile(const std::string& path) : path_(path) {
    std::error_code ec;
    const auto status = std::filesystem::status(path, ec);
    if (!std::filesystem::exists(status)) fail(path, "", "an IDX file", "no such file");
    if (std::filesystem::is_directory(status)) fail(path, "", "an IDX file", "a directory");
    errno = 0;
    file_ = gzopen(path.c_str(), "rb");
    if (file_ == nullptr) {
      fail(path, "", "a readable IDX file", errno != 0 ? std::strerror(errno) : "zlib could not open it");
    }
    gzbuffer(file_, 1 << 17);  // fewer system calls for the 47 MB image files
  }
  ~GzFile() { gzclose(file_); }
  GzFile(const GzFile&) = delete;
  GzFile& operator=(const GzFile&) = delete;

  // Reads up to `n` bytes; fewer only at the end of the data. A corrupt
  // compressed stream throws.
  std::size_t read(std::uint8_t* out, std::size_t n) {
    std::size_t total = 0;
    while (total < n) {
      const auto chunk = static_cast<unsigned>(std::min<std::size_t>(n - total, 1U << 30));
      const int got = gzread(file_, out + total, chunk);
      if (got < 0) {
        int errnum = Z_OK;
        const char* message = gzerror(file_, &errnum);
        const std::string reason = errnum == Z_ERRNO ? std::strerror(errno) : message;
        fail(path_, "", "a valid gzip stream or a plain IDX file", "a read error: " + reason);
      }
      total += static_cast<std::size_t>(got);
      if (static_cast<unsigned>(got) < chunk) break;
    }
    return total;
  }

  // True when the data ended inside a gzip member: the file was cut short.
  bool gzip_ended_early() {
    int errnum = Z_OK;
    gzerror(file_, &errnum);
    return errnum == Z_BUF_ERROR;
  }

  // Counts (and discards) what is left, up to `limit` + 1 bytes: a stream
  // that inflates to gigabytes is not inflated to its end.
  std::uint64_t count_rest(std::uint64_t limit) {
    std::vector<std::uint8_t> sink(1 << 16);
    std::uint64_t n = 0;
    for (std::size_t got; n <= limit && (got = read(sink.data(), sink.size())) > 0;) n += got;
    return n;
  }

 private:
  std::string path_;
  gzFile file_ = nullptr;
};

std::uint32_t big_endian_u32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | std::uint32_t{p[3]};
}

std::string truncation_note(GzFile& file) {
  return file.gzip_ended_early() ? " (the gzip stream ends early: the file is truncated)" : "";
}

}  // namespace

IdxFile read_idx_u8(const std::string& path, int expected_rank) {
  GzFile file(path);
  const std::uint32_t expected_magic = idx_u8_magic(expected_rank);
  const std::string expected_magic_text =
      fmt::format("IDX magic 0x{:08X} (unsigned bytes, {} dimension{})", expected_magic, expected_rank,
                  expected_rank == 1 ? "" : "s");

  std::uint8_t magic_bytes[4];
  if (const auto got = file.read(magic_bytes, 4); got < 4) {
    fail(path, "magic number", expected_magic_text, fmt::format("only {} byte{}{}", got, got == 1 ? "" : "s",
                                                                truncation_note(file)));
  }
  const std::uint32_t magic = big_endian_u32(magic_bytes);
  if (magic != expected_magic) fail(path, "magic number", expected_magic_text, describe_magic(magic));

  IdxFile idx;
  std::uint64_t payload_bytes = 1;
  for (int d = 0; d < expected_rank; ++d) {
    std::uint8_t size_bytes[4];
    if (file.read(size_bytes, 4) < 4) {
      fail(path, fmt::format("dimension {}", d),
           fmt::format("{} big-endian 32-bit dimension sizes after the magic number", expected_rank),
           fmt::format("the file ends after {} of them{}", d, truncation_note(file)));
    }
    const std::uint32_t size = big_endian_u32(size_bytes);
    idx.dims.push_back(size);
    if (size != 0 && payload_bytes > kMaxPayloadBytes / size) {
      fail(path, fmt::format("dimension {}", d), "dimensions whose product is at most 2^30 bytes (1 GiB)",
           fmt::format("dimension {} = {} makes the product larger", d, size));
    }
    payload_bytes *= size;
  }

  // Read in chunks rather than trusting the header with one huge allocation.
  constexpr std::size_t kChunk = std::size_t{1} << 22;
  std::uint64_t have = 0;
  while (have < payload_bytes) {
    util::throw_if_interrupted();  // inflating Fashion-MNIST takes seconds on a loaded machine
    const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(kChunk, payload_bytes - have));
    idx.data.resize(static_cast<std::size_t>(have) + want);
    const std::size_t got = file.read(idx.data.data() + have, want);
    have += got;
    if (got < want) {
      fail(path, "payload", fmt::format("{} bytes of data for dimensions {}", payload_bytes, fmt::join(idx.dims, "x")),
           fmt::format("{} bytes{}", have, truncation_note(file)));
    }
  }
  if (const std::uint64_t extra = file.count_rest(kMaxTrailingCount); extra > kMaxTrailingCount) {
    fail(path, "payload", fmt::format("{} bytes of data for dimensions {}", payload_bytes, fmt::join(idx.dims, "x")),
         fmt::format("more than {} bytes (over 1 MiB of trailing data after it; not read further)", payload_bytes + kMaxTrailingCount));
  } else if (extra > 0) {
    fail(path, "payload", fmt::format("{} bytes of data for dimensions {}", payload_bytes, fmt::join(idx.dims, "x")),
         fmt::format("{} bytes ({} trailing bytes after the data)", payload_bytes + extra, extra));
  }
  return idx;
}

}  // namespace qtsim::data
