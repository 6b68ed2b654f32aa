#pragma once
// Number and text formatting shared by every report renderer. Deterministic:
// the same number always gives the same characters (fmt's shortest/fixed
// algorithms, no locale), so regenerated reports are byte-identical.
#include <string>
#include <string_view>

namespace qtsim::reports {

// `digits` significant digits, plain notation for 1e-3 <= |v| < 1e9 ("12.35",
// "0.004512", "1.234e+10"); "0" for zero, "n/a" for NaN or infinity.
std::string sig(double v, int digits = 4);

// Fixed decimals ("12.3"); "n/a" for NaN or infinity.
std::string fixed(double v, int decimals);

// A ratio as "12.3x" (3 significant digits), "n/a" when undefined.
std::string times(double ratio);

// A fraction as a percentage with one decimal: 0.1234 -> "12.3%".
std::string percent(double fraction);

// Energy in pJ with an SI unit chosen by magnitude: "12.3 nJ", "4.56 mJ".
std::string energy_si(double pj);
// Power in mW: "123 mW", "1.23 W".
std::string power_si(double mw);
// Time in seconds: "12.3 ms", "45.6 us".
std::string time_si(double seconds);
// Area in um2 as mm2: "4.72 mm2".
std::string area_mm2(double um2);

// A unit for a chart axis: values are divided by `factor` and labelled `unit`.
struct AxisScale {
  double factor = 1;
  std::string unit;
};
AxisScale energy_scale(double max_pj);   // pJ, nJ, uJ, mJ, J
AxisScale time_scale(double max_s);      // ns, us, ms, s
AxisScale power_scale(double max_mw);    // uW, mW, W

// Escaping for the three text formats.
std::string xml_escape(std::string_view s);          // & < > " '
std::string csv_cell(std::string_view s);            // quoted when it holds , " or a line break
std::string markdown_cell(std::string_view s);       // | and line breaks escaped

// A ratio a / b, NaN when b is 0 or either is not finite.
double ratio(double a, double b);

}  // namespace qtsim::reports
