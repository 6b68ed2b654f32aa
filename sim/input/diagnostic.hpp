#pragma once
// Errors are for people: every problem with an input names the file, the JSON
// pointer (or the field) where it is, what was expected and what was found.
// A command that meets one exits with kExitBadInput and writes nothing.
#include <stdexcept>
#include <string>
#include <vector>

namespace qtsim::input {

constexpr int kExitBadInput = 2;

struct Diagnostic {
  std::string file;      // path as the user gave it, or "command line"
  std::string pointer;   // JSON pointer ("/training/batch_size"), "" for the whole file
  std::string expected;  // "an integer >= 1"
  std::string found;     // "-3"
  std::string hint;      // optional: "did you mean 'batch_size'?"

  // "file: at /training/batch_size: expected an integer >= 1, found -3 (did you mean ...?)"
  std::string str() const;
};

// One or more problems with the inputs; what() lists them all, one per line.
class InputError : public std::runtime_error {
 public:
  explicit InputError(std::vector<Diagnostic> diagnostics);
  explicit InputError(Diagnostic diagnostic) : InputError(std::vector<Diagnostic>{std::move(diagnostic)}) {}
  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }

 private:
  std::vector<Diagnostic> diagnostics_;
};

// Collects problems while a file is checked, so all of them are reported at once.
class DiagnosticList {
 public:
  explicit DiagnosticList(std::string file) : file_(std::move(file)) {}
  void add(std::string pointer, std::string expected, std::string found, std::string hint = {});
  bool empty() const { return items_.empty(); }
  const std::string& file() const { return file_; }
  const std::vector<Diagnostic>& items() const { return items_; }
  // Throws InputError if anything was added.
  void throw_if_any() const;

 private:
  std::string file_;
  std::vector<Diagnostic> items_;
};

}  // namespace qtsim::input
