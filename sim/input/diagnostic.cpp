#include "diagnostic.hpp"

namespace qtsim::input {

std::string Diagnostic::str() const {
  std::string s = file.empty() ? std::string("input") : file;
  s += ": ";
  if (!pointer.empty()) s += "at " + pointer + ": ";
  if (!expected.empty()) {
    s += "expected " + expected;
    if (!found.empty()) s += ", found " + found;
  } else {
    s += found;
  }
  if (!hint.empty()) s += " (" + hint + ")";
  return s;
}

namespace {
std::string join(const std::vector<Diagnostic>& ds) {
  std::string s;
  for (const auto& d : ds) {
    if (!s.empty()) s += "\n";
    s += d.str();
  }
  return s;
}
}  // namespace

InputError::InputError(std::vector<Diagnostic> diagnostics)
    : std::runtime_error(join(diagnostics)), diagnostics_(std::move(diagnostics)) {}

void DiagnosticList::add(std::string pointer, std::string expected, std::string found, std::string hint) {
  items_.push_back({file_, std::move(pointer), std::move(expected), std::move(found), std::move(hint)});
}

void DiagnosticList::throw_if_any() const {
  if (!items_.empty()) throw InputError(items_);
}

}  // namespace qtsim::input
