#pragma once
// Output paths are checked before any work starts: a folder (--out, --dump)
// that cannot be created or written, or a file (--trace) that cannot be
// written under exactly the name given, is bad input: input::InputError naming
// the option (exit code 2), not a failure after the whole run.
#include <filesystem>
#include <string>
#include <vector>

namespace qtsim::util {

// Creates `dir` and any missing folders above it and checks that files can be
// created in it. Returns the folders it created, deepest first (so a run that
// ends up writing nothing can remove them again).
std::vector<std::filesystem::path> create_output_folder(const std::filesystem::path& dir, const std::string& option);

// Checks that `file` can be written under exactly this name: not empty, not a
// folder or a device, in an existing folder in which files can be created.
void check_output_file(const std::filesystem::path& file, const std::string& option);

}  // namespace qtsim::util
