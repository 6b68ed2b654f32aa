#pragma once
// A workload file as read, with the workloads it derives from. A file may
// extend a base workload ("extends": a path relative to the file's folder, as
// in hardware files) and patch it with JSON Merge Patch (RFC 7396): objects
// merge field by field, null removes a field, any other value (arrays
// included) replaces the base's value whole. Bases may extend bases; only the
// expansion must be a whole workload, and only it is checked against the
// schema (docs/WORKLOADS.md, "Derived workloads").
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace qtsim::workload {

constexpr std::size_t kMaxBaseChain = 16;  // files in one chain, the deriving one included

struct WorkloadSource {
  struct File {
    std::string path;       // as given, or the base's path joined to its deriving file's folder
    nlohmann::json patch;   // the file's content without "extends"
  };
  std::vector<File> chain;  // the file read first, then its base, the base's base, ...
  nlohmann::json expanded;  // every patch applied, from the last base to the first file

  bool derived() const { return chain.size() > 1; }
  // The file that wrote the value at `pointer` of the expansion: the most
  // derived file that writes the pointer, else the one that writes its
  // deepest written ancestor (the first file for the root).
  const std::string& file_of(const std::string& pointer) const;
};

// Reads `path` and its bases. Throws input::InputError for an unreadable or
// malformed file, an "extends" that is not a path, a base that does not exist,
// is not a JSON object or closes a cycle, or a chain longer than kMaxBaseChain.
WorkloadSource read_workload_source(const std::string& path);

}  // namespace qtsim::workload
