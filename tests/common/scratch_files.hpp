#pragma once
// Scratch files for tests: a fresh temporary directory removed with everything
// in it, and whole-file reads and writes. Shared by every suite under tests/.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <cerrno>
#include <system_error>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>

namespace qtsim::test {

// A fresh directory under the system temp dir (mkdtemp: unique across
// processes, so suites may run in parallel), removed by the destructor.
struct TempDir {
  std::filesystem::path path;

  TempDir() {
    std::string name = (std::filesystem::temp_directory_path() / "qtsim-test-XXXXXX").string();
    if (::mkdtemp(name.data()) == nullptr)
      throw std::filesystem::filesystem_error("mkdtemp", name, std::error_code(errno, std::generic_category()));
    path = name;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::filesystem::path operator/(const std::string& name) const { return path / name; }
  std::string file(const std::string& name) const { return (path / name).string(); }
  std::string str() const { return path.string(); }
};

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void write_file(const std::filesystem::path& p, std::string_view bytes) {
  std::ofstream out(p, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  ASSERT_TRUE(out.good()) << p;
}

}  // namespace qtsim::test
