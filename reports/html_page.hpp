#pragma once
// A self-contained HTML page: inline CSS, no scripts, no external fonts,
// images or links to fetch, so it opens offline and prints cleanly. Sections
// are appended in order; a table of contents is generated from them.
#include <string>
#include <vector>

namespace qtsim::reports {

class HtmlPage {
 public:
  explicit HtmlPage(std::string title) : title_(std::move(title)) {}
  // Starts a section with an <h2> (its id is derived from `id`).
  void section(const std::string& id, const std::string& heading);
  void paragraph(const std::string& text);        // escaped
  void raw(const std::string& html);              // trusted markup (tables, SVG)
  void figure(const std::string& svg, const std::string& caption);
  void list(const std::vector<std::string>& items);  // escaped
  std::string str() const;

 private:
  std::string title_;
  std::vector<std::pair<std::string, std::string>> toc_;  // id, heading
  std::string body_;
  bool open_ = false;
};

}  // namespace qtsim::reports
