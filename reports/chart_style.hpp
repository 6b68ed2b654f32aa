#pragma once
// What every SVG chart shares: the colours (the Okabe-Ito colour-blind-safe
// palette, then darker variants of it), the width of label text, and the
// opening of the <svg> element with its title and description for screen readers.
#include <string>

namespace qtsim::reports {

constexpr int kPaletteSize = 12;

// Colour of series `i` ("#0072B2"), cycling after kPaletteSize.
const char* series_colour(int i);

constexpr double kCharWidth = 7.2;  // 12 px DejaVu Sans (the widest of the listed fonts), average

// Width in px of `s` at 12 px.
int text_width(const std::string& s);

// <svg ...> with role="img", the fonts, and <title>/<desc> (ids ID-t, ID-d), escaped.
std::string svg_open(const std::string& id, int width, int height, const std::string& title, const std::string& description);

}  // namespace qtsim::reports
