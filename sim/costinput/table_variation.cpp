#include "table_variation.hpp"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <optional>

#include <fmt/format.h>

#include "models/cost/figure_limits.hpp"
#include "sim/costinput/tech_table_loader.hpp"
#include "sim/input/diagnostic.hpp"
#include "sim/input/did_you_mean.hpp"

namespace qtsim::cost {

using input::Diagnostic;
using input::InputError;

namespace {

TableNumber find_number(TechTable& t, const std::string& path) {
  std::vector<TableNumber> numbers = table_numbers(t);
  for (const TableNumber& n : numbers)
    if (n.path == path) return n;
  std::vector<std::string> paths;
  for (const TableNumber& n : numbers) paths.push_back(n.path);
  throw InputError(Diagnostic{"command line", "",
                              fmt::format("a figure of technology table {} such as fp32.div.energy_pj, "
                                          "sram.leakage_factor or dram.LPDDR4.energy_pj_per_bit",
                                          t.file),
                              fmt::format("\"{}\"", path), input::did_you_mean_hint(path, paths)});
}

std::optional<double> parse_double(std::string_view text) {
  const std::string s(text);
  if (s.empty() || std::isspace(static_cast<unsigned char>(s.front()))) return std::nullopt;
  errno = 0;
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size() || errno == ERANGE || !std::isfinite(v)) return std::nullopt;
  return v;
}

Diagnostic bad_option(std::string_view text, const std::string& expected) {
  return {"command line", "", expected, fmt::format("\"{}\"", text), ""};
}

// A value for a --vary path inside the range of its kind of number (paths of
// no known kind are left to find_number's did-you-mean).
void check_variation_value(std::string_view path, double value, std::string_view text) {
  const FigureRange range = range_of_path(path);
  if (range.high < range.low || range.contains(value)) return;
  throw InputError(bad_option(text, range.describe() + " for " + std::string(path)));
}

}  // namespace

Variation parse_variation(std::string_view text) {
  const std::size_t eq = text.find('=');
  const std::string expected = "PATH=VALUE, e.g. fp32.div.energy_pj=40";
  if (eq == std::string_view::npos || eq == 0) throw InputError(bad_option(text, expected));
  const auto v = parse_double(text.substr(eq + 1));
  if (!v) throw InputError(bad_option(text, expected + " (VALUE a finite number)"));
  check_variation_value(text.substr(0, eq), *v, text);
  return {std::string(text.substr(0, eq)), *v};
}

VariationRange parse_variation_range(std::string_view text) {
  const std::size_t eq = text.find('=');
  const std::string expected = "PATH=LOW:HIGH, e.g. fp32.sqrt.energy_pj=20:80";
  if (eq == std::string_view::npos || eq == 0) throw InputError(bad_option(text, expected));
  const std::string_view range = text.substr(eq + 1);
  const std::size_t colon = range.find(':');
  if (colon == std::string_view::npos) throw InputError(bad_option(text, expected));
  const auto lo = parse_double(range.substr(0, colon)), hi = parse_double(range.substr(colon + 1));
  if (!lo || !hi) throw InputError(bad_option(text, expected + " (LOW and HIGH finite numbers)"));
  if (*lo > *hi) throw InputError(bad_option(text, expected + " with LOW <= HIGH"));
  check_variation_value(text.substr(0, eq), *lo, text);
  check_variation_value(text.substr(0, eq), *hi, text);
  return {std::string(text.substr(0, eq)), *lo, *hi};
}

double variable_value(const TechTable& table, const std::string& path) {
  return *find_number(const_cast<TechTable&>(table), path).value;
}

std::string apply_variation(TechTable& table, const Variation& variation) {
  find_number(table, variation.path);  // an unknown path is an error with a hint
  check_variation_value(variation.path, variation.value, fmt::format("{}={:g}", variation.path, variation.value));
  const std::string change = *set_number(table, variation.path, variation.value);
  // A composition using the varied figure may now leave its range.
  try {
    check_table_ranges(table, table.file);
  } catch (const InputError& e) {
    std::vector<Diagnostic> ds = e.diagnostics();
    for (Diagnostic& d : ds) d.hint = "after the variation " + change;
    throw InputError(ds);
  }
  return change;
}

std::string apply_variation(TechTable& table, std::string_view text) {
  return apply_variation(table, parse_variation(text));
}

}  // namespace qtsim::cost
