// read_json_file: everything that can be wrong with the file itself.
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "input_test_util.hpp"
#include "sim/input/json_file.hpp"

namespace qtsim::input {
namespace {

using testing::input_error_message;
using testing::TempDir;
using testing::write_file;

TEST(ReadJsonFile, ReadsAValidFile) {
  TempDir dir;
  write_file(dir.file("w.json"), R"({"name": "resnet8", "layers": [1, 2.5, true, null]})");
  const nlohmann::json document = read_json_file(dir.file("w.json"));
  EXPECT_EQ(document, nlohmann::json::parse(R"({"name": "resnet8", "layers": [1, 2.5, true, null]})"));
}

TEST(ReadJsonFile, MissingFileSuggestsASimilarName) {
  TempDir dir;
  write_file(dir.file("resnet8.json"), "{}");
  const std::string path = dir.file("resnet8.jsn");
  EXPECT_EQ(input_error_message([&] { read_json_file(path); }),
            path + ": expected an existing file, found nothing at this path (did you mean '" +
                dir.file("resnet8.json") + "'?)");
}

TEST(ReadJsonFile, MissingFileInAMissingFolder) {
  TempDir dir;
  const std::string path = dir.file("nowhere/w.json");
  EXPECT_EQ(input_error_message([&] { read_json_file(path); }),
            path + ": expected an existing file, found nothing at this path (the folder '" + dir.file("nowhere") +
                "' does not exist either)");
}

TEST(ReadJsonFile, MissingFileWithNothingSimilar) {
  TempDir dir;
  const std::string path = dir.file("w.json");
  EXPECT_EQ(input_error_message([&] { read_json_file(path); }),
            path + ": expected an existing file, found nothing at this path");
}

TEST(ReadJsonFile, RejectsADirectory) {
  TempDir dir;
  EXPECT_EQ(input_error_message([&] { read_json_file(dir.str()); }), dir.str() + ": expected a JSON file, found a directory");
}

TEST(ReadJsonFile, RejectsADeviceOrPipeWithoutBlocking) {
  EXPECT_EQ(input_error_message([] { read_json_file("/dev/null"); }), "/dev/null: expected a JSON file, found a device");
  TempDir dir;
  const std::string fifo = dir.file("pipe");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_EQ(input_error_message([&] { read_json_file(fifo); }), fifo + ": expected a JSON file, found a named pipe");
}

TEST(ReadJsonFile, RejectsAnUnreadableFile) {
  if (::geteuid() == 0) GTEST_SKIP() << "root reads files whatever their permissions";
  TempDir dir;
  const std::string path = dir.file("secret.json");
  write_file(path, "{}");
  std::filesystem::permissions(path, std::filesystem::perms::none);
  EXPECT_EQ(input_error_message([&] { read_json_file(path); }), path + ": expected a readable file, found Permission denied");
}

TEST(ReadJsonFile, ReportsReadErrors) {
  // A regular file (for stat) whose reads fail with EIO, readable even as root.
  if (!std::filesystem::is_regular_file("/proc/self/mem")) GTEST_SKIP() << "no /proc/self/mem";
  EXPECT_EQ(input_error_message([] { read_json_file("/proc/self/mem"); }),
            "/proc/self/mem: expected a readable file, found a read error: Input/output error");
}

TEST(ReadJsonFile, RejectsAnEmptyFile) {
  TempDir dir;
  write_file(dir.file("empty.json"), "");
  EXPECT_EQ(input_error_message([&] { read_json_file(dir.file("empty.json")); }),
            dir.file("empty.json") + ": expected a JSON value, found an empty file");
  write_file(dir.file("blank.json"), " \n\t\r\n");
  EXPECT_EQ(input_error_message([&] { read_json_file(dir.file("blank.json")); }),
            dir.file("blank.json") + ": expected a JSON value, found a file with only whitespace");
}

TEST(ReadJsonFile, RejectsAFileOverTheSizeLimitBeforeReadingIt) {
  TempDir dir;
  const std::string path = dir.file("huge.json");
  write_file(path, "[");
  std::filesystem::resize_file(path, kMaxJsonFileBytes + 1);  // sparse: costs no disk
  EXPECT_EQ(input_error_message([&] { read_json_file(path); }),
            path + ": expected a file of at most 64 MiB, found a file of 67108865 bytes");
  std::filesystem::resize_file(path, std::uintmax_t{70} << 20);
  EXPECT_EQ(input_error_message([&] { read_json_file(path); }),
            path + ": expected a file of at most 64 MiB, found a file of 70 MiB");
}

TEST(ReadJsonFile, AcceptsAFileExactlyAtTheSizeLimit) {
  TempDir dir;
  const std::string path = dir.file("big.json");
  {
    std::string text(kMaxJsonFileBytes, ' ');
    text.front() = '[';
    text.back() = ']';
    write_file(path, text);
  }
  EXPECT_EQ(read_json_file(path), nlohmann::json::array());
}

TEST(ReadJsonFile, ReportsNonUtf8BytesWithOffsetLineAndColumn) {
  TempDir dir;
  const std::string path = dir.file("latin1.json");
  write_file(path, "{\n  \"name\": \"caf\xE9\"\n}\n");
  EXPECT_EQ(input_error_message([&] { read_json_file(path); }),
            path + ": expected text in UTF-8, found byte 0xE9 at line 2, column 15, byte offset 16 "
                   "(save the file as UTF-8; it may be in Latin-1 or Windows-1252)");
}

TEST(ReadJsonFile, RecognisesUtf16) {
  TempDir dir;
  const std::string path = dir.file("utf16.json");
  write_file(path, std::string("\xFF\xFE{\0}\0", 6));
  EXPECT_EQ(input_error_message([&] { read_json_file(path); }),
            path + ": expected text in UTF-8, found byte 0xFF at line 1, column 1, byte offset 0 "
                   "(the file looks like UTF-16; save it as UTF-8)");
}

TEST(ReadJsonFile, NamesTheFileAsGivenInSyntaxErrors) {
  TempDir dir;
  const std::string path = dir.file("w.json");
  write_file(path, "{\n  \"a\": 1,\n  \"b\": 2,\n}\n");
  EXPECT_EQ(input_error_message([&] { read_json_file(path); }),
            path + ": expected a field name in double quotes, found '}' at line 4, column 1, in `}` "
                   "(JSON does not allow a comma before '}')");
}

}  // namespace
}  // namespace qtsim::input
