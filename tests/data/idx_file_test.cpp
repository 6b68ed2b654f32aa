// Reading IDX files, plain and gzip, and the message for each kind of bad file.
#include "sim/data/idx_file.hpp"

#include <gtest/gtest.h>

#include <numeric>

#include "test_files.hpp"

namespace qtsim::data {
namespace {

using testing::idx_bytes;
using testing::input_error_message;
using testing::TempDir;

std::vector<std::uint8_t> iota_bytes(std::size_t n) {
  std::vector<std::uint8_t> v(n);
  std::iota(v.begin(), v.end(), std::uint8_t{1});
  return v;
}

TEST(DataIdxFile, ReadsPlainImages) {
  TempDir dir;
  const auto payload = iota_bytes(2 * 3 * 4);
  testing::write_plain(dir.file("images"), idx_bytes(0x803, {2, 3, 4}, payload));
  const IdxFile idx = read_idx_u8(dir.file("images"), 3);
  EXPECT_EQ(idx.dims, (std::vector<std::int64_t>{2, 3, 4}));
  EXPECT_EQ(idx.data, payload);
}

TEST(DataIdxFile, ReadsGzipLabels) {
  TempDir dir;
  const std::vector<std::uint8_t> payload = {9, 0, 0, 3, 0};
  testing::write_gzip(dir.file("labels.gz"), idx_bytes(0x801, {5}, payload));
  const IdxFile idx = read_idx_u8(dir.file("labels.gz"), 1);
  EXPECT_EQ(idx.dims, (std::vector<std::int64_t>{5}));
  EXPECT_EQ(idx.data, payload);
}

TEST(DataIdxFile, ReadsLargeGzipAcrossChunks) {
  TempDir dir;
  std::vector<std::uint8_t> payload(3 * 1000 * 2000);
  for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<std::uint8_t>(i * 7 + i / 251);
  testing::write_gzip(dir.file("big.gz"), idx_bytes(0x803, {3, 1000, 2000}, payload));
  EXPECT_EQ(read_idx_u8(dir.file("big.gz"), 3).data, payload);
}

TEST(DataIdxFile, ReadsEmptyPayload) {
  TempDir dir;
  testing::write_plain(dir.file("empty"), idx_bytes(0x801, {0}, {}));
  const IdxFile idx = read_idx_u8(dir.file("empty"), 1);
  EXPECT_EQ(idx.dims, (std::vector<std::int64_t>{0}));
  EXPECT_TRUE(idx.data.empty());
}

TEST(DataIdxFile, TruncatedPayloadGivesByteCounts) {
  TempDir dir;
  testing::write_plain(dir.file("short"), idx_bytes(0x803, {2, 2, 2}, iota_bytes(5)));
  const std::string msg = input_error_message([&] { read_idx_u8(dir.file("short"), 3); });
  EXPECT_CONTAINS(msg, dir.file("short"));
  EXPECT_CONTAINS(msg, "expected 8 bytes of data for dimensions 2x2x2, found 5 bytes");
}

TEST(DataIdxFile, TrailingBytesGiveByteCounts) {
  TempDir dir;
  testing::write_gzip(dir.file("long.gz"), idx_bytes(0x801, {3}, iota_bytes(7)));
  const std::string msg = input_error_message([&] { read_idx_u8(dir.file("long.gz"), 1); });
  EXPECT_CONTAINS(msg, dir.file("long.gz"));
  EXPECT_CONTAINS(msg, "expected 3 bytes of data for dimensions 3, found 7 bytes (4 trailing bytes");
}

TEST(DataIdxFile, WrongTypeCodeIsNamed) {
  TempDir dir;
  testing::write_plain(dir.file("floats"), idx_bytes(0xD03, {1, 1, 1}, {0, 0, 0, 0}));
  const std::string msg = input_error_message([&] { read_idx_u8(dir.file("floats"), 3); });
  EXPECT_CONTAINS(msg, dir.file("floats"));
  EXPECT_CONTAINS(msg, "expected IDX magic 0x00000803 (unsigned bytes, 3 dimensions)");
  EXPECT_CONTAINS(msg, "found 0x00000D03 (type code 0x0D = 32-bit floats, 3 dimensions)");
}

TEST(DataIdxFile, WrongRankIsReported) {
  TempDir dir;
  // A labels file where images are expected: right type, one dimension.
  testing::write_plain(dir.file("labels"), idx_bytes(0x801, {2}, {1, 2}));
  const std::string msg = input_error_message([&] { read_idx_u8(dir.file("labels"), 3); });
  EXPECT_CONTAINS(msg, "found 0x00000801 (type code 0x08 = unsigned bytes, 1 dimension)");
}

TEST(DataIdxFile, NotAnIdxFile) {
  TempDir dir;
  testing::write_plain(dir.file("text"), {'h', 'e', 'l', 'l', 'o', '\n'});
  const std::string msg = input_error_message([&] { read_idx_u8(dir.file("text"), 1); });
  EXPECT_CONTAINS(msg, "(not an IDX file)");
}

TEST(DataIdxFile, FileShorterThanMagic) {
  TempDir dir;
  testing::write_plain(dir.file("tiny"), {0, 0});
  const std::string msg = input_error_message([&] { read_idx_u8(dir.file("tiny"), 1); });
  EXPECT_CONTAINS(msg, "at magic number: expected IDX magic 0x00000801");
  EXPECT_CONTAINS(msg, "found only 2 bytes");
}

TEST(DataIdxFile, MissingDimensions) {
  TempDir dir;
  testing::write_plain(dir.file("nodims"), idx_bytes(0x803, {28}, {}));
  const std::string msg = input_error_message([&] { read_idx_u8(dir.file("nodims"), 3); });
  EXPECT_CONTAINS(msg, "at dimension 1: expected 3 big-endian 32-bit dimension sizes");
  EXPECT_CONTAINS(msg, "the file ends after 1 of them");
}

TEST(DataIdxFile, ImplausibleDimensionsRejectedBeforeAllocating) {
  TempDir dir;
  testing::write_plain(dir.file("huge"), idx_bytes(0x803, {0xFFFFFFFF, 0xFFFFFFFF, 2}, {1, 2, 3}));
  const std::string msg = input_error_message([&] { read_idx_u8(dir.file("huge"), 3); });
  EXPECT_CONTAINS(msg, "at dimension 0: expected dimensions whose product is at most 2^30 bytes (1 GiB)");
}

// Compressed inputs are size-checked while inflating. A
// header claiming 1.5 GiB is refused before anything is inflated (it used to
// be read into memory as far as the stream went).
TEST(DataIdxFile, HeaderClaimingMoreThanOneGibIsRefusedBeforeInflating) {
  TempDir dir;
  testing::write_gzip(dir.file("bomb.gz"), idx_bytes(0x803, {2000000, 28, 28}, std::vector<std::uint8_t>(1 << 20)));
  const std::string msg = input_error_message([&] { read_idx_u8(dir.file("bomb.gz"), 3); });
  EXPECT_CONTAINS(msg, "at dimension 2: expected dimensions whose product is at most 2^30 bytes (1 GiB), "
                       "found dimension 2 = 28 makes the product larger");
}

// Trailing data is inflated no further than 1 MiB (it used to be inflated to
// its end to count it: a small file can inflate to gigabytes).
TEST(DataIdxFile, TrailingDataIsNotInflatedToItsEnd) {
  TempDir dir;
  gzFile f = gzopen(dir.file("trailing.gz").c_str(), "wb1");
  ASSERT_NE(f, nullptr);
  const std::vector<std::uint8_t> head = idx_bytes(0x801, {3}, {1, 2, 3});
  ASSERT_EQ(gzwrite(f, head.data(), static_cast<unsigned>(head.size())), static_cast<int>(head.size()));
  const std::vector<std::uint8_t> zeros(1 << 20);
  for (int i = 0; i < 64; ++i) ASSERT_EQ(gzwrite(f, zeros.data(), static_cast<unsigned>(zeros.size())), static_cast<int>(zeros.size()));
  ASSERT_EQ(gzclose(f), Z_OK);
  const std::string msg = input_error_message([&] { read_idx_u8(dir.file("trailing.gz"), 1); });
  EXPECT_CONTAINS(msg, "expected 3 bytes of data for dimensions 3, found more than 1048579 bytes "
                       "(over 1 MiB of trailing data after it; not read further)");
}

TEST(DataIdxFile, MissingFile) {
  TempDir dir;
  const std::string msg = input_error_message([&] { read_idx_u8(dir.file("absent.gz"), 1); });
  EXPECT_CONTAINS(msg, dir.file("absent.gz") + ": expected an IDX file, found no such file");
}

TEST(DataIdxFile, Directory) {
  TempDir dir;
  const std::string msg = input_error_message([&] { read_idx_u8(dir.str(), 1); });
  EXPECT_CONTAINS(msg, dir.str() + ": expected an IDX file, found a directory");
}

TEST(DataIdxFile, CorruptGzipStream) {
  TempDir dir;
  testing::write_gzip(dir.file("good.gz"), idx_bytes(0x803, {4, 8, 8}, iota_bytes(256)));
  auto bytes = testing::read_plain(dir.file("good.gz"));
  ASSERT_GT(bytes.size(), 30U);
  for (std::size_t i = 10; i < bytes.size() - 8; ++i) bytes[i] ^= 0xA5;  // keep the gzip header, spoil the deflate data
  testing::write_plain(dir.file("corrupt.gz"), bytes);
  const std::string msg = input_error_message([&] { read_idx_u8(dir.file("corrupt.gz"), 3); });
  EXPECT_CONTAINS(msg, dir.file("corrupt.gz") + ": expected a valid gzip stream or a plain IDX file, found a read error");
}

TEST(DataIdxFile, TruncatedGzipStream) {
  TempDir dir;
  std::vector<std::uint8_t> payload(4 * 64 * 64);
  for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<std::uint8_t>((i * 2654435761U) >> 13);
  testing::write_gzip(dir.file("good.gz"), idx_bytes(0x803, {4, 64, 64}, payload));
  auto bytes = testing::read_plain(dir.file("good.gz"));
  bytes.resize(bytes.size() / 2);
  testing::write_plain(dir.file("cut.gz"), bytes);
  const std::string msg = input_error_message([&] { read_idx_u8(dir.file("cut.gz"), 3); });
  EXPECT_CONTAINS(msg, dir.file("cut.gz") + ": at payload: expected 16384 bytes of data for dimensions 4x64x64");
  EXPECT_CONTAINS(msg, "(the gzip stream ends early: the file is truncated)");
}

}  // namespace
}  // namespace qtsim::data
