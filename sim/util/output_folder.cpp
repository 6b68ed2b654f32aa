#include "output_folder.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <set>

#include "sim/input/diagnostic.hpp"
#include "sim/util/atomic_file.hpp"
#include "sim/util/output_path.hpp"

namespace qtsim::util {

namespace fs = std::filesystem;

bool matches_file_pattern(const std::string& pattern, const std::string& name) {
  const std::size_t star = pattern.find('*');
  if (star == std::string::npos) return pattern == name;
  const std::string head = pattern.substr(0, star), rest = pattern.substr(star + 1);
  if (name.compare(0, head.size(), head) != 0) return false;
  for (std::size_t at = head.size(); at <= name.size(); ++at)
    if (matches_file_pattern(rest, name.substr(at))) return true;
  return false;
}

OutputFolder::OutputFolder(fs::path dir, std::string option, std::vector<std::string> previous_run_files)
    : dir_(std::move(dir)), option_(std::move(option)), previous_run_files_(std::move(previous_run_files)) {
  created_ = create_output_folder(dir_, option_);
  lock_fd_ = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (lock_fd_ >= 0 && ::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK) {
    ::close(lock_fd_);
    lock_fd_ = -1;
    throw input::InputError(input::Diagnostic{
        "command line", option_, "a folder no other qtsim run is writing",
        "\"" + dir_.string() + "\", locked by a qtsim run in progress", "wait for it to finish, or choose another folder"});
  }
}

OutputFolder::~OutputFolder() {
  if (lock_fd_ >= 0) ::close(lock_fd_);
  std::error_code ignored;
  for (const fs::path& p : created_)
    if (!fs::remove(p, ignored)) break;  // not empty: this run wrote into it
}

void OutputFolder::refuse_run_file_name(const fs::path& file, const std::string& option) const {
  std::error_code ec;
  const fs::path folder = fs::weakly_canonical(dir_, ec), full = fs::weakly_canonical(fs::absolute(file, ec), ec);
  if (ec) return;  // the file's own check (output_path.hpp) says what is wrong with it
  const fs::path relative = full.lexically_relative(folder);
  if (relative.empty() || *relative.begin() == "..") return;
  for (const std::string& pattern : previous_run_files_)
    if (matches_file_pattern(pattern, relative.generic_string()))
      throw input::InputError(input::Diagnostic{
          "command line", option, "a name other than those of the files qtsim writes into " + option_,
          "\"" + file.string() + "\", which a run writes into " + option_ + " \"" + dir_.string() + "\"",
          "name it trace.json or trace.vcd, for instance"});
}

void OutputFolder::remove_previous_run() { remove_previous_except({}); }

void OutputFolder::remove_previous_except(const std::vector<std::string>& keep) {
  const std::string own_temporary = temporary_name("").string();  // ".tmp.PID"
  std::set<fs::path> subfolders;
  std::error_code ec;
  for (const std::string& pattern : previous_run_files_) {
    const fs::path rel(pattern);
    const fs::path folder = dir_ / rel.parent_path();
    if (rel.has_parent_path()) subfolders.insert(folder);
    for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
      const std::string name = it->path().filename().string();
      const std::string relative = (rel.parent_path() / name).string();
      if (!it->is_regular_file(ec) || !matches_file_pattern(rel.filename().string(), name)) continue;
      if (std::find(keep.begin(), keep.end(), relative) != keep.end() || name.ends_with(own_temporary)) continue;
      fs::remove(it->path(), ec);
    }
    ec.clear();
  }
  // Deepest first ("baseline/ideal-memory" before "baseline"); only if empty.
  for (auto it = subfolders.rbegin(); it != subfolders.rend(); ++it) fs::remove(*it, ec);
}

void OutputFolder::commit(const std::vector<OutputFile>& files, std::vector<StagedFile>* staged) {
  std::vector<StagedFile> mine;
  std::vector<fs::path> made_subfolders;
  std::vector<std::string> names;
  try {
    for (const OutputFile& f : files) {
      const fs::path target = dir_ / f.name;
      for (fs::path p = target.parent_path(); p != dir_ && !fs::exists(p); p = p.parent_path()) made_subfolders.push_back(p);
      fs::create_directories(target.parent_path());
      mine.emplace_back(write_temporary(target, f.contents), target);
      names.push_back(f.name);
    }
  } catch (const fs::filesystem_error& e) {
    mine.clear();
    if (staged) staged->clear();
    std::error_code ec;
    for (const fs::path& p : made_subfolders) fs::remove(p, ec);
    throw std::runtime_error("cannot create " + e.path1().string() + ": " + e.code().message());
  } catch (...) {
    mine.clear();  // removes the temporaries written so far
    if (staged) staged->clear();
    std::error_code ec;
    for (const fs::path& p : made_subfolders) fs::remove(p, ec);
    throw;
  }
  // The old marker goes first, the new one comes last.
  std::error_code ec;
  if (!files.empty()) fs::remove(dir_ / files.back().name, ec);
  remove_previous_except(names);
  std::vector<fs::path> placed;
  try {
    for (std::size_t i = 0; i + 1 < mine.size(); ++i) {
      mine[i].commit();
      placed.push_back(mine[i].target());
    }
    if (staged)
      for (StagedFile& s : *staged) {
        s.commit();
        placed.push_back(s.target());
      }
    if (!mine.empty()) mine.back().commit();
  } catch (...) {
    for (const fs::path& p : placed) fs::remove(p, ec);
    throw;
  }
}

}  // namespace qtsim::util
