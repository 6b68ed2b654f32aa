#include "pareto.hpp"

#include <algorithm>
#include <cmath>

namespace qtsim::reports {

std::vector<std::size_t> pareto_front(const std::vector<std::pair<double, double>>& xy, bool maximize_x, bool maximize_y) {
  // Work on "smaller is better" copies.
  auto x = [&](std::size_t i) { return maximize_x ? -xy[i].first : xy[i].first; };
  auto y = [&](std::size_t i) { return maximize_y ? -xy[i].second : xy[i].second; };
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < xy.size(); ++i)
    if (std::isfinite(xy[i].first) && std::isfinite(xy[i].second)) order.push_back(i);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return x(a) != x(b) ? x(a) < x(b) : y(a) < y(b);
  });
  std::vector<std::size_t> front;
  for (std::size_t i : order) {
    // Sorted by x, then y: a point is dominated unless its y beats every earlier
    // one's, or it equals the last front point exactly.
    const bool better = front.empty() || y(i) < y(front.back());
    const bool same = !front.empty() && x(i) == x(front.back()) && y(i) == y(front.back());
    if (better || same) front.push_back(i);
  }
  return front;
}

}  // namespace qtsim::reports
