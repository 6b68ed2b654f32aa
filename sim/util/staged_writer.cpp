#include "staged_writer.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "sim/util/atomic_file.hpp"

namespace qtsim::util {

StagedWriter::StagedWriter(std::filesystem::path target) : target_(std::move(target)), temporary_(temporary_name(target_)) {
  fd_ = ::open(temporary_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0) throw std::runtime_error("cannot create " + temporary_.string() + ": " + std::strerror(errno));
}

StagedWriter::~StagedWriter() {
  if (fd_ >= 0) ::close(fd_);
  if (!temporary_.empty()) ::unlink(temporary_.c_str());
}

void StagedWriter::write(std::string_view data) {
  if (error_ == 0 && fd_ >= 0) error_ = write_all(fd_, data.data(), data.size());
}

StagedFile StagedWriter::finish(const std::string& what) {
  if (fd_ >= 0 && ::close(fd_) != 0 && error_ == 0) error_ = errno;
  fd_ = -1;
  if (error_ != 0) {
    ::unlink(temporary_.c_str());
    temporary_.clear();
    throw std::runtime_error("cannot write the " + what + " " + target_.string() + ": " + std::strerror(error_));
  }
  StagedFile staged(temporary_, target_);
  temporary_.clear();
  return staged;
}

}  // namespace qtsim::util
