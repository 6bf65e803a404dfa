// Whether a model's score ranks converting contacts first (evaluate, band_report).
#pragma once
#include <optional>
#include <vector>

#include "core/points.hpp"

namespace ls::core {

// The area under the ROC curve: the probability that a random converted contact
// has a higher score than a random other one, ties counting one half (the
// Mann-Whitney statistic). None when either side has no contact.
std::optional<double> auc(std::vector<Points> converted, std::vector<Points> others);
// The same for probabilities (predictive scoring).
std::optional<double> auc(std::vector<double> converted, std::vector<double> others);

}  // namespace ls::core
