#include "html_page.hpp"

#include "text_format.hpp"

namespace qtsim::reports {

namespace {

const char* const kStyle =
    "body{font-family:'DejaVu Sans',Arial,Helvetica,sans-serif;margin:24px auto;max-width:1080px;padding:0 16px;"
    "color:#111;background:#fff;line-height:1.4}"
    "h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.25em;border-bottom:1px solid #ccc;padding-bottom:2px;margin-top:1.6em}"
    "nav ol{columns:2;font-size:.95em}"
    "table{border-collapse:collapse;margin:8px 0 16px;font-size:.9em}"
    "caption{text-align:left;font-weight:bold;padding:4px 0}"
    "th,td{border:1px solid #ccc;padding:3px 8px;vertical-align:top}"
    "thead th{background:#f0f0f0}tbody th{font-weight:normal;text-align:left}"
    ".num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}"
    "figure{margin:12px 0 20px}figcaption{font-size:.9em;color:#333;max-width:760px}"
    "svg.chart{max-width:100%;height:auto;border:1px solid #e0e0e0}"
    "code{background:#f4f4f4;padding:0 3px}"
    ".note{color:#333;font-size:.92em}";

}  // namespace

void HtmlPage::section(const std::string& id, const std::string& heading) {
  if (open_) body_ += "</section>\n";
  body_ += "<section id=\"" + xml_escape(id) + "\"><h2>" + xml_escape(heading) + "</h2>\n";
  toc_.push_back({id, heading});
  open_ = true;
}

void HtmlPage::paragraph(const std::string& text) { body_ += "<p>" + xml_escape(text) + "</p>\n"; }

void HtmlPage::raw(const std::string& html) { body_ += html; }

void HtmlPage::figure(const std::string& svg, const std::string& caption) {
  body_ += "<figure>" + svg + "<figcaption>" + xml_escape(caption) + "</figcaption></figure>\n";
}

void HtmlPage::list(const std::vector<std::string>& items) {
  body_ += "<ul>";
  for (const auto& i : items) body_ += "<li>" + xml_escape(i) + "</li>";
  body_ += "</ul>\n";
}

std::string HtmlPage::str() const {
  std::string s = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" +
                  xml_escape(title_) + "</title>\n<style>" + kStyle + "</style>\n</head>\n<body>\n<h1>" + xml_escape(title_) +
                  "</h1>\n";
  if (!toc_.empty()) {
    s += "<nav aria-label=\"contents\"><ol>";
    for (const auto& [id, h] : toc_) s += "<li><a href=\"#" + xml_escape(id) + "\">" + xml_escape(h) + "</a></li>";
    s += "</ol></nav>\n";
  }
  s += body_;
  if (open_) s += "</section>\n";
  return s + "</body>\n</html>\n";
}

}  // namespace qtsim::reports
