#pragma once
// oneOf/anyOf helpers. A union whose alternatives are objects told apart by a
// constant "type" field (layers: {"type": "conv", ...} | {"type": "linear", ...})
// is checked by picking the alternative named by the value's "type", so errors
// speak of that alternative only instead of "matched none of 3 schemas".
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace qtsim::input {

struct Discriminator {
  std::vector<std::string> types;                   // the "type" constants, in schema order
  std::vector<const nlohmann::json*> alternatives;  // the alternative for each type

  // "conv, linear, pool"
  std::string type_list() const;
  // The alternative for `type`, or nullptr.
  const nlohmann::json* alternative_for(const std::string& type) const;
};

// The discriminator of `alternatives` (a oneOf/anyOf array) if every
// alternative, after following "$ref", has properties.type with a string
// "const" (itself possibly behind a "$ref") and no constant repeats.
std::optional<Discriminator> find_discriminator(const nlohmann::json& alternatives, const nlohmann::json& root);

// Whether `schema` is about the same kind of value as `value` (object, array,
// string, number, boolean, null), ignoring every finer constraint. Used to
// rank the alternatives of a union that nothing matched: an alternative for
// numbers is a better guess for 3.5 than one for strings.
bool accepts_kind_of(const nlohmann::json& schema, const nlohmann::json& value, const nlohmann::json& root);

}  // namespace qtsim::input
