#include "schema_validator.hpp"

#include <algorithm>
#include <map>
#include <regex>
#include <utility>
#include <vector>

#include "did_you_mean.hpp"
#include "json_number.hpp"
#include "json_pointer_path.hpp"
#include "schema_check.hpp"
#include "schema_describe.hpp"
#include "schema_refs.hpp"
#include "schema_union.hpp"
#include "utf8.hpp"
#include "value_text.hpp"

namespace qtsim::input {

namespace {

using nlohmann::json;

// Steps through $ref/oneOf/anyOf that stay at the same place in the document;
// more than this means the schema loops without consuming the document.
constexpr int kMaxDetours = 64;

const json* find(const json& schema, const char* keyword) {
  const auto it = schema.find(keyword);
  return it == schema.end() ? nullptr : &*it;
}

std::vector<std::string> strings_in(const json& values) {
  std::vector<std::string> strings;
  for (const json& value : values) {
    if (value.is_string()) strings.push_back(value.get<std::string>());
  }
  return strings;
}

// The "default" of a property schema, looked up through its $ref chain.
const json* find_default(const json& root, const json& property_schema) {
  if (!property_schema.is_object()) return nullptr;
  if (const json* value = find(property_schema, "default")) return value;
  const json& target = follow_refs(root, property_schema);
  return (&target != &property_schema && target.is_object()) ? find(target, "default") : nullptr;
}

class Validator {
 public:
  Validator(const json& root, DiagnosticList& out) : root_(root), out_(&out) {}

  void check(const json& schema, json& value, const std::string& pointer, int detours) {
    if (detours > kMaxDetours) {
      throw SchemaError("schema loops through $ref/oneOf/anyOf at document location \"" + pointer + "\"");
    }
    if (schema.is_boolean()) {
      if (!schema.get<bool>()) report(pointer, "no value here", describe_value(value));
      return;
    }
    if (const json* ref = find(schema, "$ref")) check(resolve_ref(root_, ref->get<std::string>()), value, pointer, detours + 1);
    if (!check_type(schema, value, pointer)) return;
    if (!check_constant(schema, value, pointer)) return;
    if (value.is_number()) check_number(schema, value, pointer);
    if (value.is_string()) check_string(schema, value, pointer);
    if (value.is_array()) check_array(schema, value, pointer);
    if (value.is_object()) check_object(schema, value, pointer);
    if (const json* alternatives = find(schema, "oneOf")) check_union(*alternatives, true, value, pointer, detours);
    if (const json* alternatives = find(schema, "anyOf")) check_union(*alternatives, false, value, pointer, detours);
  }

 private:
  void report(const std::string& pointer, std::string expected, std::string found, std::string hint = {}) {
    out_->add(pointer, std::move(expected), std::move(found), std::move(hint));
  }

  bool check_type(const json& schema, json& value, const std::string& pointer) {
    const json* type = find(schema, "type");
    if (!type) return true;
    const std::vector<std::string> types = type->is_string() ? std::vector{type->get<std::string>()} : strings_in(*type);
    auto allows = [&](const char* name) { return std::find(types.begin(), types.end(), name) != types.end(); };
    const bool is_whole = value.is_number() && integrality(value) == Integrality::whole;
    const bool ok = (allows("integer") && is_whole) || (allows("number") && value.is_number()) ||
                    (allows("string") && value.is_string()) || (allows("object") && value.is_object()) ||
                    (allows("array") && value.is_array()) || (allows("boolean") && value.is_boolean()) ||
                    (allows("null") && value.is_null());
    if (ok) {
      // Loaders read integers with get<int64_t>(); store 3.0 as 3 so they can.
      if (allows("integer") && !allows("number") && value.is_number_float()) value = value.get<std::int64_t>();
      return true;
    }
    std::string found = describe_value(value);
    if (allows("integer") && value.is_number()) {
      const Integrality kind = integrality(value);
      if (kind == Integrality::out_of_range) found = compact_value(value) + " (outside the 64-bit integer range)";
      if (kind == Integrality::fractional) found = compact_value(value) + " (not a whole number)";
    }
    report(pointer, describe_schema(schema, root_), found);
    return false;
  }

  // const and enum; false when the value is not one of those allowed.
  bool check_constant(const json& schema, const json& value, const std::string& pointer) {
    std::vector<std::string> allowed_strings;
    bool ok = true;
    if (const json* constant = find(schema, "const")) {
      ok = value == *constant;
      if (constant->is_string()) allowed_strings.push_back(constant->get<std::string>());
    } else if (const json* values = find(schema, "enum")) {
      ok = std::find(values->begin(), values->end(), value) != values->end();
      allowed_strings = strings_in(*values);
    } else {
      return true;
    }
    if (ok) return true;
    report(pointer, describe_schema(schema, root_), describe_value(value),
           value.is_string() ? did_you_mean_hint(value.get<std::string>(), allowed_strings) : "");
    return false;
  }

