#pragma once
// Where a byte sits in a text, in the terms an editor shows: 1-based line and
// column, the column counted in characters (UTF-8 code points), not bytes.
#include <cstddef>
#include <string>
#include <string_view>

namespace qtsim::input {

struct TextPosition {
  std::size_t line = 1;
  std::size_t column = 1;
};

// Position of byte `offset` (offset == text.size() is the end of the text).
// A leading UTF-8 byte-order mark is not counted as a column.
TextPosition locate(std::string_view text, std::size_t offset);

// "line 3, column 12"
std::string describe_position(const TextPosition& position);

// A short, printable excerpt of the line holding byte `offset`: at most about
// 60 characters around the offset, "..." where cut, control characters shown
// as '?', tabs as spaces. Empty when the line is blank.
std::string line_excerpt(std::string_view text, std::size_t offset);

}  // namespace qtsim::input
