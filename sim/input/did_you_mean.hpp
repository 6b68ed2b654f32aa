#pragma once
// "did you mean 'batch_size'?" suggestions for misspelled names.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace qtsim::input {

// Optimal-string-alignment form of the Damerau–Levenshtein distance (insert,
// delete, substitute, swap two adjacent characters), ignoring ASCII case.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `word`, if it is close enough to be a plausible
// typo: distance <= max(2, word length / 3), and something of both strings is
// kept (distance below both lengths, so "ab" never suggests "cd"). Ties go to
// the earlier candidate. Empty string when none qualifies.
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

// "did you mean 'x'?" for did_you_mean(word, candidates), or "" when none.
std::string did_you_mean_hint(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace qtsim::input
