// One change of a behavioural balance, as the core reports it to be written to
// the ledger.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>

#include "core/model.hpp"

namespace ls::core {

enum class LedgerKind { Rule, Manual, Reset, Decay, Expiry, Combination, Absence };

// Every ledger kind, in one list: its `kind` text, and whether its rule_id names an
// event rule (explain shows that rule's name). The ledger's CHECK constraint and
// explain read this list through lead_scoring.ledger_kinds(); a new kind is added
// here (and to the enum) and nowhere else.
struct LedgerKindInfo {
    LedgerKind kind;
    const char* name;
    bool names_event_rule;
};
inline constexpr LedgerKindInfo kLedgerKinds[] = {
    {LedgerKind::Rule, "rule", true},      {LedgerKind::Manual, "manual", false}, {LedgerKind::Decay, "decay", false},
    {LedgerKind::Expiry, "expiry", true},  {LedgerKind::Reset, "reset", false},
    // rule_id names a combination rule (explain looks it up there).
    {LedgerKind::Combination, "combination", false},
    // rule_id names an absence rule; a penalty is dated by its deadline (no event),
    // its taking back by the expected event.
    {LedgerKind::Absence, "absence", false},
};

struct LedgerChange;
// Whether an event caused the change (its ledger row names the event): rule and
// combination awards, and an absence penalty taken back.
bool caused_by_event(const LedgerChange& change);

// The ledger's `kind` text.
const char* kind_name(LedgerKind kind);

struct LedgerChange {
    LedgerKind kind = LedgerKind::Rule;
    int32_t group_id = 0;
    Points delta;
    int64_t rule_id = 0;        // 0: none. Rule, Combination: the rule; Expiry: the rule of the expired award
    size_t event_index = 0;     // Rule, Combination: the caller's index of the event that caused it; Manual, Reset: of the request
    int64_t event_id = 0;       // Expiry: the event of the expired award (0: none)
    std::optional<Micros> at;   // Decay: when the last step fell due; Expiry: when the award expired; Absence: the deadline of a penalty
    int64_t steps = 0;          // Decay: how many steps this change applied
};

inline bool caused_by_event(const LedgerChange& change) {
    return change.kind == LedgerKind::Rule || change.kind == LedgerKind::Combination ||
           (change.kind == LedgerKind::Absence && !change.at);
}

}  // namespace ls::core
