#include "check_kinds.hpp"

#include <algorithm>
#include <filesystem>
#include <set>

#include <fmt/format.h>

#include "sim/input/diagnostic.hpp"
#include "sim/input/did_you_mean.hpp"
#include "sim/input/embedded_schemas.hpp"
#include "sim/input/json_file.hpp"
#include "sim/input/value_text.hpp"

namespace qtsim::cli {

namespace {

std::set<std::string> schema_fields(const std::string& schema) {
  std::set<std::string> fields;
  const nlohmann::json& s = input::embedded_schema(schema);
  if (s.contains("properties"))
    for (const auto& [name, _] : s.at("properties").items()) fields.insert(name);
  fields.erase("$schema");
  return fields;
}

// The top-level fields only this kind's schema declares: a document with any
// of them is of this kind. The schema's required fields first (they name the
// kind best in messages), then the others alphabetically.
std::vector<std::string> telling_fields(const std::vector<CheckKind>& kinds, const CheckKind& kind) {
  std::set<std::string> fields = schema_fields(kind.schema);
  for (const CheckKind& other : kinds)
    if (&other != &kind)
      for (const std::string& f : schema_fields(other.schema)) fields.erase(f);
  std::vector<std::string> ordered;
  const nlohmann::json& schema = input::embedded_schema(kind.schema);
  if (schema.contains("required"))
    for (const auto& r : schema.at("required"))
      if (r.is_string() && fields.erase(r.get<std::string>()) > 0) ordered.push_back(r.get<std::string>());
  ordered.insert(ordered.end(), fields.begin(), fields.end());
  return ordered;
}

constexpr int kMaxBaseChain = 16;

// The kinds one of whose telling fields the document has.
std::vector<const CheckKind*> fitting_kinds(const std::vector<CheckKind>& kinds, const nlohmann::json& document) {
  std::vector<const CheckKind*> fit;
  for (const CheckKind& k : kinds) {
    const std::vector<std::string> fields = telling_fields(kinds, k);
    if (std::any_of(fields.begin(), fields.end(), [&](const std::string& f) { return document.contains(f); })) fit.push_back(&k);
  }
  return fit;
}

std::string kinds_text(const std::vector<CheckKind>& kinds) {
  std::string text;
  for (std::size_t i = 0; i < kinds.size(); ++i) {
    const std::vector<std::string> fields = telling_fields(kinds, kinds[i]);
    text += fmt::format("{}{} (fields such as {})", i == 0 ? "" : i + 1 == kinds.size() ? " or " : ", ", kinds[i].title,
                        fmt::join(fields.begin(), fields.begin() + std::min<std::ptrdiff_t>(3, std::ssize(fields)), ", "));
  }
  return text;
}

std::vector<std::string> names(const std::vector<CheckKind>& kinds) {
  std::vector<std::string> out;
  for (const CheckKind& k : kinds) out.push_back(k.name);
  return out;
}

}  // namespace

namespace {

// The kind of the file a document extends, when it names a readable one whose
// kind can be told (following its own "extends", at most `depth` more files).
const CheckKind* kind_of_base(const std::vector<CheckKind>& kinds, const nlohmann::json& document, const std::string& file,
                              int depth) {
  const auto e = document.find("extends");
  if (e == document.end() || !e->is_string() || depth <= 0) return nullptr;
  const std::string base = (std::filesystem::path(file).parent_path() / e->get<std::string>()).string();
  std::error_code ec;
  if (!std::filesystem::is_regular_file(base, ec)) return nullptr;
  try {
    const nlohmann::json base_document = input::read_json_file(base);
    if (!base_document.is_object()) return nullptr;
    std::vector<const CheckKind*> fit = fitting_kinds(kinds, base_document);
    if (fit.size() == 1) return fit.front();
    return fit.empty() ? kind_of_base(kinds, base_document, base, depth - 1) : nullptr;
  } catch (const input::InputError&) {
    return nullptr;  // the kind's own loader reports the base's problems
  }
}

}  // namespace

const CheckKind& detect_kind(const std::vector<CheckKind>& kinds, const nlohmann::json& document, const std::string& file) {
  if (!document.is_object())
    throw input::InputError(input::Diagnostic{file, "", "a JSON object: " + kinds_text(kinds), input::describe_value(document), ""});
  if (const auto s = document.find("$schema"); s != document.end() && s->is_string()) {
    const std::string declared = s->get<std::string>();
    for (const CheckKind& k : kinds) {
      const std::string suffix = k.schema + ".schema.json";
      if (declared == suffix || (declared.size() > suffix.size() && declared.ends_with("/" + suffix))) return k;
    }
  }
  const std::vector<const CheckKind*> fit = fitting_kinds(kinds, document);
  if (fit.size() == 1) return *fit.front();
  // A derived file may hold nothing but what it changes: its base tells.
  if (fit.empty())
    if (const CheckKind* k = kind_of_base(kinds, document, file, kMaxBaseChain)) return *k;
  std::vector<std::string> present;
  for (const auto& [name, _] : document.items()) present.push_back(name);
  std::string found = present.empty() ? "an empty object" : fmt::format("an object with fields {}", fmt::join(present, ", "));
  if (fit.size() > 1) {
    std::vector<std::string> fitting;
    for (const CheckKind* k : fit) fitting.push_back(k->name);
    found += fmt::format(", which fit {} (say which with --kind)", fmt::join(fitting, " and "));
  } else if (document.contains("extends")) {
    found += " and a base whose kind cannot be told either (say which with --kind)";
  }
  throw input::InputError(input::Diagnostic{file, "", kinds_text(kinds), found, ""});
}

const CheckKind& kind_named(const std::vector<CheckKind>& kinds, const std::string& name) {
  for (const CheckKind& k : kinds)
    if (k.name == name) return k;
  throw input::InputError(input::Diagnostic{"command line", "--kind", fmt::format("one of {}", fmt::join(names(kinds), ", ")),
                                            "\"" + name + "\"", input::did_you_mean_hint(name, names(kinds))});
}

}  // namespace qtsim::cli
