#pragma once
// The files qtsim's verbs write into an output folder. A folder holds one
// run's files: a run removes whatever files of these names an earlier run left
// there (anything else in the folder belongs to the user and stays).
#include <string>
#include <vector>

#include "sim/util/output_folder.hpp"

namespace qtsim::cli {

// Every name a verb writes into its --out or --dump folder ('*' matches any
// characters), and the temporaries a killed run may have left of each.
const std::vector<std::string>& files_of_any_run();

// Moves the file named `marker` to the end: OutputFolder::commit renames the
// last file last, so its presence means the whole set is there.
void put_marker_last(std::vector<util::OutputFile>& files, const std::string& marker);

}  // namespace qtsim::cli
