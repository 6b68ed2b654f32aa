#include "json_pointer_path.hpp"

namespace qtsim::input {

std::string pointer_to_field(std::string_view parent, std::string_view key) {
  std::string pointer(parent);
  pointer += '/';
  for (char c : key) {
    if (c == '~') {
      pointer += "~0";
    } else if (c == '/') {
      pointer += "~1";
    } else {
      pointer += c;
    }
  }
  return pointer;
}

std::string pointer_to_item(std::string_view parent, std::size_t index) {
  return std::string(parent) + "/" + std::to_string(index);
}

}  // namespace qtsim::input
