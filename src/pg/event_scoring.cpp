#include "pg/event_scoring.hpp"

#include <algorithm>
#include <numeric>
#include <optional>
#include <string>
#include <unordered_map>

#include "core/scoring.hpp"
#include "pg/absence_matching.hpp"
#include "pg/absence_store.hpp"
#include "pg/combination_matching.hpp"
#include "pg/combination_store.hpp"
#include "pg/datum.hpp"
#include "pg/rule_cache.hpp"
#include "pg/settings.hpp"
#include "pg/spi.hpp"
#include "pg/state_preparation.hpp"
#include "pg/state_store.hpp"
#include "pg/window_store.hpp"
#include "pg/transition_table.hpp"

namespace ls::pg {

namespace {


struct MatchedEvent {
    int64_t event_id = 0;
    int64_t contact_id = 0;
    core::Micros occurred_at = 0;
    uint32_t rules_begin = 0, rules_end = 0;            // into Batch::rules
    uint32_t thresholds_begin = 0, thresholds_end = 0;  // into Batch::thresholds
    uint32_t combinations_begin = 0, combinations_end = 0;  // into Batch::combinations
    uint32_t absences_begin = 0, absences_end = 0;          // into Batch::absences
    uint32_t counts_begin = 0, counts_end = 0;              // into Batch::predictive_counts
    uint32_t type_index = 0;                            // its event type, numbered by Batch::type_of
};

struct Batch {
    std::vector<MatchedEvent> events;
    std::vector<const CompiledEventRule*> rules;  // the chosen rule of each (model, group)
    std::vector<const CompiledEventThreshold*> thresholds;
    std::vector<MatchedCombination> combinations;  // the facts of combination rules shown
    std::vector<MatchedAbsence> absences;          // anchors and expected events of absence rules
    std::vector<const CompiledPredictiveCount*> predictive_counts;  // features of predictive fits matched
    // The chunk's event types, numbered (a model's conversion type is compared by
    // number, once per model and chunk).
    std::unordered_map<std::string, uint32_t> type_index;

