#include "core/evaluation.hpp"

#include <algorithm>
#include <cstdint>

namespace ls::core {

namespace {

template <typename T>
std::optional<double> auc_of(std::vector<T> converted, std::vector<T> others) {
    if (converted.empty() || others.empty()) return std::nullopt;
    std::sort(converted.begin(), converted.end());
    std::sort(others.begin(), others.end());
    // Twice the number of (converted, other) pairs the converted one wins, a tie
    // counting one: integers, so that the result is exact up to the division.
    uint64_t twice_wins = 0;
    size_t below = 0, up_to = 0;  // others < x, others <= x
    for (const T x : converted) {
        while (below < others.size() && others[below] < x) ++below;
        if (up_to < below) up_to = below;
        while (up_to < others.size() && !(x < others[up_to])) ++up_to;
        twice_wins += 2 * below + (up_to - below);
    }
    return static_cast<double>(twice_wins) /
           (2.0 * static_cast<double>(converted.size()) * static_cast<double>(others.size()));
}

}  // namespace

std::optional<double> auc(std::vector<Points> converted, std::vector<Points> others) {
    return auc_of(std::move(converted), std::move(others));
}

std::optional<double> auc(std::vector<double> converted, std::vector<double> others) {
    return auc_of(std::move(converted), std::move(others));
}

}  // namespace ls::core
