#include "staged_file.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>

namespace qtsim::util {

void StagedFile::commit() {
  if (temporary_.empty()) return;
  if (std::rename(temporary_.c_str(), target_.c_str()) != 0) {
    const std::string message = "cannot rename " + temporary_.string() + " to " + target_.string() + ": " + std::strerror(errno);
    discard();
    throw std::runtime_error(message);
  }
  temporary_.clear();
}

void StagedFile::discard() {
  if (temporary_.empty()) return;
  std::remove(temporary_.c_str());
  temporary_.clear();
}

}  // namespace qtsim::util
