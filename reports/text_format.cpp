#include "text_format.hpp"

#include <cmath>
#include <limits>

#include <fmt/format.h>

namespace qtsim::reports {

std::string sig(double v, int digits) {
  if (!std::isfinite(v)) return "n/a";
  if (v == 0) return "0";
  const double a = std::fabs(v);
  if (a >= 1e-3 && a < 1e9) {
    const int magnitude = static_cast<int>(std::floor(std::log10(a)));
    const int decimals = std::max(0, digits - 1 - magnitude);
    std::string s = fmt::format("{:.{}f}", v, decimals);
    if (s.find('.') != std::string::npos) {  // drop trailing zeros
      while (s.back() == '0') s.pop_back();
      if (s.back() == '.') s.pop_back();
    }
    return s == "-0" ? "0" : s;
  }
  return fmt::format("{:.{}e}", v, std::max(0, digits - 1));
}

std::string fixed(double v, int decimals) {
  if (!std::isfinite(v)) return "n/a";
  std::string s = fmt::format("{:.{}f}", v, decimals);
  if (s.size() > 1 && s[0] == '-' && s.find_first_not_of("-0.") == std::string::npos) s.erase(0, 1);  // "-0.0"
  return s;
}

std::string times(double r) { return std::isfinite(r) ? sig(r, 3) + "x" : "n/a"; }

std::string percent(double f) { return std::isfinite(f) ? fixed(100.0 * f, 1) + "%" : "n/a"; }

namespace {

std::string scaled(double v, const char* const units[], const double factors[], int n) {
  if (!std::isfinite(v)) return "n/a";
  const double a = std::fabs(v);
  int i = 0;
  while (i + 1 < n && a >= factors[i + 1]) ++i;
  return sig(v / factors[i], 3) + " " + units[i];
}

}  // namespace

std::string energy_si(double pj) {
  static const char* const u[] = {"pJ", "nJ", "uJ", "mJ", "J"};
  static const double f[] = {1, 1e3, 1e6, 1e9, 1e12};
  return scaled(pj, u, f, 5);
}

std::string power_si(double mw) {
  static const char* const u[] = {"uW", "mW", "W"};
  static const double f[] = {1e-3, 1, 1e3};
  return scaled(mw, u, f, 3);
}

std::string time_si(double s) {
  static const char* const u[] = {"ns", "us", "ms", "s"};
  static const double f[] = {1e-9, 1e-6, 1e-3, 1};
  return scaled(s, u, f, 4);
}

std::string area_mm2(double um2) { return sig(um2 * 1e-6, 3) + " mm2"; }

namespace {

AxisScale pick(double v, const char* const units[], const double factors[], int n) {
  int i = 0;
  while (i + 1 < n && std::isfinite(v) && std::fabs(v) >= factors[i + 1]) ++i;
  return {factors[i], units[i]};
}

}  // namespace

AxisScale energy_scale(double max_pj) {
  static const char* const u[] = {"pJ", "nJ", "uJ", "mJ", "J"};
  static const double f[] = {1, 1e3, 1e6, 1e9, 1e12};
  return pick(max_pj, u, f, 5);
}

AxisScale time_scale(double max_s) {
  static const char* const u[] = {"ns", "us", "ms", "s"};
  static const double f[] = {1e-9, 1e-6, 1e-3, 1};
  return pick(max_s, u, f, 4);
}

AxisScale power_scale(double max_mw) {
  static const char* const u[] = {"uW", "mW", "W"};
  static const double f[] = {1e-3, 1, 1e3};
  return pick(max_mw, u, f, 3);
}

std::string xml_escape(std::string_view s) {
  std::string o;
  o.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': o += "&amp;"; break;
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '"': o += "&quot;"; break;
      case '\'': o += "&#39;"; break;
      default: o += c;
    }
  }
  return o;
}

std::string csv_cell(std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(s);
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

std::string markdown_cell(std::string_view s) {
  std::string o;
  for (char c : s) {
    if (c == '|') o += "\\|";
    else if (c == '\n' || c == '\r') o += ' ';
    else o += c;
  }
  return o;
}

double ratio(double a, double b) {
  if (!std::isfinite(a) || !std::isfinite(b) || b == 0) return std::numeric_limits<double>::quiet_NaN();
  return a / b;
}

}  // namespace qtsim::reports
