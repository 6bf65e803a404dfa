// The tables users define scoring with, in one list: a change to any of them makes
// every backend's rule cache stale (pg/rule_cache.cpp watches them), and the SQL
// creates the `rules_changed` trigger on each of them from this same list
// (lead_scoring.rule_tables(), sql/parts/05_validation.sql). A new rule kind whose
// definitions live in a new table adds the table here.
#pragma once

namespace ls::pg {

inline constexpr const char* kRuleTables[] = {"models",           "point_groups",      "event_rules",
                                              "attribute_rules",  "thresholds",        "combination_rules",
                                              "combination_facts", "combination_tiers", "absence_rules",
                                              "predictive_features", "predictive_fits", "predictive_terms",
                                              "bands"};
inline constexpr int kRuleTableCount = sizeof(kRuleTables) / sizeof(kRuleTables[0]);

}  // namespace ls::pg
