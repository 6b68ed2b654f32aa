#include "schema_describe.hpp"

#include <algorithm>

#include "json_number.hpp"
#include "schema_refs.hpp"
#include "schema_union.hpp"
#include "utf8.hpp"
#include "value_text.hpp"

namespace qtsim::input {

namespace {

using nlohmann::json;

constexpr int kMaxDescribeDepth = 8;  // keeps recursive schemas from describing forever
constexpr std::size_t kMaxDescriptionBytes = 100;

const json* find(const json& schema, const char* keyword) {
  const auto it = schema.find(keyword);
  return it == schema.end() ? nullptr : &*it;
}

// " in [0, 1]", " >= 1", " < 4", or "" when unbounded.
std::string numeric_bounds(const json& schema) {
  const json* minimum = find(schema, "minimum");
  const json* exclusive_minimum = find(schema, "exclusiveMinimum");
  const json* maximum = find(schema, "maximum");
  const json* exclusive_maximum = find(schema, "exclusiveMaximum");
  // When both forms are given, the tighter one is the one that matters.
  const bool lower_exclusive =
      exclusive_minimum && (!minimum || compare_numbers(*exclusive_minimum, *minimum) >= 0);
  const bool upper_exclusive =
      exclusive_maximum && (!maximum || compare_numbers(*exclusive_maximum, *maximum) <= 0);
  const json* lower = lower_exclusive ? exclusive_minimum : minimum;
  const json* upper = upper_exclusive ? exclusive_maximum : maximum;
  if (lower && upper) {
    return std::string(" in ") + (lower_exclusive ? "(" : "[") + compact_value(*lower) + ", " +
           compact_value(*upper) + (upper_exclusive ? ")" : "]");
  }
  if (lower) return (lower_exclusive ? " > " : " >= ") + compact_value(*lower);
  if (upper) return (upper_exclusive ? " < " : " <= ") + compact_value(*upper);
  return "";
}

// " of at most 4 items", " of 2 to 3 characters", ...; "" when unbounded.
std::string count_bounds(const json* minimum, const json* maximum, const std::string& noun) {
  if (minimum && maximum) {
    const auto low = minimum->get<std::size_t>(), high = maximum->get<std::size_t>();
    if (low == high) return " of exactly " + count_noun(low, noun);
    return " of " + std::to_string(low) + " to " + count_noun(high, noun);
  }
  if (minimum) return " of at least " + count_noun(minimum->get<std::size_t>(), noun);
  if (maximum) return " of at most " + count_noun(maximum->get<std::size_t>(), noun);
  return "";
}

bool is_exactly_one(const json* value) { return value && value->is_number() && compare_numbers(*value, json(1)) == 0; }

std::string string_phrase(const json& schema) {
  const json* min_length = find(schema, "minLength");
  const json* max_length = find(schema, "maxLength");
  std::string phrase = is_exactly_one(min_length) && !max_length
                           ? "a non-empty string"
                           : "a string" + count_bounds(min_length, max_length, "character");
  if (const json* pattern = find(schema, "pattern")) phrase += " matching " + pattern->get<std::string>();
  return phrase;
}

std::string array_phrase(const json& schema) {
  const json* min_items = find(schema, "minItems");
  const json* max_items = find(schema, "maxItems");
  if (is_exactly_one(min_items) && !max_items) return "a non-empty array";
  return "an array" + count_bounds(min_items, max_items, "item");
}

// `an object with fields "a", "b"`: tells apart union alternatives that are all objects.
std::string object_phrase(const json& schema, bool name_required) {
  const json* required = find(schema, "required");
  if (!name_required || !required || !required->is_array() || required->empty()) return "an object";
  std::string text = required->size() == 1 ? "an object with field " : "an object with fields ";
  for (std::size_t i = 0; i < required->size(); ++i) text += (i ? ", " : "") + compact_value((*required)[i]);
  return text;
}

std::string type_phrase(const std::string& type, const json& schema, bool name_required) {
  if (type == "integer") return "an integer" + numeric_bounds(schema);
  if (type == "number") return "a number" + numeric_bounds(schema);
  if (type == "string") return string_phrase(schema);
  if (type == "array") return array_phrase(schema);
  if (type == "object") return object_phrase(schema, name_required);
  if (type == "boolean") return "true or false";
  if (type == "null") return "null";
  return "a " + type;
}

// The types a schema without "type" still implies through its keywords.
std::vector<std::string> implied_types(const json& schema) {
  auto has_any = [&](std::initializer_list<const char*> keywords) {
    return std::any_of(keywords.begin(), keywords.end(), [&](const char* k) { return schema.contains(k); });
  };
  if (has_any({"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"})) return {"number"};
  if (has_any({"minLength", "maxLength", "pattern"})) return {"string"};
  if (has_any({"items", "minItems", "maxItems"})) return {"array"};
  if (has_any({"properties", "required", "additionalProperties"})) return {"object"};
  return {};
}

void add_unique(std::vector<std::string>& items, std::string item) {
  if (std::find(items.begin(), items.end(), item) == items.end()) items.push_back(std::move(item));
}

std::string describe(const json& schema, const json& root, int depth, bool in_union = false);

std::string describe_union(const json& alternatives, const json& root, int depth) {
  if (const auto union_by_type = find_discriminator(alternatives, root)) {
    return "an object with \"type\" one of " + union_by_type->type_list();
  }
  std::vector<std::string> phrases;
  for (const json& alternative : alternatives) add_unique(phrases, describe(alternative, root, depth + 1, true));
  return join_with_or(phrases);
}

std::string describe(const json& schema, const json& root, int depth, bool in_union) {
  if (depth > kMaxDescribeDepth) return "a valid value";
  if (schema.is_boolean()) return schema.get<bool>() ? "any value" : "no value";
  if (!schema.is_object()) return "a valid value";
  const bool constrains_itself = schema.contains("type") || schema.contains("const") || schema.contains("enum") ||
                                 schema.contains("oneOf") || schema.contains("anyOf");
  if (!constrains_itself && schema.contains("$ref")) return describe(follow_refs(root, schema), root, depth + 1, in_union);

  if (const json* value = find(schema, "const")) return compact_value(*value);
  if (const json* values = find(schema, "enum")) {
    if (values->size() == 1) return compact_value(values->front());
    std::string text = "one of ";
    for (std::size_t i = 0; i < values->size(); ++i) text += (i ? ", " : "") + compact_value((*values)[i]);
    return text;
  }
  if (const json* alternatives = find(schema, "oneOf")) return describe_union(*alternatives, root, depth);
  if (const json* alternatives = find(schema, "anyOf")) return describe_union(*alternatives, root, depth);

  std::vector<std::string> types;
  if (const json* type = find(schema, "type")) {
    if (type->is_string()) {
      types.push_back(type->get<std::string>());
    } else {
      for (const json& t : *type) types.push_back(t.get<std::string>());
    }
  } else {
    types = implied_types(schema);
  }
  if (types.empty()) return "any value";
  std::vector<std::string> phrases;
  for (const std::string& type : types) add_unique(phrases, type_phrase(type, schema, in_union));
  return join_with_or(phrases);
}

}  // namespace

std::string join_with_or(const std::vector<std::string>& items) {
  std::string text;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) text += i + 1 == items.size() ? " or " : ", ";
    text += items[i];
  }
  return text;
}

std::string describe_schema(const json& schema, const json& root) { return describe(schema, root, 0); }

std::string describe_alternatives(const json& alternatives, const json& root) {
  return describe_union(alternatives, root, 0);
}

std::string describe_field(const std::string& name, const json* field_schema, const json& root) {
  std::string text = "field " + compact_value(json(name));
  if (!field_schema) return text;
  const json* with_description = field_schema;
  if (!field_schema->contains("description")) with_description = &follow_refs(root, *field_schema);
  if (with_description->is_object()) {
    const auto description = with_description->find("description");
    if (description != with_description->end() && description->is_string()) {
      text += " (" + truncate_utf8(description->get<std::string>(), kMaxDescriptionBytes) + ")";
    }
  }
  return text;
}

}  // namespace qtsim::input
