#include "pg/history_reader.hpp"

#include "pg/absence_matching.hpp"
#include "pg/combination_matching.hpp"
#include "pg/fit_scoring.hpp"

#include <algorithm>
#include <tuple>

#include "pg/datum.hpp"
#include "pg/spi.hpp"

namespace ls::pg {

namespace {

// Makes a memory context current for a scope and restores the previous one on the
// way out, by return or by exception.
class MemoryContextScope {
public:
    explicit MemoryContextScope(MemoryContext context) : previous_(MemoryContextSwitchTo(context)) {}
    ~MemoryContextScope() { MemoryContextSwitchTo(previous_); }
    MemoryContextScope(const MemoryContextScope&) = delete;
    MemoryContextScope& operator=(const MemoryContextScope&) = delete;

private:
    MemoryContext previous_;
};

}  // namespace

std::vector<ChunkContact> read_contacts(int64_t first, int64_t last, int64_t limit, bool read_only) {
    static Statement s(
        "SELECT contact_id, attributes, created_at FROM lead_scoring.contacts"
        " WHERE contact_id OPERATOR(pg_catalog.>=) $1 AND contact_id OPERATOR(pg_catalog.<=) $2"
        " ORDER BY contact_id LIMIT $3",
        {INT8OID, INT8OID, INT8OID});
    Datum args[3] = {Int64GetDatum(first), Int64GetDatum(last), Int64GetDatum(limit)};
    const uint64 n = s.run(args, nullptr, read_only);
    std::vector<ChunkContact> out;
    out.reserve(n);
    for (uint64 r = 0; r < n; ++r) {
        const ResultRow row(r);
        bool isnull;
        Datum attrs = row.value(2, &isnull);
        out.push_back(ChunkContact{row.int64_value(1),
                                   call([&]() -> Datum { return PointerGetDatum(PG_DETOAST_DATUM_COPY(attrs)); }),
                                   DatumGetTimestampTz(row.value(3, &isnull))});
    }
    return out;
}

std::vector<ChunkEvent> read_events(const RuleCache& rules, size_t model_index, int64_t first, int64_t last,
                                    bool read_only, const std::optional<std::string>& conversion_type,
                                    const EventObserver* observe) {
    static Statement s(
        "SELECT event_id, contact_id, event_type, occurred_at, properties FROM lead_scoring.events"
        " WHERE contact_id OPERATOR(pg_catalog.>=) $1 AND contact_id OPERATOR(pg_catalog.<=) $2",
        {INT8OID, INT8OID});
    Datum args[2] = {Int64GetDatum(first), Int64GetDatum(last)};
    const uint64 n = s.run(args, nullptr, read_only);
    MemoryContext per_event = call([]() -> MemoryContext {
        return AllocSetContextCreate(CurrentMemoryContext, "lead_scoring recompute matching", ALLOCSET_DEFAULT_SIZES);
    });
    std::vector<ChunkEvent> out;
    out.reserve(n);
    std::vector<MatchedCombination> matched;
    std::vector<MatchedAbsence> absences;
    for (uint64 r = 0; r < n; ++r) {
        const ResultRow row(r);
        ChunkEvent ev;
        ev.contact_id = row.int64_value(2);
        ev.replay.event_id = row.int64_value(1);
        bool isnull;
        ev.replay.occurred_at = DatumGetTimestampTz(row.value(4, &isnull));
        const std::string event_type = row.text(3);
        ev.is_conversion = conversion_type && event_type == *conversion_type;
        if (observe) {
            Datum raw = row.value(5, &isnull);
            {
                const MemoryContextScope scope(per_event);
                const Datum properties = call([&]() -> Datum { return PointerGetDatum(PG_DETOAST_DATUM(raw)); });
                (*observe)(ev, event_type, properties);
            }
            MemoryContextReset(per_event);
        }
        if (const EventTypeRules* type = rules.rules_for(event_type)) {
            Datum raw = row.value(5, &isnull);
            {
                // Matching allocates in per_event; the scope switches back even when
                // it throws (the error's data then stays in per_event, which is only
                // freed on success).
                const MemoryContextScope scope(per_event);
                Datum properties = call([&]() -> Datum { return PointerGetDatum(PG_DETOAST_DATUM(raw)); });
                type->choose(properties, model_index,
                             [&](const CompiledEventRule& rule) { ev.replay.rules.push_back(&rule.def); });
                if (!type->absences.empty()) {
                    absences.clear();
                    match_absences(*type, rules, properties, ev.replay.occurred_at, model_index, absences);
                    for (auto& m : absences) ev.replay.absences.push_back(std::move(m.hit));
                }
                if (!type->facts.empty()) {
                    matched.clear();
                    match_combinations(*type, rules, properties, model_index, matched);
                    for (auto& m : matched) ev.replay.combinations.push_back(std::move(m.hit));
                }
            }
            MemoryContextReset(per_event);
        }
        out.push_back(std::move(ev));
    }
    MemoryContextDelete(per_event);
    // Ordered here rather than by the query: an SQL sort copies every tuple (with its
    // properties) and more than doubled the read. The keys are sorted, then each
    // event moved once: an event carries vectors, and a sort moves it many times.
    struct Key {
        int64_t contact_id;
        core::Micros occurred_at;
        int64_t event_id;
        size_t index;
    };
    std::vector<Key> keys;
    keys.reserve(out.size());
    for (size_t i = 0; i < out.size(); ++i)
        keys.push_back(Key{out[i].contact_id, out[i].replay.occurred_at, out[i].replay.event_id, i});
    std::sort(keys.begin(), keys.end(), [](const Key& a, const Key& b) {
        return std::tie(a.contact_id, a.occurred_at, a.event_id) < std::tie(b.contact_id, b.occurred_at, b.event_id);
    });
    std::vector<ChunkEvent> sorted;
    sorted.reserve(out.size());
    for (const Key& k : keys) sorted.push_back(std::move(out[k.index]));
    return sorted;
}

std::vector<StoredEntry> read_entries(int32_t model_id, int64_t first, int64_t last, bool read_only) {
    static Statement s(
        "SELECT contact_id, group_id, delta::pg_catalog.text, kind, created_at, reason, actor, occurred_at, entry_id"
        "  FROM lead_scoring.ledger"
        " WHERE contact_id OPERATOR(pg_catalog.>=) $2 AND contact_id OPERATOR(pg_catalog.<=) $3"
        "   AND model_id OPERATOR(pg_catalog.=) $1 AND kind OPERATOR(pg_catalog.=) ANY ('{manual,reset}')",
        {INT4OID, INT8OID, INT8OID});
    Datum args[3] = {Int32GetDatum(model_id), Int64GetDatum(first), Int64GetDatum(last)};
    const uint64 n = s.run(args, nullptr, read_only);
    std::vector<StoredEntry> out;
    out.reserve(n);
    for (uint64 r = 0; r < n; ++r) {
        const ResultRow row(r);
        StoredEntry e;
        e.contact_id = row.int64_value(1);
        e.replay.group_id = row.int32_value(2);
        e.replay.delta = core::Points::parse(row.text(3));
        e.replay.kind = row.text(4) == "reset" ? core::LedgerKind::Reset : core::LedgerKind::Manual;
        bool isnull;
        e.replay.at = DatumGetTimestampTz(row.value(5, &isnull));
        e.reason = row.text(6);
        e.actor = row.text(7);
        Datum occurred = row.value(8, &isnull);
        e.has_occurred_at = !isnull;
        if (!isnull) e.occurred_at = DatumGetTimestampTz(occurred);
        e.entry_id = row.int64_value(9);
        out.push_back(std::move(e));
    }
    std::sort(out.begin(), out.end(), [](const StoredEntry& a, const StoredEntry& b) {
        return std::tie(a.contact_id, a.replay.at, a.entry_id) < std::tie(b.contact_id, b.replay.at, b.entry_id);
    });
    return out;
}

std::vector<StoredLedgerRow> read_ledger(int32_t model_id, int64_t first, int64_t last) {
    static Statement s(
        "SELECT contact_id, ctid, group_id, kind, delta::pg_catalog.text, rule_id, event_id, occurred_at, reason,"
        "       actor, created_at, entry_id"
        "  FROM lead_scoring.ledger"
        " WHERE contact_id OPERATOR(pg_catalog.>=) $2 AND contact_id OPERATOR(pg_catalog.<=) $3"
        "   AND model_id OPERATOR(pg_catalog.=) $1",
        {INT4OID, INT8OID, INT8OID});
    Datum args[3] = {Int32GetDatum(model_id), Int64GetDatum(first), Int64GetDatum(last)};
    const uint64 n = s.run(args, nullptr, false);
    std::vector<StoredLedgerRow> out;
    out.reserve(n);
    for (uint64 r = 0; r < n; ++r) {
        const ResultRow in(r);
        StoredLedgerRow row;
        bool isnull;
        row.contact_id = in.int64_value(1);
        row.tid = *reinterpret_cast<ItemPointer>(DatumGetPointer(in.value(2, &isnull)));  // tid is by reference
        row.group_id = in.int32_value(3);
        row.kind = in.text(4);
        row.delta = core::Points::parse(in.text(5));
        row.rule_id = in.int64_value(6);
        row.event_id = in.int64_value(7);
        Datum occurred = in.value(8, &isnull);
        row.has_occurred_at = !isnull;
        if (!isnull) row.occurred_at = DatumGetTimestampTz(occurred);
        row.reason = in.text(9);
        row.actor = in.text(10);
        row.created_at = DatumGetTimestampTz(in.value(11, &isnull));
        row.entry_id = in.int64_value(12);
        out.push_back(std::move(row));
    }
    std::sort(out.begin(), out.end(), [](const StoredLedgerRow& a, const StoredLedgerRow& b) {
        return std::tie(a.contact_id, a.created_at, a.entry_id) < std::tie(b.contact_id, b.created_at, b.entry_id);
    });
    return out;
}

std::vector<ContactFitHistory> read_fit_history(const RuleCache& rules, size_t model_index, int64_t first,
                                                int64_t last, bool read_only) {
    static Statement s(
        "SELECT contact_id, changed_at, attributes FROM lead_scoring.contact_attribute_history"
        " WHERE contact_id OPERATOR(pg_catalog.>=) $1 AND contact_id OPERATOR(pg_catalog.<=) $2"
        " ORDER BY contact_id, changed_at, change_id",
        {INT8OID, INT8OID});
    Datum args[2] = {Int64GetDatum(first), Int64GetDatum(last)};
    const uint64 n = s.run(args, nullptr, read_only);
    std::vector<ContactFitHistory> out;
    for (uint64 r = 0; r < n; ++r) {
        const ResultRow row(r);
        bool isnull;
        const int64_t contact = row.int64_value(1);
        const Datum raw = row.value(3, &isnull);
        const Datum attributes = call([&]() -> Datum { return PointerGetDatum(PG_DETOAST_DATUM(raw)); });
        core::FitResult fit = evaluate_fit(rules, model_index, attributes);
        const core::Micros changed_at = DatumGetTimestampTz(row.value(2, &isnull));
        if (out.empty() || out.back().contact_id != contact) {
            out.push_back(ContactFitHistory{contact, std::move(fit), {}, {}});
        } else {
            out.back().later.push_back(core::ReplayFit{changed_at, std::move(fit)});
        }
        out.back().changes.emplace_back(changed_at, attributes);
    }
    return out;
}

const ContactFitHistory* fit_history_of(const std::vector<ContactFitHistory>& histories, size_t& pos,
                                        int64_t contact_id) {
    while (pos < histories.size() && histories[pos].contact_id < contact_id) ++pos;
    return pos < histories.size() && histories[pos].contact_id == contact_id ? &histories[pos] : nullptr;
}

}  // namespace ls::pg
