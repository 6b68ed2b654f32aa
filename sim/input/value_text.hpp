#pragma once
// How a JSON value is shown in a diagnostic's "found" part: compact, cut to
// about 60 characters, followed by what kind of value it is, e.g.
//   "abc" (a string)     -3 (an integer)     [1,2,3] (an array of 3 items)
#include <cstddef>
#include <string>

#include <nlohmann/json.hpp>

namespace qtsim::input {

constexpr std::size_t kMaxShownValueBytes = 60;

// The value dumped compactly (never throws, even on invalid UTF-8 strings),
// cut to kMaxShownValueBytes with "..." where cut; strings keep their quotes.
std::string compact_value(const nlohmann::json& value);

// "a string", "an integer", "a number", "true or false"-style kind names:
// "an empty string", "an array of 3 items", "an object", "a boolean", "null".
std::string value_kind(const nlohmann::json& value);

// compact_value + " (" + value_kind + ")", or just "null".
std::string describe_value(const nlohmann::json& value);

// "1 item", "3 items"; "1 character", "5 characters".
std::string count_noun(std::size_t count, const std::string& singular);

}  // namespace qtsim::input
