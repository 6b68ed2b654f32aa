#pragma once
// How often a text occurs in another (overlapping occurrences counted), for
// tests that check generated reports and charts.
#include <cstddef>
#include <string>

namespace qtsim::test {

inline std::size_t count(const std::string& s, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + 1)) ++n;
  return n;
}

}  // namespace qtsim::test
