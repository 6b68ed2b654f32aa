#include "value_text.hpp"

#include "utf8.hpp"

namespace qtsim::input {

namespace {
std::string dump(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}
}  // namespace

std::string count_noun(std::size_t count, const std::string& singular) {
  return std::to_string(count) + " " + singular + (count == 1 ? "" : "s");
}

std::string compact_value(const nlohmann::json& value) {
  if (value.is_string()) {
    // Cut the content, not the dump, so the closing quote survives.
    const auto& text = value.get_ref<const std::string&>();
    const std::size_t room = kMaxShownValueBytes - 2;
    if (text.size() <= room) return dump(value);
    std::string shown = dump(nlohmann::json(text.substr(0, utf8_floor(text, room - 3))));
    shown.insert(shown.size() - 1, "...");
    return shown;
  }
  return truncate_utf8(dump(value), kMaxShownValueBytes - 3);
}

std::string value_kind(const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::null:
      return "null";
    case nlohmann::json::value_t::boolean:
      return "a boolean";
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
      return "an integer";
    case nlohmann::json::value_t::number_float:
      return "a number";
    case nlohmann::json::value_t::string:
      return value.get_ref<const std::string&>().empty() ? "an empty string" : "a string";
    case nlohmann::json::value_t::array:
      return value.empty() ? "an empty array" : "an array of " + count_noun(value.size(), "item");
    case nlohmann::json::value_t::object:
      return value.empty() ? "an empty object" : "an object";
    default:
      return "binary data";
  }
}

std::string describe_value(const nlohmann::json& value) {
  if (value.is_null()) return "null";
  return compact_value(value) + " (" + value_kind(value) + ")";
}

}  // namespace qtsim::input
