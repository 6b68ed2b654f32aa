#include "chart_style.hpp"

#include <cmath>

#include <fmt/format.h>

#include "text_format.hpp"

namespace qtsim::reports {

const char* series_colour(int i) {
  static const char* const kColours[kPaletteSize] = {"#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00",
                                                     "#F0E442", "#999999", "#004C7A", "#8A5F00", "#00664B", "#7A3E66"};
  return kColours[((i % kPaletteSize) + kPaletteSize) % kPaletteSize];
}

int text_width(const std::string& s) { return static_cast<int>(std::ceil(static_cast<double>(s.size()) * kCharWidth)); }

std::string svg_open(const std::string& id, int width, int height, const std::string& title, const std::string& description) {
  return fmt::format(
             "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" "
             "role=\"img\" aria-labelledby=\"{2}-t {2}-d\" font-family=\"DejaVu Sans, Arial, Helvetica, sans-serif\" "
             "font-size=\"12\">",
             width, height, id) +
         fmt::format("<title id=\"{}-t\">{}</title><desc id=\"{}-d\">{}</desc>", id, xml_escape(title), id,
                     xml_escape(description));
}

}  // namespace qtsim::reports
