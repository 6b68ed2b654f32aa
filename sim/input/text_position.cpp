#include "text_position.hpp"

#include <algorithm>

#include "utf8.hpp"

namespace qtsim::input {

namespace {
constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";
constexpr std::size_t kExcerptBefore = 40;  // bytes of context kept before the offset
constexpr std::size_t kExcerptAfter = 20;   // and after it
}  // namespace

TextPosition locate(std::string_view text, std::size_t offset) {
  offset = std::min(offset, text.size());
  const std::string_view before = text.substr(0, offset);
  const std::size_t last_newline = before.rfind('\n');
  TextPosition position;
  position.line = 1 + static_cast<std::size_t>(std::count(before.begin(), before.end(), '\n'));
  std::string_view line_start =
      last_newline == std::string_view::npos ? before : before.substr(last_newline + 1);
  if (position.line == 1 && line_start.starts_with(kByteOrderMark)) line_start.remove_prefix(kByteOrderMark.size());
  position.column = 1 + count_code_points(line_start);
  return position;
}

std::string describe_position(const TextPosition& position) {
  return "line " + std::to_string(position.line) + ", column " + std::to_string(position.column);
}

std::string line_excerpt(std::string_view text, std::size_t offset) {
  offset = std::min(offset, text.size());
  const std::size_t newline_before = text.substr(0, offset).rfind('\n');
  std::size_t begin = newline_before == std::string_view::npos ? 0 : newline_before + 1;
  std::size_t end = text.find('\n', offset);
  if (end == std::string_view::npos) end = text.size();
  if (end > begin && text[end - 1] == '\r') --end;
  if (begin == 0 && text.substr(0, end).starts_with(kByteOrderMark)) begin = kByteOrderMark.size();
  // Skip indentation so the excerpt shows content, not whitespace.
  while (begin < offset && begin < end && (text[begin] == ' ' || text[begin] == '\t')) ++begin;

  std::string excerpt;
  std::size_t from = begin, to = end;
  if (offset > from + kExcerptBefore) {
    from = utf8_floor(text, offset - kExcerptBefore);
    excerpt += "...";
  }
  const bool cut_end = to > offset + kExcerptAfter && to > from + kExcerptBefore + kExcerptAfter;
  if (cut_end) to = utf8_floor(text, std::max(offset, from + kExcerptBefore) + kExcerptAfter);
  for (std::size_t i = from; i < to; ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '\t') {
      excerpt += ' ';
    } else if (c < 0x20 || c == 0x7F) {
      excerpt += '?';
    } else {
      excerpt += static_cast<char>(c);
    }
  }
  while (!excerpt.empty() && excerpt.back() == ' ') excerpt.pop_back();
  if (cut_end) excerpt += "...";
  return excerpt == "..." ? std::string() : excerpt;
}

}  // namespace qtsim::input
