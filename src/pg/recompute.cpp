#include "pg/recompute.hpp"

#include <algorithm>

#include "core/replay.hpp"
#include "core/scoring.hpp"
#include "pg/datum.hpp"
#include "pg/fit_scoring.hpp"
#include "pg/history_reader.hpp"
#include "pg/spi.hpp"
#include "pg/state_store.hpp"

namespace ls::pg {

namespace {

constexpr int64_t kChunkContacts = 1000;
constexpr int64_t kProgressEvery = 100000;  // contacts between two progress notices

// Deletes the model's ledger rows of the contacts: recompute writes them all again.
// The append-only guard (an ordinary trigger) is off for this one statement only.
void delete_ledger(int32_t model_id, const std::vector<int64_t>& contacts) {
    static Statement role("SELECT pg_catalog.set_config('session_replication_role', $1, true)", {TEXTOID});
    static Statement del(
        "DELETE FROM lead_scoring.ledger"
        " WHERE contact_id OPERATOR(pg_catalog.=) ANY ($2) AND model_id OPERATOR(pg_catalog.=) $1",
        {INT4OID, INT8ARRAYOID});
    const std::string previous =
        call([]() -> const char* { return GetConfigOption("session_replication_role", false, false); });
    Datum replica[1] = {call([]() -> Datum { return PointerGetDatum(cstring_to_text("replica")); })};
    role.run(replica, nullptr);
    Datum args[2] = {Int32GetDatum(model_id), int8_array(contacts)};
    del.run(args, nullptr);
    const char* prev = previous.c_str();
    Datum restore[1] = {call([&]() -> Datum { return PointerGetDatum(cstring_to_text(prev)); })};
    role.run(restore, nullptr);
}

struct ChunkResult {
    int64_t contacts = 0;
    int64_t last = 0;
};

ChunkResult recompute_chunk(const RuleCache& rules, size_t mi, int64_t from, int64_t last, core::Micros now,
                            Oid actor) {
    ChunkResult result;
    const core::ModelDef& model = rules.models[mi];
    const std::vector<ChunkContact> contacts = read_contacts(from, last, kChunkContacts, false);
    if (contacts.empty()) return result;
    std::vector<int64_t> ids;
    ids.reserve(contacts.size());
    for (const auto& c : contacts) ids.push_back(c.contact_id);
    result.contacts = static_cast<int64_t>(ids.size());
    result.last = ids.back();

    // Lock first, then read with new snapshots: an event that committed while we
    // waited for a lock is read.
    std::vector<StoredState> states = lock_states(rules, ids, model.id);
    const std::vector<ChunkEvent> events = read_events(rules, mi, ids.front(), ids.back(), false);
    const std::vector<StoredEntry> entries = read_entries(model.id, ids.front(), ids.back(), false);

    std::vector<LedgerRow> ledger;
    std::vector<AlertRow> alerts;
    size_t ci = 0, ei = 0, ni = 0;
    std::vector<core::ReplayEvent> contact_events;
    std::vector<core::ReplayEntry> contact_entries;
    std::vector<const StoredEntry*> entry_sources;
    for (auto& st : states) {
        while (contacts[ci].contact_id != st.contact_id) ++ci;  // both sorted by contact
        while (ei < events.size() && events[ei].contact_id < st.contact_id) ++ei;
        while (ni < entries.size() && entries[ni].contact_id < st.contact_id) ++ni;
        contact_events.clear();
        for (; ei < events.size() && events[ei].contact_id == st.contact_id; ++ei)
            contact_events.push_back(events[ei].replay);
        contact_entries.clear();
        entry_sources.clear();
        for (; ni < entries.size() && entries[ni].contact_id == st.contact_id; ++ni) {
            if (!model.group(entries[ni].replay.group_id)) continue;  // a group deleted since
            contact_entries.push_back(entries[ni].replay);
            entry_sources.push_back(&entries[ni]);
        }

        const core::Snapshot before =
            st.is_new ? core::Snapshot::zero(model) : core::ContactScorer(model, st.state, false).current();
        core::ContactState rebuilt;
        core::ContactScorer scorer(model, rebuilt, true);
        try {
            scorer.on_fit(evaluate_fit(rules, mi, contacts[ci].attributes));
            // Everything is replayed, events dated in the future too (live scoring
            // took them), and what is due by now is applied at the end.
            core::Micros until = now;
            for (const auto& e : contact_events) until = std::max(until, e.occurred_at);
            for (const auto& e : contact_entries) until = std::max(until, e.at);
            core::replay_history(scorer, contact_events, contact_entries, until);
        } catch (const core::PointsError& e) {
            throw points_error(e, "recompute of contact " + std::to_string(st.contact_id) + " in model \"" +
                                      model.name + "\"");
        }
        for (const auto& change : scorer.ledger()) {
            LedgerRow row = ledger_row(model.id, st.contact_id, change);
            if (change.kind == core::LedgerKind::Rule) {
                const core::ReplayEvent& ev = contact_events[change.event_index];
                row.event_id = ev.event_id;
                row.occurred_at = ev.occurred_at;
                row.has_occurred_at = true;
            } else if (change.kind == core::LedgerKind::Manual || change.kind == core::LedgerKind::Reset) {
                const StoredEntry& source = *entry_sources[change.event_index];
                row.reason = source.reason;
                row.actor = source.actor;
                row.created_at = source.replay.at;
                row.has_occurred_at = source.has_occurred_at;
                row.occurred_at = source.occurred_at;
            }
            ledger.push_back(std::move(row));
        }
        std::vector<core::AlertIntent> crossings;
        core::collect_crossings(model, before, scorer.current(), std::nullopt, crossings);
        for (const auto& a : crossings) alerts.push_back(AlertRow{a.threshold->id, model.id, st.contact_id, a.score, 0});
        st.state = std::move(rebuilt);
        st.finish(model, scorer.current());
    }
    delete_ledger(model.id, ids);
    append_ledger(ledger, actor);
    write_states(states);
    write_alerts(alerts);
    return result;
}

}  // namespace

int64_t recompute_model(const RuleCache& rules, const std::string& model_name, RecomputeRange range, Oid actor) {
    const size_t mi = model_index_of(rules, model_name, "recompute");
    const core::Micros now = call([]() -> TimestampTz { return GetCurrentTransactionStartTimestamp(); });
    int64_t done = 0;
    int64_t from = range.first;
    while (from <= range.last) {
        call([] { CHECK_FOR_INTERRUPTS(); });
        // One SPI connection per chunk: finishing it frees everything the chunk read.
        connect();
        const ChunkResult chunk = recompute_chunk(rules, mi, from, range.last, now, actor);
        finish();
        if (chunk.contacts == 0) break;
        if ((done + chunk.contacts) / kProgressEvery != done / kProgressEvery) {
            const int64_t so_far = done + chunk.contacts;
            const int64_t last_id = chunk.last;
            const char* name = model_name.c_str();
            call([&] {
                ereport(NOTICE, (errmsg("recompute of model \"%s\": %lld contacts rebuilt, up to contact %lld", name,
                                        static_cast<long long>(so_far), static_cast<long long>(last_id))));
            });
        }
        done += chunk.contacts;
        if (chunk.contacts < kChunkContacts || chunk.last == INT64_MAX) break;
        from = chunk.last + 1;
    }
    return done;
}

}  // namespace ls::pg
