#pragma once
// The folder a run writes its outputs into (--out, --dump). It holds the files
// of one run only:
//  - it is opened before any work starts: created if missing and checked
//    writable (exit 2 naming the option otherwise, output_path.hpp), then
//    locked for the whole run (flock on the folder itself), so a second run
//    into the same folder is refused with a clear message;
//  - commit() writes the whole new set under temporary names first (on any
//    write error it removes them: nothing of the new set remains), then
//    removes the previous run's files, the set's marker first, and renames the
//    new set into place with its marker -- the last file -- last. So whenever
//    the marker (stats.json, train_log.json, ...) is there, exactly its own
//    run's files are beside it;
//  - a run that ends without writing anything removes the folders it created.
#include <filesystem>
#include <string>
#include <vector>

#include "sim/util/staged_file.hpp"

namespace qtsim::util {

struct OutputFile {
  std::string name;      // relative to the folder; may name a subfolder: "checkpoint/checkpoint.bin"
  std::string contents;
};

class OutputFolder {
 public:
  // `option` names the folder in messages ("--out"). `previous_run_files`:
  // the names of files an earlier run may have left here that must not stay
  // beside this run's ("report.json", "step_*.bin"; '*' matches any characters).
  OutputFolder(std::filesystem::path dir, std::string option, std::vector<std::string> previous_run_files);
  ~OutputFolder();
  OutputFolder(const OutputFolder&) = delete;
  OutputFolder& operator=(const OutputFolder&) = delete;

  const std::filesystem::path& path() const { return dir_; }

  // Commits `files` (the last one is the set's marker) together with `staged`
  // files written elsewhere (a trace). Throws std::runtime_error naming the
  // file that could not be written; nothing of the new set remains then.
  void commit(const std::vector<OutputFile>& files, std::vector<StagedFile>* staged = nullptr);

  // A file given by another option (--trace) may be written into this folder,
  // but not under a name of qtsim's own files, which a run replaces or
  // removes: input::InputError naming `option` then.
  void refuse_run_file_name(const std::filesystem::path& file, const std::string& option) const;

  // For a folder filled as the run goes (dumps): removes the previous run's files now.
  void remove_previous_run();

 private:
  void remove_previous_except(const std::vector<std::string>& keep);

  std::filesystem::path dir_;
  std::string option_;
  std::vector<std::string> previous_run_files_;
  std::vector<std::filesystem::path> created_;  // folders this run created, deepest first
  int lock_fd_ = -1;
};

// `name` matches `pattern`, in which '*' stands for any characters.
bool matches_file_pattern(const std::string& pattern, const std::string& name);

}  // namespace qtsim::util
