#include "json_file.hpp"

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>

#include <fmt/format.h>

#include "checked_json_builder.hpp"
#include "diagnostic.hpp"
#include "did_you_mean.hpp"
#include "text_position.hpp"
#include "utf8.hpp"

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

// "at most 64 MiB" against "70.5 MiB"; in bytes when MiB would read like the limit.
[[noreturn]] void fail_too_large(const std::string& file, std::uintmax_t size) {
  std::string found = describe_size(size);
  if (found == fmt::format("{:.1f} MiB", static_cast<double>(kMaxJsonFileBytes / kMiB))) {
    found = fmt::format("{} bytes", size);
  }
  fail(file, "a file of at most " + describe_size(kMaxJsonFileBytes), "a file of " + found);
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

std::string read_whole_file(const std::string& path) {
  std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "rb"));
  if (!file) fail(path, "a readable file", std::strerror(errno));
  std::string contents;
  std::array<char, 1 << 16> buffer;
  while (true) {
    const std::size_t got = std::fread(buffer.data(), 1, buffer.size(), file.get());
    contents.append(buffer.data(), got);
    // The size was checked before opening; this catches a file that grows meanwhile.
    if (contents.size() > kMaxJsonFileBytes) fail_too_large(path, contents.size());
    if (got < buffer.size()) break;
  }
  if (std::ferror(file.get())) fail(path, "a readable file", std::string("a read error: ") + std::strerror(errno));
  return contents;
}

// Why the bytes at `offset` are not UTF-8, with a hint at the likely encoding.
[[noreturn]] void fail_not_utf8(std::string_view text, const std::string& name, std::size_t offset) {
  const bool utf16_mark = text.starts_with("\xFF\xFE") || text.starts_with("\xFE\xFF");
  const std::string hint = utf16_mark ? "the file looks like UTF-16; save it as UTF-8"
                                      : "save the file as UTF-8; it may be in Latin-1 or Windows-1252";
  fail(name, "text in UTF-8",
       fmt::format("byte 0x{:02X} at {}, byte offset {}", static_cast<unsigned char>(text[offset]),
                   describe_position(locate(text, offset)), offset),
       hint);
}

bool only_whitespace(std::string_view text) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);  // a UTF-8 byte-order mark
  return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

}  // namespace

nlohmann::json read_json_file(const std::string& path) {
  std::error_code error;
  const fs::file_status status = fs::status(path, error);
  if (!fs::exists(status)) {
    if (error && error != std::errc::no_such_file_or_directory && error != std::errc::not_a_directory) {
      fail(path, "a readable file", error.message());
    }
    fail(path, "an existing file", "nothing at this path", missing_file_hint(path));
  }
  if (fs::is_directory(status)) fail(path, "a JSON file", "a directory");
  if (!fs::is_regular_file(status)) fail(path, "a JSON file", kind_of_special_file(status.type()));
  const std::uintmax_t size = fs::file_size(path, error);
  if (!error && size > kMaxJsonFileBytes) fail_too_large(path, size);
  return parse_json_text(read_whole_file(path), path);
}

nlohmann::json parse_json_text(std::string_view text, const std::string& name) {
  if (text.size() > kMaxJsonFileBytes) fail_too_large(name, text.size());
  if (text.empty()) fail(name, "a JSON value", "an empty file");
  if (const auto bad = find_invalid_utf8(text)) fail_not_utf8(text, name, *bad);
  if (only_whitespace(text)) fail(name, "a JSON value", "a file with only whitespace");
  // nlohmann's lexer takes a NUL byte for the end of the input; JSON allows
  // none anywhere (not even in strings, where it must be written \u0000).
  if (const std::size_t nul = text.find('\0'); nul != std::string_view::npos) {
    fail(name, "JSON text",
         fmt::format("a NUL byte at {}, byte offset {}", describe_position(locate(text, nul)), nul),
         "is this a binary file, or text in UTF-16?");
  }

  CheckedJsonBuilder builder(text, name, kMaxJsonDepth);
  bool parsed = false;
  try {
    parsed = nlohmann::json::sax_parse(text, &builder, nlohmann::json::input_format_t::json, /*strict=*/true);
  } catch (const nlohmann::json::exception& error) {
    // sax_parse reports through the handler; this is only a safety net.
    fail(name, "valid JSON", error.what());
  }
  if (builder.failure()) throw InputError(*builder.failure());
  if (!parsed) fail(name, "valid JSON", "text the parser rejected");
  return std::move(builder.document());
}

}  // namespace qtsim::input
