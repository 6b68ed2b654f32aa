#include "document_paths.hpp"

#include <vector>

#include "sim/input/did_you_mean.hpp"
#include "sim/input/json_pointer_path.hpp"

namespace qtsim::sweep {

using nlohmann::json;

PathCheck check_path(const json& document, const std::string& pointer) {
  PathCheck check;
  std::vector<std::string> tokens;
  try {
    const json::json_pointer parsed(pointer);
    for (json::json_pointer p = parsed; !p.empty(); p.pop_back()) tokens.insert(tokens.begin(), p.back());
  } catch (const json::exception&) {
    check.problem = "not a JSON pointer (\"/a/b\"; '~' only as ~0 or ~1)";
    return check;
  }
  const json* at = &document;
  std::string walked;
  for (const std::string& token : tokens) {
    if (at->is_object()) {
      const auto it = at->find(token);
      if (it == at->end()) {
        std::vector<std::string> keys;
        for (const auto& [k, v] : at->items()) keys.push_back(k);
        check.problem = "no field \"" + token + "\" in " + (walked.empty() ? "/" : walked);
        if (const std::string guess = input::did_you_mean(token, keys); !guess.empty())
          check.hint = "did you mean " + input::pointer_to_field(walked, guess) + "?";
        return check;
      }
      walked = input::pointer_to_field(walked, token);
      at = &*it;
    } else if (at->is_array()) {
      std::size_t index = 0, used = 0;
      try {
        index = std::stoul(token, &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (used != token.size() || token.empty() || index >= at->size()) {
        check.problem = "no item \"" + token + "\" in " + walked + " (" + std::to_string(at->size()) + " items)";
        return check;
      }
      walked = input::pointer_to_item(walked, index);
      at = &(*at)[index];
    } else {
      check.problem = (walked.empty() ? std::string("/") : walked) + " holds a value, not fields";
      return check;
    }
  }
  check.exists = !tokens.empty();
  if (tokens.empty()) check.problem = "the whole document";
  return check;
}

void set_path(json& document, const std::string& pointer, const json& value) { document[json::json_pointer(pointer)] = value; }

}  // namespace qtsim::sweep
