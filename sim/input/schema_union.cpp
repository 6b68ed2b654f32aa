#include "schema_union.hpp"

#include <algorithm>

#include "schema_refs.hpp"

namespace qtsim::input {

namespace {

using nlohmann::json;

constexpr int kMaxKindDepth = 8;

bool same_kind(const json& a, const json& b) { return (a.is_number() && b.is_number()) || a.type() == b.type(); }

bool type_accepts_kind(const std::string& type, const json& value) {
  if (type == "integer" || type == "number") return value.is_number();
  if (type == "string") return value.is_string();
  if (type == "object") return value.is_object();
  if (type == "array") return value.is_array();
  if (type == "boolean") return value.is_boolean();
  if (type == "null") return value.is_null();
  return false;
}

bool accepts_kind(const json& schema_or_ref, const json& value, const json& root, int depth) {
  const json& schema = follow_refs(root, schema_or_ref);
  if (schema.is_boolean()) return schema.get<bool>();
  if (!schema.is_object()) return true;
  if (const auto type = schema.find("type"); type != schema.end()) {
    if (type->is_string()) return type_accepts_kind(type->get<std::string>(), value);
    return std::any_of(type->begin(), type->end(),
                       [&](const json& t) { return t.is_string() && type_accepts_kind(t.get<std::string>(), value); });
  }
  if (const auto constant = schema.find("const"); constant != schema.end()) return same_kind(*constant, value);
  if (const auto values = schema.find("enum"); values != schema.end() && values->is_array()) {
    return std::any_of(values->begin(), values->end(), [&](const json& v) { return same_kind(v, value); });
  }
  for (const char* keyword : {"oneOf", "anyOf"}) {
    const auto alternatives = schema.find(keyword);
    if (alternatives == schema.end() || !alternatives->is_array() || depth >= kMaxKindDepth) continue;
    return std::any_of(alternatives->begin(), alternatives->end(),
                       [&](const json& a) { return accepts_kind(a, value, root, depth + 1); });
  }
  auto has = [&](const char* keyword) { return schema.contains(keyword); };
  if (has("properties") || has("required") || has("additionalProperties")) return value.is_object();
  if (has("items") || has("minItems") || has("maxItems")) return value.is_array();
  if (has("minLength") || has("maxLength") || has("pattern")) return value.is_string();
  if (has("minimum") || has("maximum") || has("exclusiveMinimum") || has("exclusiveMaximum")) return value.is_number();
  return true;
}

}  // namespace

std::string Discriminator::type_list() const {
  std::string text;
  for (const std::string& type : types) text += (text.empty() ? "" : ", ") + type;
  return text;
}

const json* Discriminator::alternative_for(const std::string& type) const {
  const auto it = std::find(types.begin(), types.end(), type);
  return it == types.end() ? nullptr : alternatives[static_cast<std::size_t>(it - types.begin())];
}

std::optional<Discriminator> find_discriminator(const json& alternatives, const json& root) {
  if (!alternatives.is_array() || alternatives.empty()) return std::nullopt;
  Discriminator discriminator;
  for (const json& alternative : alternatives) {
    const json& schema = follow_refs(root, alternative);
    if (!schema.is_object()) return std::nullopt;
    const auto properties = schema.find("properties");
    if (properties == schema.end() || !properties->is_object()) return std::nullopt;
    const auto type_field = properties->find("type");
    if (type_field == properties->end()) return std::nullopt;
    const json& type_schema = follow_refs(root, *type_field);
    if (!type_schema.is_object()) return std::nullopt;
    const auto constant = type_schema.find("const");
    if (constant == type_schema.end() || !constant->is_string()) return std::nullopt;
    const std::string& type = constant->get_ref<const std::string&>();
    if (discriminator.alternative_for(type)) return std::nullopt;
    discriminator.types.push_back(type);
    discriminator.alternatives.push_back(&alternative);
  }
  return discriminator;
}

bool accepts_kind_of(const json& schema, const json& value, const json& root) {
  return accepts_kind(schema, value, root, 0);
}

}  // namespace qtsim::input
