#include "pg/recompute.hpp"

#include <algorithm>

#include "core/chunk_sizer.hpp"
#include "core/ledger_diff.hpp"
#include "core/maintenance.hpp"
#include "core/replay.hpp"
#include "core/scoring.hpp"
#include "pg/absence_store.hpp"
#include "pg/combination_store.hpp"
#include "pg/datum.hpp"
#include "pg/fit_scoring.hpp"
#include "pg/history_reader.hpp"
#include "pg/ledger_guard.hpp"
#include "pg/settings.hpp"
#include "pg/spi.hpp"
#include "pg/state_store.hpp"
#include "pg/window_store.hpp"

namespace ls::pg {

namespace {

constexpr int64_t kProgressEvery = 100000;  // contacts between two progress notices

// Deletes ledger rows by their tids. The append-only guard lets this backend
// through while the LedgerRewrite lives: recompute is the one writer allowed to
// replace rows, and only those it would not write identically. (0.1 switched
// session_replication_role, which also turned users' own triggers off.)
void delete_ledger_rows(const std::vector<ItemPointerData>& tids) {
    if (tids.empty()) return;
    static Statement del("DELETE FROM lead_scoring.ledger WHERE ctid OPERATOR(pg_catalog.=) ANY ($1)", {TIDARRAYOID});
    std::vector<Datum> values;
    values.reserve(tids.size());
    for (const auto& t : tids) values.push_back(PointerGetDatum(&t));
    Datum args[1] = {make_array(values, {}, TIDOID)};
    const LedgerRewrite rewrite;
    del.run(args, nullptr);
}

// What identifies a ledger row's content for recompute: rows with equal keys are
// the same entry. Rule, decay and expiry rows are kept whoever wrote them and when;
// an operator's entry is also its time and actor.
std::string ledger_key(int32_t group_id, const std::string& kind, core::Points delta, int64_t rule_id,
                       int64_t event_id, bool has_occurred_at, core::Micros occurred_at, const std::string& reason,
                       core::Micros created_at, const std::string& actor) {
    std::string key = std::to_string(group_id) + '|' + kind + '|' + std::to_string(delta.units()) + '|' +
                      std::to_string(rule_id) + '|' + std::to_string(event_id) + '|' +
                      (has_occurred_at ? std::to_string(occurred_at) : std::string("-")) + '|' + reason;
    if (kind == "manual" || kind == "reset") key += '|' + std::to_string(created_at) + '|' + actor;
    return key;
}

std::string key_of(const StoredLedgerRow& r) {
    return ledger_key(r.group_id, r.kind, r.delta, r.rule_id, r.event_id, r.has_occurred_at, r.occurred_at, r.reason,
                      r.created_at, r.actor);
}

std::string key_of(const LedgerRow& r) {
    return ledger_key(r.group_id, r.kind, r.delta, r.rule_id, r.event_id, r.has_occurred_at, r.occurred_at, r.reason,
                      r.created_at.value_or(0), r.actor);
}

// The operator entries (manual, reset) among the stored rows, in their order.
std::vector<StoredEntry> operator_entries(const std::vector<StoredLedgerRow>& rows) {
    std::vector<StoredEntry> out;
    for (const auto& r : rows) {
        if (r.kind != "manual" && r.kind != "reset") continue;
        StoredEntry e;
        e.contact_id = r.contact_id;
        e.replay.kind = r.kind == "reset" ? core::LedgerKind::Reset : core::LedgerKind::Manual;
        e.replay.at = r.created_at;
        e.replay.group_id = r.group_id;
        e.replay.delta = r.delta;
        e.reason = r.reason;
        e.actor = r.actor;
        e.has_occurred_at = r.has_occurred_at;
        e.occurred_at = r.occurred_at;
        out.push_back(std::move(e));
    }
    return out;
}

// The scores a score row holds now: recompute judges crossings against them and
// leaves a row alone when the rebuilt state gives exactly these.
struct StoredScores {
    int64_t contact_id = 0;
    core::Points total, fit_score, behavior_score;
    std::optional<core::Micros> due;
    core::ConversionFacts facts;
};

std::vector<StoredScores> read_stored_scores(int32_t model_id, const std::vector<int64_t>& contacts) {
    static Statement s(
        "SELECT contact_id, score::pg_catalog.text, fit_score::pg_catalog.text, behavior_score::pg_catalog.text,"
        "       maintenance_due_at, first_event_at, converted_at FROM lead_scoring.contact_scores"
        " WHERE model_id OPERATOR(pg_catalog.=) $1 AND contact_id OPERATOR(pg_catalog.=) ANY ($2) ORDER BY contact_id",
        {INT4OID, INT8ARRAYOID});
    Datum args[2] = {Int32GetDatum(model_id), int8_array(contacts)};
    const uint64 n = s.run(args, nullptr, false);
    std::vector<StoredScores> out;
    out.reserve(n);
    for (uint64 r = 0; r < n; ++r) {
        const ResultRow row(r);
        StoredScores x;
        x.contact_id = row.int64_value(1);
        x.total = core::Points::parse(row.text(2));
        x.fit_score = core::Points::parse(row.text(3));
        x.behavior_score = core::Points::parse(row.text(4));
        bool isnull;
        Datum due = row.value(5, &isnull);
        if (!isnull) x.due = DatumGetTimestampTz(due);
        Datum first = row.value(6, &isnull);
        if (!isnull) x.facts.first_event_at = DatumGetTimestampTz(first);
        Datum converted = row.value(7, &isnull);
        if (!isnull) x.facts.converted_at = DatumGetTimestampTz(converted);
        out.push_back(x);
    }
    return out;
}

struct ChunkResult {
    int64_t contacts = 0;
    int64_t events = 0;  // the chunk's events (for the next chunk's size)
    int64_t last = 0;
};

ChunkResult recompute_chunk(const RuleCache& rules, size_t mi, int64_t from, int64_t last, int64_t limit, core::Micros now,
                            Oid actor) {
    ChunkResult result;
    const core::ModelDef& model = rules.models[mi];
    const std::vector<ChunkContact> contacts = read_contacts(from, last, limit, false);
    if (contacts.empty()) return result;
    std::vector<int64_t> ids;
    ids.reserve(contacts.size());
    for (const auto& c : contacts) ids.push_back(c.contact_id);
    result.contacts = static_cast<int64_t>(ids.size());
    result.last = ids.back();

    // Lock first, then read with new snapshots: an event that committed while we
    // waited for a lock is read.
    std::vector<StoredState> states = lock_states(rules, ids, model.id);
    load_window_awards({model}, states, AwardHorizon::all());  // rebuilt whole: compared with all of them
    load_all_combination_sets({model}, states);
    load_absence_deadlines({model}, states, AwardHorizon::all());
    const std::vector<ChunkEvent> events =
        read_events(rules, mi, ids.front(), ids.back(), false, model.conversion_event_type);
    result.events = static_cast<int64_t>(events.size());
    const std::vector<StoredLedgerRow> stored = read_ledger(model.id, ids.front(), ids.back());
    const std::vector<StoredEntry> entries = operator_entries(stored);
    const std::vector<StoredScores> scores = read_stored_scores(model.id, ids);
    const std::vector<ContactFitHistory> fit_histories = read_fit_history(rules, mi, ids.front(), ids.back(), false);
    size_t hi = 0;

    std::vector<LedgerRow> ledger;  // rows to insert
    std::vector<ItemPointerData> obsolete;  // stored rows to delete
    std::vector<AlertRow> alerts;
    size_t ci = 0, ei = 0, ni = 0, si = 0, pi = 0;
    std::vector<core::ReplayEvent> contact_events;
    std::vector<core::ReplayEntry> contact_entries;
    std::vector<const StoredEntry*> entry_sources;
    for (auto& st : states) {
        while (contacts[ci].contact_id != st.contact_id) ++ci;  // both sorted by contact
        while (ei < events.size() && events[ei].contact_id < st.contact_id) ++ei;
        while (ni < entries.size() && entries[ni].contact_id < st.contact_id) ++ni;
        contact_events.clear();
        core::ConversionFacts facts;  // from every event of the contact
        for (; ei < events.size() && events[ei].contact_id == st.contact_id; ++ei) {
            contact_events.push_back(events[ei].replay);
            facts.see(events[ei].replay.occurred_at, events[ei].is_conversion);
        }
        contact_entries.clear();
        entry_sources.clear();
        for (; ni < entries.size() && entries[ni].contact_id == st.contact_id; ++ni) {
            if (!model.group(entries[ni].replay.group_id)) continue;  // a group deleted since
            contact_entries.push_back(entries[ni].replay);
            entry_sources.push_back(&entries[ni]);
        }

        while (pi < scores.size() && scores[pi].contact_id < st.contact_id) ++pi;
        const StoredScores* now_stored =
            pi < scores.size() && scores[pi].contact_id == st.contact_id && !st.is_new ? &scores[pi] : nullptr;
        core::Snapshot before =
            st.is_new ? core::Snapshot::zero(model) : core::ContactScorer(model, st.state, false).current();
        if (now_stored) {  // what the row says, also when a clamp changed since it was written
            before.total = now_stored->total;
            before.fit_score = now_stored->fit_score;
            before.behavior_score = now_stored->behavior_score;
        }
        core::ContactState rebuilt;
        core::ContactScorer scorer(model, rebuilt, true);
        try {
            // The attributes of each moment (the contact's history), or without a
            // history its current ones throughout.
            const ContactFitHistory* fits = fit_history_of(fit_histories, hi, st.contact_id);
            scorer.on_fit(fits ? fits->first : evaluate_fit(rules, mi, contacts[ci].attributes));
            // Everything is replayed, events dated in the future too (live scoring
            // took them), and what is due by now is applied at the end.
            core::Micros until = now;
            for (const auto& e : contact_events) until = std::max(until, e.occurred_at);
            for (const auto& e : contact_entries) until = std::max(until, e.at);
            if (fits)
                for (const auto& f : fits->later) until = std::max(until, f.at);
            static const std::vector<core::ReplayFit> no_fits;
            core::replay_history(scorer, contact_events, contact_entries, until, std::nullopt,
                                 fits ? fits->later : no_fits);
        } catch (const core::PointsError& e) {
            throw points_error(e, "recompute of contact " + std::to_string(st.contact_id) + " in model \"" +
                                      model.name + "\"");
        }
        std::vector<LedgerRow> rebuilt_rows;
        for (const auto& change : scorer.ledger()) {
            LedgerRow row = ledger_row(model.id, st.contact_id, change);
            if (core::caused_by_event(change)) {
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
            rebuilt_rows.push_back(std::move(row));
        }
        // Only what differs from the stored rows is written.
        while (si < stored.size() && stored[si].contact_id < st.contact_id) ++si;
        const size_t stored_begin = si;
        std::vector<std::string> old_keys, new_keys;
        for (; si < stored.size() && stored[si].contact_id == st.contact_id; ++si) old_keys.push_back(key_of(stored[si]));
        for (const auto& row : rebuilt_rows) new_keys.push_back(key_of(row));
        const core::LedgerDiff diff = core::diff_rows(old_keys, new_keys);
        for (size_t i : diff.delete_old) obsolete.push_back(stored[stored_begin + i].tid);
        for (size_t i : diff.insert_new) ledger.push_back(std::move(rebuilt_rows[i]));
        std::vector<core::AlertIntent> crossings;
        core::collect_crossings(model, before, scorer.current(), std::nullopt, crossings);
        for (const auto& a : crossings) alerts.push_back(AlertRow{a.threshold->id, model.id, st.contact_id, a.score, 0});
        // The predictive counts and attribute part count the same events and
        // attributes whatever the rules: carried over.
        rebuilt.predictive = st.state.predictive;
        // A row whose state, scores and due time come out exactly as stored is not written.
        const core::Snapshot& after = scorer.current();
        const bool unchanged = now_stored && core::same_state(st.state, rebuilt) && after.total == now_stored->total &&
                               after.fit_score == now_stored->fit_score &&
                               after.behavior_score == now_stored->behavior_score &&
                               core::next_due(model, rebuilt) == now_stored->due &&
                               facts == now_stored->facts &&
                               // (sets of combination rules no longer in use were read
                               // but are not held: writing the row deletes them)
                               st.loaded_combinations.size() == st.state.combinations.size() &&
                               st.loaded_absences.size() == st.state.absences.size();
        st.state = std::move(rebuilt);
        st.facts = facts;
        st.facts_exact = true;
        if (!unchanged) st.finish(model, after);
    }
    delete_ledger_rows(obsolete);
    append_ledger(ledger, actor);
    write_states(states);
    write_alerts(alerts);
    return result;
}

}  // namespace

int64_t recompute_model(const RuleCache& rules, const std::string& model_name, RecomputeRange range, Oid actor) {
    const size_t mi = model_index(rules, model_name);
    const core::Micros now = call([]() -> TimestampTz { return GetCurrentTransactionStartTimestamp(); });
    int64_t done = 0;
    int64_t from = range.first;
    core::ChunkSizer sizer(history_chunk_events);
    while (from <= range.last) {
        call([] { CHECK_FOR_INTERRUPTS(); });
        // One SPI connection per chunk: finishing it frees everything the chunk read.
        connect();
        const int64_t limit = sizer.contacts();
        const ChunkResult chunk = recompute_chunk(rules, mi, from, range.last, limit, now, actor);
        finish();
        sizer.done(chunk.contacts, chunk.events);
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
        if (chunk.contacts < limit || chunk.last == INT64_MAX) break;
        from = chunk.last + 1;
    }
    return done;
}

}  // namespace ls::pg
