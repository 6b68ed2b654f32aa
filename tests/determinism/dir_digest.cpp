#include "dir_digest.hpp"

#include <fmt/format.h>

#include <fstream>
#include <iterator>

namespace qtsim::test {

namespace fs = std::filesystem;

std::uint64_t fnv1a(const std::string& bytes, std::uint64_t h) {
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

std::map<std::string, std::uint64_t> file_digests(const fs::path& dir) {
  std::map<std::string, std::uint64_t> out;
  if (!fs::is_directory(dir)) return out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    std::ifstream in(e.path(), std::ios::binary);
    const std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    out[fs::relative(e.path(), dir).generic_string()] = fnv1a(bytes);
  }
  return out;
}

std::string dir_digest(const fs::path& dir) {
  std::uint64_t h = 0;
  bool any = false;
  for (const auto& [path, digest] : file_digests(dir)) {
    h = fnv1a(fmt::format("{}\n{:016x}\n", path, digest), any ? h : 0xcbf29ce484222325ULL);
    any = true;
  }
  return fmt::format("{:016x}", any ? h : 0);
}

std::string describe(const std::map<std::string, std::uint64_t>& digests) {
  std::string s;
  for (const auto& [path, digest] : digests) s += fmt::format("  {} {:016x}\n", path, digest);
  return s;
}

}  // namespace qtsim::test
