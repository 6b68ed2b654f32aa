#pragma once
// Checks a JSON document against a schema written in a subset of JSON Schema
// 2020-12, reporting every problem (not just the first) as a Diagnostic a
// person can act on, and filling in defaults so loaders can read every field
// with at().
//
// Supported keywords:
//   type (a name or a list of names; "integer" means a whole number that fits
//   int64: 3.0 is accepted and stored as 3, 3.5 and 1e20 are not),
//   properties, required, additionalProperties (false or a schema),
//   enum, const, minimum, maximum, exclusiveMinimum, exclusiveMaximum,
//   minLength, maxLength (in characters), pattern (std::regex ECMAScript,
//   unanchored like JSON Schema; strings over kMaxPatternSubjectBytes are not
//   matched and reported, since std::regex recurses per character),
//   items (one schema for all items), minItems, maxItems, oneOf, anyOf,
//   $ref (local: "#/$defs/NAME"), $defs, default.
//   Annotations title, description, examples, $schema, $id, $comment are
//   ignored; any other keyword is a SchemaError (see check_schema).
//
// Messages:
//   wrong value       expected <from the schema: "an integer >= 1">, found <value (its kind)>
//   unknown field     expected one of the fields: a, b, c; found unknown field "x" (did you mean ...?)
//   missing field     at <object>/<name>: expected field "name" (<description>), found nothing
//   union by "type"   only the alternative named by "type" is checked; an unknown
//                     type: expected type one of conv, linear, found "convv" (did you mean 'conv'?)
//   other unions      the errors of the one best-matching alternative, or
//                     expected <a or b or c>, found <value> when none stands out.
#include <cstddef>
#include <string>

#include <nlohmann/json.hpp>

#include "diagnostic.hpp"

namespace qtsim::input {

constexpr std::size_t kMaxPatternSubjectBytes = 1000;

// Checks `schema` (check_schema, throws SchemaError), then `instance` against
// it: every problem is added to `out`; where an object lacks an optional
// property whose schema has a "default", the default is inserted. Integral
// floats checked as "integer" are stored as integers.
void validate(const nlohmann::json& schema, nlohmann::json& instance, DiagnosticList& out);

// validate() for a schema that already passed check_schema: checks `instance`
// at JSON pointer `pointer` against `subschema`, resolving $ref in `root`.
void validate_with_checked_schema(const nlohmann::json& root, const nlohmann::json& subschema,
                                  nlohmann::json& instance, const std::string& pointer, DiagnosticList& out);

}  // namespace qtsim::input
