#pragma once
// Checks of rendered report text shared by the report tests.
//
// fills_by_name: the colours an SVG page draws its bars in: for every bar segment, the unit
// (or phase, or part) its tooltip names and its fill. A tooltip reads
// "ROW, SERIES: VALUE" (stacked bars) or "ROW: VALUE" (one series); the name
// is the text after the last ", " before ": ".
#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <regex>
#include <set>
#include <string>

namespace qtsim::test {

inline std::map<std::string, std::set<std::string>> fills_by_name(const std::string& page) {
  std::map<std::string, std::set<std::string>> out;
  static const std::regex segment("<rect [^>]*fill=\"([^\"]+)\"[^>]*><title>([^<]*)</title>");
  for (auto it = std::sregex_iterator(page.begin(), page.end(), segment); it != std::sregex_iterator(); ++it) {
    std::string text = (*it)[2];
    text = text.substr(0, text.rfind(": "));
    const std::size_t comma = text.rfind(", ");
    out[comma == std::string::npos ? text : text.substr(comma + 2)].insert((*it)[1]);
  }
  return out;
}

// The largest |percentage| printed in a text ("12.5%", "-50.0%").
inline double largest_percentage(const std::string& text) {
  double largest = 0;
  for (std::size_t at = text.find('%'); at != std::string::npos; at = text.find('%', at + 1)) {
    std::size_t begin = at;
    while (begin > 0 && (std::isdigit(static_cast<unsigned char>(text[begin - 1])) || text[begin - 1] == '.')) --begin;
    if (begin < at && std::isdigit(static_cast<unsigned char>(text[begin])))
      largest = std::max(largest, std::fabs(std::stod(text.substr(begin, at - begin))));
  }
  return largest;
}

}  // namespace qtsim::test
