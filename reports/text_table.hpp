#pragma once
// One table, rendered three ways: Markdown (report.md), HTML (report.html)
// and fixed-width plain text (the headline printed on stdout). Cells are
// plain text; renderers escape them.
#include <string>
#include <vector>

namespace qtsim::reports {

struct TextTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<bool> right;  // per column: right-aligned (numbers); default left
  std::string caption;      // HTML caption / plain-text title ("" for none)

  void add(std::vector<std::string> row) { rows.push_back(std::move(row)); }
};

std::string to_markdown(const TextTable& t);
std::string to_html(const TextTable& t);
std::string to_text(const TextTable& t);  // columns padded with spaces, a rule under the header

}  // namespace qtsim::reports