  void check_number(const json& schema, const json& value, const std::string& pointer) {
    const json* minimum = find(schema, "minimum");
    const json* maximum = find(schema, "maximum");
    const json* exclusive_minimum = find(schema, "exclusiveMinimum");
    const json* exclusive_maximum = find(schema, "exclusiveMaximum");
    const bool out_of_bounds = (minimum && compare_numbers(value, *minimum) < 0) ||
                               (maximum && compare_numbers(value, *maximum) > 0) ||
                               (exclusive_minimum && compare_numbers(value, *exclusive_minimum) <= 0) ||
                               (exclusive_maximum && compare_numbers(value, *exclusive_maximum) >= 0);
    if (out_of_bounds) report(pointer, describe_schema(schema, root_), describe_value(value));
  }

  void check_string(const json& schema, const json& value, const std::string& pointer) {
    const auto& text = value.get_ref<const std::string&>();
    const std::size_t length = count_code_points(text);
    const json* min_length = find(schema, "minLength");
    const json* max_length = find(schema, "maxLength");
    std::string found;
    if ((min_length && length < min_length->get<std::size_t>()) ||
        (max_length && length > max_length->get<std::size_t>())) {
      found = compact_value(value) + " (a string of " + count_noun(length, "character") + ")";
    } else if (const json* pattern = find(schema, "pattern")) {
      found = pattern_mismatch(pattern->get<std::string>(), value);
    }
    if (!found.empty()) report(pointer, describe_schema(schema, root_), found);
  }

  // "" when `value` matches `pattern`, else the found text explaining why not.
  std::string pattern_mismatch(const std::string& pattern, const json& value) {
    const auto& text = value.get_ref<const std::string&>();
    if (text.size() > kMaxPatternSubjectBytes) {
      return compact_value(value) + " (a string of " + count_noun(count_code_points(text), "character") +
             ", too long to match against a pattern)";
    }
    try {
      if (std::regex_search(text, regex_for(pattern))) return "";
    } catch (const std::regex_error&) {
      return compact_value(value) + " (too complex to match against the pattern)";
    }
    return describe_value(value);
  }

  const std::regex& regex_for(const std::string& pattern) {
    auto it = regexes_.find(pattern);
    if (it == regexes_.end()) it = regexes_.emplace(pattern, std::regex(pattern, std::regex::ECMAScript)).first;
    return it->second;
  }

  void check_array(const json& schema, json& value, const std::string& pointer) {
    const json* min_items = find(schema, "minItems");
    const json* max_items = find(schema, "maxItems");
    if ((min_items && value.size() < min_items->get<std::size_t>()) ||
        (max_items && value.size() > max_items->get<std::size_t>())) {
      report(pointer, describe_schema(schema, root_), describe_value(value));
    }
    if (const json* items = find(schema, "items")) {
      for (std::size_t i = 0; i < value.size(); ++i) check(*items, value[i], pointer_to_item(pointer, i), 0);
    }
  }

  void check_object(const json& schema, json& value, const std::string& pointer) {
    const json* properties = find(schema, "properties");
    const json* additional = find(schema, "additionalProperties");
    const json* required = find(schema, "required");
    std::vector<std::string> known;
    if (properties) {
      for (const auto& [name, property] : properties->items()) known.push_back(name);
    }

    std::vector<std::string> suggested;  // fields an unknown field was probably meant to be
    for (auto& [name, field] : value.items()) {
      const std::string field_pointer = pointer_to_field(pointer, name);
      if (properties && properties->contains(name)) {
        check(properties->at(name), field, field_pointer, 0);
      } else if (additional && additional->is_boolean() && !additional->get<bool>()) {
        const std::string suggestion = did_you_mean(name, known);
        if (!suggestion.empty()) suggested.push_back(suggestion);
        report(field_pointer, known.empty() ? "no fields here" : "one of the fields: " + join(known),
               "unknown field " + compact_value(json(name)),
               suggestion.empty() ? "" : "did you mean '" + suggestion + "'?");
      } else if (additional) {
        check(*additional, field, field_pointer, 0);
      }
    }

    auto is_required = [&](const std::string& name) {
      return required && std::find(required->begin(), required->end(), name) != required->end();
    };
    if (required) {
      for (const json& name_json : *required) {
        const auto& name = name_json.get_ref<const std::string&>();
        // A misspelt field was already reported with "did you mean"; saying
        // the right one is missing too would report one mistake twice.
        if (value.contains(name) || std::find(suggested.begin(), suggested.end(), name) != suggested.end()) continue;
        const json* property = properties && properties->contains(name) ? &properties->at(name) : nullptr;
        report(pointer_to_field(pointer, name), describe_field(name, property, root_), "nothing");
      }
    }
    if (!properties) return;
    for (const auto& [name, property] : properties->items()) {
      if (value.contains(name) || is_required(name)) continue;
      if (const json* fallback = find_default(root_, property)) {
        json& inserted = value[name] = *fallback;
        check(property, inserted, pointer_to_field(pointer, name), 0);  // fills defaults nested in the default
      }
    }
  }

