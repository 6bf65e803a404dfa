// Predictive scoring's fit (SPEC "Predictive scoring"): train() judges every
// contact that existed at as_of as evaluate does (converted by then: its features
// just before its first conversion; else as of as_of; nothing after as_of read),
// extracts its features (pg/predictive_features.hpp), keeps the raw rows in a
// tuplestore (work_mem, then disk: memory does not grow with the contacts), fits the
// logistic regression (core/logistic.hpp), stores the fit and refreshes every
// contact's conversion_probability.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "core/predictive.hpp"
#include "pg/rule_cache.hpp"

namespace ls::pg {

struct TrainedTerm {
    std::string term;
    double coefficient = 0, std_error = 0;
};

std::vector<TrainedTerm> train_model(const RuleCache& rules, const std::string& model, core::Micros as_of, double l2);

// On Citus, train() on the coordinator gathers these from every shard
// (lead_scoring.training_rows_in_shard) and fits them as one node fits its own: each
// contact of this placement that existed at as_of, in contact order, with its label
// (1: converted by as_of), its rule score at its moment (units) and its raw
// feature row (core::encode_raw_row).
void training_rows(const RuleCache& rules, const std::string& model, core::Micros as_of,
                   const std::function<void(int64_t contact_id, double label, double rule_score,
                                            const std::string& raw_row)>& out);

// train()'s last step: every contact's conversion_probability (and its predictive
// counts) under the model's stored fit, here (on Citus: in one shard). Returns how
// many rows it wrote.
int64_t refresh_probabilities(const std::string& model);

// One term's part of a contact's current log-odds (explain_prediction): the term,
// the value the regression saw before standardising, and coefficient x column.
struct Contribution {
    std::string term;
    double value = 0, contribution = 0;
};
// The contributions for the contact's current events and attributes under the
// model's stored fit, the intercept's included; they add up to the log-odds.
std::vector<Contribution> explain_prediction(const RuleCache& rules, const std::string& model, int64_t contact_id);

}  // namespace ls::pg
