#pragma once
// A digest of a directory's files: FNV-1a 64 over each regular file's relative
// path, size and bytes, in path order. Equal digests: the same files with the
// same bytes.
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

namespace qtsim::test {

std::uint64_t fnv1a(const std::string& bytes, std::uint64_t h = 0xcbf29ce484222325ULL);

// Relative path -> digest of its bytes, for every regular file below `dir`.
std::map<std::string, std::uint64_t> file_digests(const std::filesystem::path& dir);

// One digest of all of them ("0000000000000000" when `dir` has no files).
std::string dir_digest(const std::filesystem::path& dir);

// "path digest" lines, for messages.
std::string describe(const std::map<std::string, std::uint64_t>& digests);

}  // namespace qtsim::test
