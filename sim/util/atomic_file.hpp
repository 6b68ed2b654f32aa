#pragma once
// Outputs are atomic: a file is written under a temporary name in the same
// directory and renamed into place, so a reader (or a crash, or Ctrl-C) never
// sees half a file.
#include <cstddef>
#include <filesystem>
#include <string_view>

namespace qtsim::util {

void write_file_atomic(const std::filesystem::path& path, std::string_view contents);

// Writes `contents` to "PATH.tmp.PID" and returns that name, leaving the
// rename to the caller (a set of files is renamed together: output_folder.hpp).
// On failure removes the temporary and throws std::runtime_error naming it.
std::filesystem::path write_temporary(const std::filesystem::path& path, std::string_view contents);

// "PATH.tmp.PID": where write_temporary writes `path`.
std::filesystem::path temporary_name(const std::filesystem::path& path);

// Writes all of [data, data + size) to `fd`, retrying after signals: 0, or the
// errno of the write that failed.
int write_all(int fd, const char* data, std::size_t size);

// Creates `dir` (and parents) or throws std::runtime_error naming it.
void ensure_directory(const std::filesystem::path& dir);

}  // namespace qtsim::util