    uint32_t type_of(const std::string& event_type) {
        return type_index.emplace(event_type, static_cast<uint32_t>(type_index.size())).first->second;
    }
    // The number of `event_type` in the chunk, if an event has it.
    std::optional<uint32_t> find_type(const std::optional<std::string>& event_type) const {
        if (!event_type) return std::nullopt;
        auto it = type_index.find(*event_type);
        return it == type_index.end() ? std::nullopt : std::optional<uint32_t>(it->second);
    }
};

// Matches one event's properties against the rules, thresholds and combination
// facts of its type.
void match_event(const RuleCache& rules, const EventTypeRules& type, Datum properties, Batch& batch,
                 MatchedEvent& ev) {
    ev.rules_begin = static_cast<uint32_t>(batch.rules.size());
    type.choose(properties, std::nullopt, [&](const CompiledEventRule& rule) { batch.rules.push_back(&rule); });
    ev.rules_end = static_cast<uint32_t>(batch.rules.size());
    ev.thresholds_begin = static_cast<uint32_t>(batch.thresholds.size());
    for (const CompiledEventThreshold& t : type.thresholds)
        if (t.filter.holds_for(properties)) batch.thresholds.push_back(&t);
    ev.thresholds_end = static_cast<uint32_t>(batch.thresholds.size());
    ev.combinations_begin = static_cast<uint32_t>(batch.combinations.size());
    if (!type.facts.empty()) match_combinations(type, rules, properties, std::nullopt, batch.combinations);
    ev.combinations_end = static_cast<uint32_t>(batch.combinations.size());
    ev.absences_begin = static_cast<uint32_t>(batch.absences.size());
    if (!type.absences.empty())
        match_absences(type, rules, properties, ev.occurred_at, std::nullopt, batch.absences);
    ev.absences_end = static_cast<uint32_t>(batch.absences.size());
    ev.counts_begin = static_cast<uint32_t>(batch.predictive_counts.size());
    for (const CompiledPredictiveCount& c : type.predictive_counts)
        if (c.filter->holds_for(properties)) batch.predictive_counts.push_back(&c);
    ev.counts_end = static_cast<uint32_t>(batch.predictive_counts.size());
}

// The absence deadlines the chunk's events touch, to be read before scoring.
std::vector<CorrelationKey> absence_keys(const RuleCache& rules, const Batch& batch) {
    std::vector<CorrelationKey> keys;
    for (const auto& ev : batch.events)
        for (uint32_t a = ev.absences_begin; a < ev.absences_end; ++a) {
            const MatchedAbsence& m = batch.absences[a];
            keys.push_back(CorrelationKey{ev.contact_id, rules.models[m.model_index].id, m.hit.rule->id,
                                          m.hit.correlation});
        }
    return keys;
}

// The combination sets the chunk's events touch, to be read before scoring.
std::vector<CorrelationKey> combination_keys(const RuleCache& rules, const Batch& batch) {
    std::vector<CorrelationKey> keys;
    for (const auto& ev : batch.events)
        for (uint32_t c = ev.combinations_begin; c < ev.combinations_end; ++c) {
            const MatchedCombination& m = batch.combinations[c];
            keys.push_back(CorrelationKey{ev.contact_id, rules.models[m.model_index].id, m.hit.rule->id,
                                          m.hit.correlation});
        }
    return keys;
}

std::vector<int64_t> distinct_contacts(const Batch& batch) {
    std::vector<int64_t> ids;
    ids.reserve(batch.events.size());
    for (const auto& e : batch.events) ids.push_back(e.contact_id);
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    return ids;
}

// Matches the chunk's events again under `rules`, reading them back from the table
// (this statement inserted them).
void rematch(const RuleCache& rules, Batch& batch) {
    static Statement s(
        "SELECT event_id, event_type, properties FROM lead_scoring.events"
        " WHERE event_id OPERATOR(pg_catalog.=) ANY ($1::pg_catalog.int8[])",
        {INT8ARRAYOID});
    std::vector<int64_t> ids;
    ids.reserve(batch.events.size());
    for (const auto& e : batch.events) ids.push_back(e.event_id);
    Datum args[1] = {int8_array(ids)};
    const uint64 n = s.run(args, nullptr);
    std::vector<std::pair<int64_t, uint64>> rows;  // event id -> result row
    rows.reserve(n);
    for (uint64 r = 0; r < n; ++r) rows.emplace_back(column_int64(r, 1), r);
    std::sort(rows.begin(), rows.end());

    MemoryContext per_event = call([]() -> MemoryContext {
        return AllocSetContextCreate(CurrentMemoryContext, "lead_scoring event rematching", ALLOCSET_DEFAULT_SIZES);
    });
    batch.rules.clear();
    batch.thresholds.clear();
    batch.combinations.clear();
    batch.absences.clear();
    batch.predictive_counts.clear();
    for (auto& ev : batch.events) {
        ev.rules_begin = ev.rules_end = static_cast<uint32_t>(batch.rules.size());
        ev.thresholds_begin = ev.thresholds_end = static_cast<uint32_t>(batch.thresholds.size());
        ev.combinations_begin = ev.combinations_end = static_cast<uint32_t>(batch.combinations.size());
        ev.absences_begin = ev.absences_end = static_cast<uint32_t>(batch.absences.size());
        ev.counts_begin = ev.counts_end = static_cast<uint32_t>(batch.predictive_counts.size());
        auto it = std::lower_bound(rows.begin(), rows.end(), std::make_pair(ev.event_id, uint64{0}));
        if (it == rows.end() || it->first != ev.event_id) continue;
        const EventTypeRules* type = rules.rules_for(column_text(it->second, 2));
        if (!type) continue;
        bool isnull;
        Datum raw = column(it->second, 3, &isnull);
        MemoryContext old = MemoryContextSwitchTo(per_event);
        Datum properties = call([&]() -> Datum { return PointerGetDatum(PG_DETOAST_DATUM(raw)); });
        match_event(rules, *type, properties, batch, ev);
        MemoryContextSwitchTo(old);
        MemoryContextReset(per_event);
    }
    MemoryContextDelete(per_event);
}

void score_chunk(std::shared_ptr<const RuleCache>& current, Batch& batch, Oid actor) {
    const std::vector<int64_t> contacts = distinct_contacts(batch);
    if (current->models.empty()) {
        // No model to score in: the events are only stored, and their contacts created.
        lock_contacts_only(contacts, actor);
        return;
    }
    std::vector<StoredState> states = lock_ready_states(*current, contacts, actor);
    // A rule, group or model edit may have committed while this statement waited
    // for the rows (an edit that rescores a model holds them): then the chunk is
    // matched again, and its rows locked again, under the rules as they are now,
    // so that no event is scored with definitions replaced before it was.
    // The rows stay as locked: a model added meanwhile gets its rows at the contact's
    // next event (locking more now, out of order, could deadlock); the rows of a model
    // no longer active are left alone.
    // (The rules the states were loaded with stay alive for the statement: a state
    // points at its model's definitions until finish() repoints it.)
    std::shared_ptr<const RuleCache> loaded_with = current;
    if (std::shared_ptr<const RuleCache> latest = current_rules(); latest != current) {
        current = latest;
        rematch(*current, batch);
        states.erase(std::remove_if(states.begin(), states.end(),
                                    [&](const StoredState& st) {
                                        return std::none_of(current->models.begin(), current->models.end(),
                                                            [&](const core::ModelDef& m) { return m.id == st.model_id; });
                                    }),
                     states.end());
    }
    const RuleCache& rules = *current;
    // Due work is applied at each event's time: the awards that expire by the
    // latest one are read (with each group's next award).
    core::Micros latest = INT64_MIN;
    for (const auto& ev : batch.events) latest = std::max(latest, ev.occurred_at);
    load_window_awards(rules.models, states, AwardHorizon::at(latest));
    load_combination_sets(rules.models, states, combination_keys(rules, batch));
    load_absence_deadlines(rules.models, states, AwardHorizon::at(latest), absence_keys(rules, batch));

    // Events of each contact in insertion order.
    std::vector<uint32_t> order(batch.events.size());
    std::iota(order.begin(), order.end(), 0u);
    std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
        return batch.events[a].contact_id < batch.events[b].contact_id;
    });

