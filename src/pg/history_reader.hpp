// Reading the history of a range of contacts for one model, a chunk at a time:
// their attributes, their events (with the rules of the model each one is awarded
// by) and the operators' manual and reset entries of the ledger. recompute and
// evaluate replay it (core/replay.hpp). Everything read lives in the current SPI
// connection's memory: callers connect and finish once per chunk.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/replay.hpp"
#include "pg/rule_cache.hpp"

namespace ls::pg {

struct ChunkContact {
    int64_t contact_id = 0;
    Datum attributes = 0;  // detoasted copy
    core::Micros created_at = 0;
};

struct ChunkEvent {
    int64_t contact_id = 0;
    bool is_conversion = false;  // of the type the caller asked about
    core::ReplayEvent replay;
    // The predictive features that count the event (train's observer fills it).
    std::vector<uint32_t> feature_hits;
};

// Sees each event as read_events reads it: its type and its detoasted properties
// (in a memory context reset after the event).
using EventObserver = std::function<void(ChunkEvent& event, const std::string& event_type, Datum properties)>;

// One operator entry of the ledger (manual or reset), with what it takes to write
// it again.
struct StoredEntry {
    int64_t contact_id = 0;
    core::ReplayEntry replay;
    std::string reason;
    std::string actor;
    bool has_occurred_at = false;
    core::Micros occurred_at = 0;
    int64_t entry_id = 0;  // orders entries made at the same time
};

// `read_only`: read with the caller's snapshot (evaluate). recompute passes false:
// each read then takes a new snapshot, and so sees the events that committed while
// it waited for the score rows' locks (the caller's snapshot predates the wait).

// Up to `limit` contacts with first <= contact_id <= last, in contact order.
std::vector<ChunkContact> read_contacts(int64_t first, int64_t last, int64_t limit, bool read_only);

// The events of the contacts in [first, last], by contact and then in replay order
// (occurred_at, event_id), each with the rules of the model (its index in the cache)
// that award it; is_conversion marks the events of `conversion_type`.
std::vector<ChunkEvent> read_events(const RuleCache& rules, size_t model_index, int64_t first, int64_t last,
                                    bool read_only, const std::optional<std::string>& conversion_type = std::nullopt,
                                    const EventObserver* observe = nullptr);

// A stored ledger row of the model, with where it is (recompute keeps the rows it
// would write identically and deletes the others by their tid).
struct StoredLedgerRow {
    int64_t contact_id = 0;
    ItemPointerData tid{};
    int32_t group_id = 0;
    std::string kind;
    core::Points delta;
    int64_t rule_id = 0;   // 0: null
    int64_t event_id = 0;  // 0: null
    bool has_occurred_at = false;
    core::Micros occurred_at = 0;
    std::string reason;
    std::string actor;
    core::Micros created_at = 0;
    int64_t entry_id = 0;
};

// Every ledger row of the model for the contacts in [first, last], by contact,
// oldest first (created_at, entry_id), read with a new snapshot.
std::vector<StoredLedgerRow> read_ledger(int32_t model_id, int64_t first, int64_t last);

// The model's manual and reset entries of the contacts in [first, last], by contact,
// oldest first.
std::vector<StoredEntry> read_entries(int32_t model_id, int64_t first, int64_t last, bool read_only);

// A contact's attribute history (lead_scoring.contact_attribute_history) as the fits
// it gave in one model: the first change's fit, which holds from the start, and
// the later changes at their times, oldest first.
struct ContactFitHistory {
    int64_t contact_id = 0;
    core::FitResult first;
    std::vector<core::ReplayFit> later;
    // Every change, oldest first: its time and its attributes (detoasted).
    std::vector<std::pair<core::Micros, Datum>> changes;
};
// Of the contacts in [first, last] that have a history, by contact. (A contact
// without one, loaded by hand with the triggers off, is fitted with its current
// attributes by the caller.)
std::vector<ContactFitHistory> read_fit_history(const RuleCache& rules, size_t model_index, int64_t first,
                                                int64_t last, bool read_only);
// The history of `contact_id` in `histories` (sorted by contact, scanned from
// `pos` on, which it advances), or null.
const ContactFitHistory* fit_history_of(const std::vector<ContactFitHistory>& histories, size_t& pos,
                                        int64_t contact_id);


}  // namespace ls::pg
