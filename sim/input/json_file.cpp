#include "json_file.hpp"

#include <fmt/format.h>

#include "checked_json_builder.hpp"
#include "diagnostic.hpp"
#include "input_file.hpp"
#include "text_position.hpp"
#include "utf8.hpp"

namespace qtsim::input {

namespace {

[[noreturn]] void fail(const std::string& file, std::string expected, std::string found, std::string hint = {}) {
  throw InputError(Diagnostic{file, "", std::move(expected), std::move(found), std::move(hint)});
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
  return parse_json_text(read_input_file(path, kMaxJsonFileBytes, "a JSON file"), path);
}

nlohmann::json parse_json_text(std::string_view text, const std::string& name) {
  if (text.size() > kMaxJsonFileBytes) fail_too_large(name, text.size(), kMaxJsonFileBytes);
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
