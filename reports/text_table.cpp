#include "text_table.hpp"

#include <algorithm>

#include "text_format.hpp"

namespace qtsim::reports {

namespace {

bool right_aligned(const TextTable& t, std::size_t c) { return c < t.right.size() && t.right[c]; }

std::size_t columns(const TextTable& t) {
  std::size_t n = t.header.size();
  for (const auto& r : t.rows) n = std::max(n, r.size());
  return n;
}

std::string cell(const std::vector<std::string>& row, std::size_t c) { return c < row.size() ? row[c] : std::string(); }

// Display width: UTF-8 continuation bytes take no column.
std::size_t width(const std::string& s) {
  std::size_t w = 0;
  for (unsigned char ch : s)
    if ((ch & 0xC0) != 0x80) ++w;
  return w;
}

}  // namespace

std::string to_markdown(const TextTable& t) {
  const std::size_t n = columns(t);
  std::string s = "|";
  for (std::size_t c = 0; c < n; ++c) s += " " + markdown_cell(cell(t.header, c)) + " |";
  s += "\n|";
  for (std::size_t c = 0; c < n; ++c) s += right_aligned(t, c) ? "---:|" : "---|";
  s += "\n";
  for (const auto& r : t.rows) {
    s += "|";
    for (std::size_t c = 0; c < n; ++c) s += " " + markdown_cell(cell(r, c)) + " |";
    s += "\n";
  }
  return s;
}

std::string to_html(const TextTable& t) {
  const std::size_t n = columns(t);
  std::string s = "<table>";
  if (!t.caption.empty()) s += "<caption>" + xml_escape(t.caption) + "</caption>";
  s += "<thead><tr>";
  for (std::size_t c = 0; c < n; ++c)
    s += std::string(right_aligned(t, c) ? "<th class=\"num\" scope=\"col\">" : "<th scope=\"col\">") +
         xml_escape(cell(t.header, c)) + "</th>";
  s += "</tr></thead><tbody>\n";
  for (const auto& r : t.rows) {
    s += "<tr>";
    for (std::size_t c = 0; c < n; ++c) {
      if (c == 0) s += "<th scope=\"row\">" + xml_escape(cell(r, c)) + "</th>";
      else s += std::string(right_aligned(t, c) ? "<td class=\"num\">" : "<td>") + xml_escape(cell(r, c)) + "</td>";
    }
    s += "</tr>\n";
  }
  return s + "</tbody></table>\n";
}

std::string to_text(const TextTable& t) {
  const std::size_t n = columns(t);
  std::vector<std::size_t> w(n, 0);
  for (std::size_t c = 0; c < n; ++c) {
    w[c] = width(cell(t.header, c));
    for (const auto& r : t.rows) w[c] = std::max(w[c], width(cell(r, c)));
  }
  auto line = [&](const std::vector<std::string>& r) {
    std::string s;
    for (std::size_t c = 0; c < n; ++c) {
      const std::string v = cell(r, c);
      const std::string pad(w[c] - width(v), ' ');
      if (c) s += "  ";
      s += right_aligned(t, c) ? pad + v : (c + 1 == n ? v : v + pad);
    }
    while (!s.empty() && s.back() == ' ') s.pop_back();
    return s + "\n";
  };
  std::string s;
  if (!t.caption.empty()) s += t.caption + "\n";
  s += line(t.header);
  std::size_t total = 0;
  for (std::size_t c = 0; c < n; ++c) total += w[c] + (c ? 2 : 0);
  s += std::string(total, '-') + "\n";
  for (const auto& r : t.rows) s += line(r);
  return s;
}

}  // namespace qtsim::reports
