#pragma once
// Small UTF-8 helpers. Input files must be UTF-8; these find the first byte that
// is not, and cut or measure text without splitting a character.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace qtsim::input {

// Offset of the first byte that does not start or continue a well-formed UTF-8
// character (overlong forms, surrogates and code points above U+10FFFF are
// ill-formed too); nullopt when all of `text` is valid.
std::optional<std::size_t> find_invalid_utf8(std::string_view text);

// True for bytes 10xxxxxx, which continue a character and never start one.
constexpr bool is_utf8_continuation(unsigned char byte) { return (byte & 0xC0) == 0x80; }

// Number of characters (code points) in valid UTF-8 text.
std::size_t count_code_points(std::string_view text);

// The largest offset <= `offset` at which a character starts.
std::size_t utf8_floor(std::string_view text, std::size_t offset);

// At most `max_bytes` of `text` followed by "..." when it had to be cut; never
// cuts a character in two.
std::string truncate_utf8(std::string_view text, std::size_t max_bytes);

}  // namespace qtsim::input
