// Absence rules (SPEC "Absence rules"): deadlines armed by an anchor event, settled
// by an expected event at or before them, and a penalty (or award) when one passes
// unsettled. The adapter matches the anchor and expected filters, reads the
// correlation value and the anchor's time; the core keeps the deadlines and works
// out what fires and what is taken back, for live scoring, maintenance and replay.
#pragma once
#include <string>
#include <vector>

#include "core/contact_state.hpp"
#include "core/ledger_change.hpp"

namespace ls::core {

// What one event is to one absence rule, for one correlation value.
struct AbsenceHit {
    const AbsenceRuleDef* rule = nullptr;
    std::string correlation;
    bool anchor = false;    // it matches the anchor filter and has a usable time
    Micros anchor_time = 0; // its deadline_property, or its occurred_at
    bool expected = false;  // it matches the expected filter (and is no anchor of the rule)
};

// Applies an event's hit: an anchor arms the deadline if none is armed; an
// expected event is remembered (the earliest) and, when it is in time for a
// deadline whose penalty already fired, takes the penalty back: appended to `out`
// as an Absence change without `at` (event_index set by the caller). Returns the
// change to the group's balance (0 when nothing was taken back).
Points apply_absence_hit(ContactState& state, const AbsenceHit& hit, int64_t event_id, Micros occurred_at,
                         size_t event_index, std::vector<LedgerChange>& out);

// Fires every pending deadline that time t has passed (deadline < t), in deadline
// order: the rule's points, a positive award cut by the group's cap like any award,
// one Absence change each with `at` = the deadline. Returns how many fired.
size_t fire_deadlines(const ModelDef& model, ContactState& state, Micros t, std::vector<LedgerChange>& out);

// The earliest time at which a pending deadline of one of the model's rules fires
// (its deadline + 1 µs). Deadlines of rules no longer in use never fire.
std::optional<Micros> next_deadline(const ModelDef& model, const ContactState& state);

}  // namespace ls::core
