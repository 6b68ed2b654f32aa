#pragma once
// A mistake in a schema itself (unknown keyword, bad $ref, default that does
// not satisfy its own schema). Schemas ship with the program, so this is a bug
// for developers, not an input problem for users: hence a logic_error and not
// an InputError.
#include <stdexcept>

namespace qtsim::input {

class SchemaError : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

}  // namespace qtsim::input
