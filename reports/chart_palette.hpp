#pragma once
// The colours of every chart: the Okabe-Ito colour-blind-safe palette, then
// darker variants of it.
namespace qtsim::reports {

constexpr int kPaletteSize = 12;

// Colour of series `i` ("#0072B2"), cycling after kPaletteSize.
const char* series_colour(int i);

}  // namespace qtsim::reports
