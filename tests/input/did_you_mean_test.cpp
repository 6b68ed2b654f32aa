#include "sim/input/did_you_mean.hpp"

#include <gtest/gtest.h>

namespace qtsim::input {
namespace {

TEST(EditDistance, CountsInsertDeleteSubstituteAndSwap) {
  EXPECT_EQ(edit_distance("", ""), 0u);
  EXPECT_EQ(edit_distance("abc", ""), 3u);
  EXPECT_EQ(edit_distance("batchsize", "batch_size"), 1u);  // insertion
  EXPECT_EQ(edit_distance("batch_sizes", "batch_size"), 1u);  // deletion
  EXPECT_EQ(edit_distance("kernal", "kernel"), 1u);          // substitution
  EXPECT_EQ(edit_distance("lienar", "linear"), 1u);          // adjacent swap counts once
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
}

TEST(EditDistance, IgnoresCase) {
  EXPECT_EQ(edit_distance("Batch_Size", "batch_size"), 0u);
  EXPECT_EQ(edit_distance("CONV", "conv"), 0u);
}

TEST(DidYouMean, SuggestsTheClosestCandidate) {
  const std::vector<std::string> fields = {"batch_size", "epochs", "learning_rate", "momentum"};
  EXPECT_EQ(did_you_mean("batchsize", fields), "batch_size");
  EXPECT_EQ(did_you_mean("epoch", fields), "epochs");
  EXPECT_EQ(did_you_mean("Momentum", fields), "momentum");
  EXPECT_EQ(did_you_mean("learningrate", fields), "learning_rate");
  EXPECT_EQ(did_you_mean_hint("lienar", {"conv", "linear", "pool"}), "did you mean 'linear'?");
}

TEST(DidYouMean, StaysQuietWhenNothingIsClose) {
  const std::vector<std::string> fields = {"batch_size", "epochs"};
  EXPECT_EQ(did_you_mean("colour", fields), "");
  EXPECT_EQ(did_you_mean("", fields), "");
  EXPECT_EQ(did_you_mean("x", {"y"}), "");   // distance 1 but nothing kept
  EXPECT_EQ(did_you_mean("ab", {"cd"}), "");  // distance 2 <= 2, but a full rewrite is no typo
  EXPECT_EQ(did_you_mean("abc", {}), "");
  EXPECT_EQ(did_you_mean_hint("colour", fields), "");
}

TEST(DidYouMean, AllowsMoreEditsForLongerWords) {
  // max(2, length / 3): 3 edits allowed at 9 characters, not at 8.
  EXPECT_EQ(did_you_mean("abcdefxyz", {"abcdefghi"}), "abcdefghi");
  EXPECT_EQ(did_you_mean("abcdexyz", {"abcdeghi"}), "");
  EXPECT_EQ(did_you_mean("ab", {"ba"}), "ba");  // one swap
}

TEST(DidYouMean, TiesGoToTheEarlierCandidate) {
  EXPECT_EQ(did_you_mean("cat", {"bat", "hat"}), "bat");
  EXPECT_EQ(did_you_mean("cat", {"hat", "bat"}), "hat");
}

}  // namespace
}  // namespace qtsim::input