    // Each model's conversion type among the chunk's event types.
    std::vector<std::optional<uint32_t>> conversion_type(rules.models.size());
    for (size_t mi = 0; mi < rules.models.size(); ++mi)
        conversion_type[mi] = batch.find_type(rules.models[mi].conversion_event_type);

    std::vector<LedgerRow> ledger;
    std::vector<AlertRow> alerts;
    std::vector<const core::EventRuleDef*> model_rules;
    std::vector<const core::ThresholdDef*> model_thresholds;
    std::vector<core::CombinationHit> model_combinations;
    std::vector<core::AbsenceHit> model_absences;
    std::vector<uint32_t> model_counts;
    size_t first = 0;  // first index in `order` of the current contact
    for (auto& st : states) {
        while (first < order.size() && batch.events[order[first]].contact_id < st.contact_id) ++first;
        size_t mi = 0;
        while (rules.models[mi].id != st.model_id) ++mi;
        const core::ModelDef& model = rules.models[mi];

        const std::optional<uint32_t> conversion = conversion_type[mi];
        for (size_t k = first; k < order.size() && batch.events[order[k]].contact_id == st.contact_id; ++k) {
            const MatchedEvent& ev = batch.events[order[k]];
            st.facts.see(ev.occurred_at, conversion && ev.type_index == *conversion);
        }
        core::ContactScorer scorer(model, st.state, st.is_new);
        try {
            if (st.pending_fit) scorer.on_fit(*st.pending_fit);  // a state this statement created
            for (size_t k = first; k < order.size() && batch.events[order[k]].contact_id == st.contact_id; ++k) {
                const MatchedEvent& ev = batch.events[order[k]];
                model_rules.clear();
                for (uint32_t r = ev.rules_begin; r < ev.rules_end; ++r)
                    if (batch.rules[r]->model_index == mi) model_rules.push_back(&batch.rules[r]->def);
                model_thresholds.clear();
                for (uint32_t t = ev.thresholds_begin; t < ev.thresholds_end; ++t)
                    if (batch.thresholds[t]->model_index == mi)
                        model_thresholds.push_back(&model.thresholds[batch.thresholds[t]->threshold_index]);
                model_combinations.clear();
                for (uint32_t c = ev.combinations_begin; c < ev.combinations_end; ++c)
                    if (batch.combinations[c].model_index == mi) model_combinations.push_back(batch.combinations[c].hit);
                model_absences.clear();
                for (uint32_t a = ev.absences_begin; a < ev.absences_end; ++a)
                    if (batch.absences[a].model_index == mi) model_absences.push_back(batch.absences[a].hit);
                scorer.on_event(order[k], ev.event_id, ev.occurred_at, model_rules, model_thresholds,
                                model_combinations, model_absences);
                if (st.state.predictive && model.predictive && st.state.predictive->fit_id == model.predictive->fit_id &&
                    ev.counts_end > ev.counts_begin) {
                    model_counts.clear();
                    for (uint32_t c = ev.counts_begin; c < ev.counts_end; ++c)
                        if (batch.predictive_counts[c]->model_index == mi)
                            model_counts.push_back(batch.predictive_counts[c]->feature);
                    core::count_events(*st.state.predictive, model_counts);
                }
            }
        } catch (const core::PointsError& e) {
            throw points_error(e, "scoring the events of contact " + std::to_string(st.contact_id) + " in model \"" +
                                      model.name + "\"");
        }
        // A row created now for a contact with earlier events (a model added since)
        // has not counted those: no probability until the next train() (its
        // counts would start from this statement's events alone).
        if (st.is_new && st.state.predictive && st.before.first_event_at && st.facts.first_event_at &&
            *st.before.first_event_at < *st.facts.first_event_at)
            st.state.predictive.reset();
        for (const auto& change : scorer.ledger()) {
            LedgerRow row = ledger_row(model.id, st.contact_id, change);
            if (core::caused_by_event(change)) {
                const MatchedEvent& ev = batch.events[change.event_index];
                row.event_id = ev.event_id;
                row.occurred_at = ev.occurred_at;
                row.has_occurred_at = true;
            }
            ledger.push_back(std::move(row));
        }
        for (const auto& a : scorer.alerts())
            alerts.push_back(AlertRow{a.threshold->id, model.id, st.contact_id, a.score,
                                      a.event_index ? batch.events[*a.event_index].event_id : 0});
        st.finish(model, scorer.current());
    }
    append_ledger(ledger, actor);
    write_states(states);
    write_alerts(alerts);
}

