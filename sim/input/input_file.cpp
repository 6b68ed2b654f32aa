#include "input_file.hpp"

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <vector>

#include <fmt/format.h>

#include "diagnostic.hpp"
#include "did_you_mean.hpp"

namespace qtsim::input {

namespace {

namespace fs = std::filesystem;

constexpr std::size_t kMaxDirectoryEntriesForHint = 1000;

[[noreturn]] void fail(const std::string& file, std::string expected, std::string found, std::string hint = {}) {
  throw InputError(Diagnostic{file, "", std::move(expected), std::move(found), std::move(hint)});
}

constexpr std::uintmax_t kMiB = std::uintmax_t{1} << 20;

std::string describe_size(std::uintmax_t bytes) {
  if (bytes % kMiB == 0) return fmt::format("{} MiB", bytes / kMiB);
  return fmt::format("{:.1f} MiB", static_cast<double>(bytes) / static_cast<double>(kMiB));
}

// For a path that does not exist: "did you mean 'workloads/resnet.json'?" when
// a file of a similar name sits in the same folder, or a note that the folder
// itself is missing.
std::string missing_file_hint(const fs::path& path) {
  const fs::path folder = path.has_parent_path() ? path.parent_path() : fs::path(".");
  std::error_code error;
  if (!fs::is_directory(folder, error)) {
    return path.has_parent_path() ? "the folder '" + folder.string() + "' does not exist either" : "";
  }
  std::vector<std::string> names;
  for (fs::directory_iterator it(folder, error), end; !error && it != end; it.increment(error)) {
    if (names.size() >= kMaxDirectoryEntriesForHint) break;
    names.push_back(it->path().filename().string());
  }
  const std::string suggestion = did_you_mean(path.filename().string(), names);
  if (suggestion.empty()) return "";
  return "did you mean '" + (path.has_parent_path() ? (folder / suggestion).string() : suggestion) + "'?";
}

std::string kind_of_special_file(fs::file_type type) {
  switch (type) {
    case fs::file_type::fifo:
      return "a named pipe";
    case fs::file_type::socket:
      return "a socket";
    case fs::file_type::block:
    case fs::file_type::character:
      return "a device";
    default:
      return "not a regular file";
  }
}

struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};

std::string read_whole_file(const std::string& path, std::uintmax_t max_bytes) {
  std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "rb"));
  if (!file) fail(path, "a readable file", std::strerror(errno));
  std::string contents;
  std::array<char, 1 << 16> buffer;
  while (true) {
    const std::size_t got = std::fread(buffer.data(), 1, buffer.size(), file.get());
    contents.append(buffer.data(), got);
    // The size was checked before opening; this catches a file that grows meanwhile.
    if (contents.size() > max_bytes) fail_too_large(path, contents.size(), max_bytes);
    if (got < buffer.size()) break;
  }
  if (std::ferror(file.get())) fail(path, "a readable file", std::string("a read error: ") + std::strerror(errno));
  return contents;
}

}  // namespace

// "at most 64 MiB" against "70.5 MiB"; in bytes when MiB would read like the limit.
void fail_too_large(const std::string& file, std::uintmax_t size, std::uintmax_t max_bytes) {
  std::string found = describe_size(size);
  if (found == fmt::format("{:.1f} MiB", static_cast<double>(max_bytes / kMiB))) found = fmt::format("{} bytes", size);
  fail(file, "a file of at most " + describe_size(max_bytes), "a file of " + found);
}

std::string read_input_file(const std::string& path, std::uintmax_t max_bytes, const std::string& kind) {
  std::error_code error;
  const fs::file_status status = fs::status(path, error);
  if (!fs::exists(status)) {
    if (error && error != std::errc::no_such_file_or_directory && error != std::errc::not_a_directory) {
      fail(path, "a readable file", error.message());
    }
    fail(path, "an existing file", "nothing at this path", missing_file_hint(path));
  }
  if (fs::is_directory(status)) fail(path, kind, "a directory");
  if (!fs::is_regular_file(status)) fail(path, kind, kind_of_special_file(status.type()));
  const std::uintmax_t size = fs::file_size(path, error);
  if (!error && size > max_bytes) fail_too_large(path, size, max_bytes);
  return read_whole_file(path, max_bytes);
}

}  // namespace qtsim::input
