#pragma once
// A complete output file waiting under a temporary name to be renamed into
// place together with the rest of its run's outputs (OutputFolder::commit).
// If it is never committed (an error, an interrupted run that writes nothing)
// the temporary is removed.
#include <filesystem>

namespace qtsim::util {

class StagedFile {
 public:
  StagedFile(std::filesystem::path temporary, std::filesystem::path target)
      : temporary_(std::move(temporary)), target_(std::move(target)) {}
  ~StagedFile() { discard(); }
  StagedFile(StagedFile&& other) noexcept : temporary_(std::move(other.temporary_)), target_(std::move(other.target_)) {
    other.temporary_.clear();
  }
  StagedFile& operator=(StagedFile&&) = delete;
  StagedFile(const StagedFile&) = delete;
  StagedFile& operator=(const StagedFile&) = delete;

  const std::filesystem::path& target() const { return target_; }
  // Renames the temporary onto the target; throws std::runtime_error naming it.
  void commit();
  // Removes the temporary (nothing when already committed or discarded).
  void discard();

 private:
  std::filesystem::path temporary_;  // empty once committed or discarded
  std::filesystem::path target_;
};

}  // namespace qtsim::util