// Scores one chunk in an SPI connection of its own: finishing it frees everything
// the chunk read and wrote (result rows, arrays), so that a COPY of millions of
// events needs the memory of one chunk, not of all of them.
void score_chunk_in_own_connection(std::shared_ptr<const RuleCache>& rules, Batch& batch, Oid actor) {
    connect();
    score_chunk(rules, batch, actor);
    finish();
}

}  // namespace

void score_new_events(TriggerData* trigger, Oid actor) {
    connect();
    std::shared_ptr<const RuleCache> rules = current_rules();
    finish();
    TransitionReader rows(trigger->tg_newtable, trigger->tg_relation->rd_att);
    const int col_event_id = rows.attnum("event_id");
    const int col_contact = rows.attnum("contact_id");
    const int col_type = rows.attnum("event_type");
    const int col_occurred = rows.attnum("occurred_at");
    const int col_properties = rows.attnum("properties");

    // Matching allocates (detoasted properties, jsonpath results): one short-lived
    // context, reset after every event.
    MemoryContext per_event = call([]() -> MemoryContext {
        return AllocSetContextCreate(CurrentMemoryContext, "lead_scoring event matching", ALLOCSET_DEFAULT_SIZES);
    });
    Batch batch;
    std::string event_type;
    while (rows.next()) {
        MatchedEvent ev;
        bool isnull;
        ev.event_id = DatumGetInt64(rows.value(col_event_id, &isnull));
        ev.contact_id = DatumGetInt64(rows.value(col_contact, &isnull));
        ev.occurred_at = DatumGetTimestampTz(rows.value(col_occurred, &isnull));
        event_type = text_value(rows.value(col_type, &isnull));
        ev.type_index = batch.type_of(event_type);
        if (const EventTypeRules* type = rules->rules_for(event_type)) {
            Datum raw = rows.value(col_properties, &isnull);
            MemoryContext old = MemoryContextSwitchTo(per_event);
            Datum properties = call([&]() -> Datum { return PointerGetDatum(PG_DETOAST_DATUM(raw)); });
            match_event(*rules, *type, properties, batch, ev);
            MemoryContextSwitchTo(old);
            MemoryContextReset(per_event);
        }
        batch.events.push_back(ev);
        // Events are scored in chunks (lead_scoring.event_chunk_size) so that memory
        // stays bounded however many a statement inserts.
        if (batch.events.size() >= static_cast<size_t>(event_chunk_size)) {
            score_chunk_in_own_connection(rules, batch, actor);
            batch = Batch{};
        }
    }
    if (!batch.events.empty()) score_chunk_in_own_connection(rules, batch, actor);
    MemoryContextDelete(per_event);
}

}  // namespace ls::pg
