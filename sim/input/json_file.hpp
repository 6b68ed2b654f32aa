#pragma once
// Reading JSON input files. Whatever the bytes, the result is either a parsed
// document or an InputError with one Diagnostic saying what is wrong and where
// (line and column for syntax errors, a JSON pointer for duplicate fields and
// too-deep nesting). Stricter than nlohmann::json::parse: a field given twice
// in one object is an error, not "last one wins".
#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace qtsim::input {

constexpr std::size_t kMaxJsonFileBytes = std::size_t{64} << 20;  // 64 MiB
constexpr std::size_t kMaxJsonDepth = 64;  // nested objects and arrays, the top level counts as 1

// Reads and parses the file at `path`; diagnostics name the file as given.
// Throws InputError if the file is missing, a directory or other non-regular
// file, unreadable, larger than kMaxJsonFileBytes, or its text is rejected by
// parse_json_text.
nlohmann::json read_json_file(const std::string& path);

// Parses `text`; `name` is the file name used in diagnostics. Throws
// InputError if the text is empty or only whitespace, larger than
// kMaxJsonFileBytes, not valid UTF-8, not valid JSON, has a duplicate field
// or nests deeper than kMaxJsonDepth.
nlohmann::json parse_json_text(std::string_view text, const std::string& name);

}  // namespace qtsim::input
