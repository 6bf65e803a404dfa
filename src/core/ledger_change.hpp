// One change of a behavioural balance, as the core reports it to be written to
// the ledger.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>

#include "core/model.hpp"

namespace ls::core {

enum class LedgerKind { Rule, Manual, Reset, Decay, Expiry, Combination };

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
};

// Whether changes of this kind are caused by an event (the ledger row names it).
inline bool caused_by_event(LedgerKind kind) { return kind == LedgerKind::Rule || kind == LedgerKind::Combination; }

// The ledger's `kind` text.
const char* kind_name(LedgerKind kind);

struct LedgerChange {
    LedgerKind kind = LedgerKind::Rule;
    int32_t group_id = 0;
    Points delta;
    int64_t rule_id = 0;        // 0: none. Rule, Combination: the rule; Expiry: the rule of the expired award
    size_t event_index = 0;     // Rule, Combination: the caller's index of the event that caused it; Manual, Reset: of the request
    int64_t event_id = 0;       // Expiry: the event of the expired award (0: none)
    std::optional<Micros> at;   // Decay: when the last step fell due; Expiry: when the award expired
    int64_t steps = 0;          // Decay: how many steps this change applied
};

}  // namespace ls::core
