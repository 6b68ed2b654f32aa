#pragma once
// The kinds of input file `qtsim check FILE` knows, and how a file's kind is
// told. Adding a kind is one entry in check_kinds() (command_check.cpp): its
// name, its schema in workloads/schema/, and the function that loads, checks
// and describes a file of that kind.
#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace qtsim::cli {

struct CheckKind {
  std::string name;    // as --kind takes it and messages say it: "workload", "hardware", "tech"
  std::string title;   // "a workload", "a hardware configuration", ...
  std::string schema;  // workloads/schema/<schema>.schema.json (embedded)
  // Loads and checks the file (input::InputError listing every problem) and
  // prints what it holds (nothing when `quiet`).
  std::function<void(const std::string& path, bool quiet, std::ostream& out)> check;
};

// The kind of a parsed document: the one its "$schema" names
// (".../NAME.schema.json"), else the one whose schema alone declares some of
// its top-level fields. Throws input::InputError naming `file`, the kinds and
// their telling fields when no kind or several fit (--kind decides then).
const CheckKind& detect_kind(const std::vector<CheckKind>& kinds, const nlohmann::json& document,
                             const std::string& file);

// The kind named by --kind; input::InputError listing the kinds otherwise.
const CheckKind& kind_named(const std::vector<CheckKind>& kinds, const std::string& name);

}  // namespace qtsim::cli
