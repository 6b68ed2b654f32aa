#include "output_path.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "sim/input/diagnostic.hpp"

namespace qtsim::util {

namespace fs = std::filesystem;

namespace {

[[noreturn]] void refuse(const std::string& option, std::string expected, std::string found) {
  throw input::InputError(input::Diagnostic{"command line", option, std::move(expected), std::move(found), ""});
}

std::string quoted(const fs::path& p) { return "\"" + p.string() + "\""; }

std::string kind_of(fs::file_type type) {
  switch (type) {
    case fs::file_type::directory: return "a folder";
    case fs::file_type::regular: return "an existing file";
    case fs::file_type::fifo: return "a named pipe";
    case fs::file_type::socket: return "a socket";
    case fs::file_type::block:
    case fs::file_type::character: return "a device";
    default: return "not a regular file";
  }
}

// The nearest folder above `p` that exists ("." for a relative name without one).
fs::path existing_parent(const fs::path& p) {
  fs::path at = p.parent_path();
  std::error_code ec;
  while (!at.empty() && !fs::exists(at, ec)) at = at.parent_path();
  return at.empty() ? fs::path(".") : at;
}

// Creating and removing a file is the only reliable test (permissions, ACLs,
// read-only mounts, root).
void check_can_create_files_in(const fs::path& dir, const std::string& option) {
  const fs::path probe = dir / (".qtsim-probe." + std::to_string(::getpid()));
  const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) refuse(option, "a folder this user can write", quoted(dir) + ": " + std::strerror(errno));
  ::close(fd);
  ::unlink(probe.c_str());
}

void refuse_empty(const fs::path& p, const std::string& option, const char* what) {
  if (p.empty()) refuse(option, what, "an empty value");
}

}  // namespace

std::vector<fs::path> create_output_folder(const fs::path& dir, const std::string& option) {
  refuse_empty(dir, option, "a folder name");
  std::error_code ec;
  const fs::file_status st = fs::status(dir, ec);
  if (fs::exists(st) && !fs::is_directory(st))
    refuse(option, "a folder (created if missing)", quoted(dir) + ", " + kind_of(st.type()));
  std::vector<fs::path> created;
  if (!fs::exists(st)) {
    const fs::path above = existing_parent(dir);
    if (!fs::is_directory(above, ec))
      refuse(option, "a folder (created if missing)", quoted(dir) + ": " + quoted(above) + " is " + kind_of(fs::status(above, ec).type()) + ", not a folder");
    for (fs::path at = dir; !at.empty() && at != above; at = at.parent_path()) created.push_back(at);
    fs::create_directories(dir, ec);
    if (ec) refuse(option, "a folder (created if missing)", quoted(dir) + ", which cannot be created: " + ec.message());
  }
  try {
    check_can_create_files_in(dir, option);
  } catch (...) {
    for (const fs::path& p : created) fs::remove(p, ec);
    throw;
  }
  return created;
}

void check_output_file(const fs::path& file, const std::string& option) {
  refuse_empty(file, option, "a file name");
  std::error_code ec;
  const fs::file_status st = fs::status(file, ec);
  if (fs::exists(st) && !fs::is_regular_file(st))
    refuse(option, "a file name (a new file, or a file to replace)", quoted(file) + ", " + kind_of(st.type()));
  const fs::path folder = file.parent_path().empty() ? fs::path(".") : file.parent_path();
  const fs::file_status fst = fs::status(folder, ec);
  if (!fs::exists(fst)) refuse(option, "a file in an existing folder", quoted(file) + ": the folder " + quoted(folder) + " does not exist");
  if (!fs::is_directory(fst))
    refuse(option, "a file in an existing folder", quoted(file) + ": " + quoted(folder) + " is " + kind_of(fst.type()) + ", not a folder");
  check_can_create_files_in(folder, option);
}

}  // namespace qtsim::util
