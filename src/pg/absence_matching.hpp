// What an event is to absence rules (SPEC "Absence rules"): the adapter's half of
// the kind, beside the core's (core/absence.hpp). An event that matches a rule's
// anchor filter is an anchor of that rule (and not also its expected event); one
// that matches the expected filter is an expected event. With correlate_by the
// event's value of that property (as `properties ->> key` gives it) picks the
// deadline; an event without it is nothing to the rule. With deadline_property the
// anchor's time is that property read as a timestamptz (within the years 1 to
// 9999; without a zone, in the session's TimeZone); an anchor without a usable
// value arms nothing.
#pragma once
#include <optional>
#include <vector>

#include "core/absence.hpp"
#include "pg/rule_cache.hpp"

namespace ls::pg {

struct MatchedAbsence {
    size_t model_index = 0;
    core::AbsenceHit hit;
};

// Appends one hit per absence rule (in `only_model`, or in every model) for which
// an event of this type with these properties (detoasted jsonb) at occurred_at is
// an anchor or an expected event.
void match_absences(const EventTypeRules& type, const RuleCache& rules, Datum properties, core::Micros occurred_at,
                    std::optional<size_t> only_model, std::vector<MatchedAbsence>& out);

}  // namespace ls::pg