  static std::string join(const std::vector<std::string>& names) {
    std::string text;
    for (const std::string& name : names) text += (text.empty() ? "" : ", ") + name;
    return text;
  }

  void check_union(const json& alternatives, bool exactly_one, json& value, const std::string& pointer, int detours) {
    if (const auto union_by_type = find_discriminator(alternatives, root_)) {
      check_union_by_type(*union_by_type, value, pointer, detours);
      return;
    }
    struct Attempt {
      json value;  // a copy, so defaults filled by a failed alternative do not leak
      std::vector<Diagnostic> problems;
      bool right_kind = false;
    };
    std::vector<Attempt> attempts;
    for (const json& alternative : alternatives) {
      Attempt attempt{value, {}, accepts_kind_of(alternative, value, root_)};
      DiagnosticList problems(out_->file());
      DiagnosticList* outer = std::exchange(out_, &problems);
      try {
        check(alternative, attempt.value, pointer, detours + 1);
      } catch (...) {
        out_ = outer;
        throw;
      }
      out_ = outer;
      attempt.problems = problems.items();
      attempts.push_back(std::move(attempt));
    }

    std::vector<std::size_t> matches;
    for (std::size_t i = 0; i < attempts.size(); ++i) {
      if (attempts[i].problems.empty()) matches.push_back(i);
    }
    if (matches.size() == 1 || (!matches.empty() && !exactly_one)) {
      value = std::move(attempts[matches.front()].value);
      return;
    }
    if (matches.size() > 1) {
      report(pointer, "exactly one of: " + describe_alternatives(alternatives, root_),
             describe_value(value) + ", which matches " + std::to_string(matches.size()) + " of them");
      return;
    }
    if (const Attempt* best = clear_winner(attempts)) {
      for (const Diagnostic& problem : best->problems) {
        report(problem.pointer, problem.expected, problem.found, problem.hint);
      }
      return;
    }
    report(pointer, describe_alternatives(alternatives, root_), describe_value(value));
  }

  // Among alternatives for the right kind of value, the one with strictly
  // fewest problems; nullptr when there is no such single alternative.
  template <typename Attempt>
  static const Attempt* clear_winner(const std::vector<Attempt>& attempts) {
    const Attempt* best = nullptr;
    bool tied = false;
    for (const Attempt& attempt : attempts) {
      if (!attempt.right_kind) continue;
      if (!best || attempt.problems.size() < best->problems.size()) {
        best = &attempt;
        tied = false;
      } else if (attempt.problems.size() == best->problems.size()) {
        tied = true;
      }
    }
    return tied ? nullptr : best;
  }

  void check_union_by_type(const Discriminator& union_by_type, json& value, const std::string& pointer,
                           int detours) {
    const std::string choices = union_by_type.type_list();
    if (!value.is_object()) {
      report(pointer, "an object with \"type\" one of " + choices, describe_value(value));
      return;
    }
    const std::string type_pointer = pointer_to_field(pointer, "type");
    const auto type = value.find("type");
    if (type == value.end()) {
      std::vector<std::string> fields;
      for (const auto& [name, field] : value.items()) fields.push_back(name);
      const std::string similar = did_you_mean("type", fields);
      report(type_pointer, "field \"type\" (one of " + choices + ")", "nothing",
             similar.empty() ? "" : "is '" + similar + "' meant to be 'type'?");
      return;
    }
    const json* alternative = type->is_string() ? union_by_type.alternative_for(type->get<std::string>()) : nullptr;
    if (!alternative) {
      report(type_pointer, "type one of " + choices, describe_value(*type),
             type->is_string() ? did_you_mean_hint(type->get<std::string>(), union_by_type.types) : "");
      return;
    }
    check(*alternative, value, pointer, detours + 1);
  }

  const json& root_;
  DiagnosticList* out_;  // swapped for a scratch list while union alternatives are tried
  std::map<std::string, std::regex> regexes_;
};

}  // namespace

void validate_with_checked_schema(const json& root, const json& subschema, json& instance, const std::string& pointer,
                                  DiagnosticList& out) {
  Validator(root, out).check(subschema, instance, pointer, 0);
}

void validate(const json& schema, json& instance, DiagnosticList& out) {
  check_schema(schema);
  validate_with_checked_schema(schema, schema, instance, "", out);
}

}  // namespace qtsim::input
