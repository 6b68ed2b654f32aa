#include "chart_palette.hpp"

namespace qtsim::reports {

const char* series_colour(int i) {
  static const char* const kColours[kPaletteSize] = {"#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00",
                                                     "#F0E442", "#999999", "#004C7A", "#8A5F00", "#00664B", "#7A3E66"};
  return kColours[((i % kPaletteSize) + kPaletteSize) % kPaletteSize];
}

}  // namespace qtsim::reports
