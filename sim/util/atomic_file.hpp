#pragma once
// Outputs are atomic: a file is written under a temporary name in the same
// directory and renamed into place, so a reader (or a crash, or Ctrl-C) never
// sees half a file.
#include <filesystem>
#include <string_view>

namespace qtsim::util {

void write_file_atomic(const std::filesystem::path& path, std::string_view contents);

// Creates `dir` (and parents) or throws std::runtime_error naming it.
void ensure_directory(const std::filesystem::path& dir);

}  // namespace qtsim::util
