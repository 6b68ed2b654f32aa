#pragma once
// Pareto fronts of two objectives: the points no other point beats in both.
#include <cstddef>
#include <utility>
#include <vector>

namespace qtsim::reports {

// Indices of the non-dominated points of `xy`, ordered by x from best to worst.
// Smaller is better unless `maximize_x` / `maximize_y`. A point dominates
// another when it is at least as good in both coordinates and better in one;
// identical points are both on the front. Points with a NaN or infinite
// coordinate are never on it.
std::vector<std::size_t> pareto_front(const std::vector<std::pair<double, double>>& xy, bool maximize_x, bool maximize_y);

}  // namespace qtsim::reports
