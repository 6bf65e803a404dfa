// Reading and writing the scoring state of contacts (lead_scoring.contact_scores),
// the ledger and the alerts, in batches: one SPI call loads (and locks) every state
// a statement needs, one writes them back, one appends the ledger, one the alerts.
#pragma once
#include <cstdint>
#include <vector>

#include "core/band_counts.hpp"
#include "core/conversion_facts.hpp"
#include "core/maintenance.hpp"
#include "core/scoring.hpp"
#include "core/state_codec.hpp"
#include "pg/guard.hpp"
#include "pg/rule_cache.hpp"
#include "pg/spi.hpp"

namespace ls::pg {

struct StoredState {
    int32_t model_id = 0;
    int64_t contact_id = 0;
    core::ContactState state;
    bool is_new = false;   // no score row existed before this statement
    // What band_summary's counts hold of the row now (its score and conversion
    // facts as loaded; nothing for a row this statement created): the write adds the
    // difference (core/band_counts.hpp).
    core::BandFacts before;
    // The fit a state created by this statement starts with (state_preparation):
    // the caller applies it first, through its ContactScorer, so that crossings are
    // judged from nothing as for any new state.
    std::optional<core::FitResult> pending_fit;
    bool changed = false;  // to be written back
    core::Snapshot scores; // filled before writing
    std::optional<core::Micros> due;  // when maintenance has something to do next
    ItemPointerData tid{};  // where the row was when it was loaded and locked

    std::string encoded;  // the state column to write (core::encode_state), filled by finish
    // The conversion facts of the events this statement saw. Written as the earlier
    // of these and the stored ones, or as they are when `facts_exact` (recompute,
    // which saw every event).
    core::ConversionFacts facts;
    bool facts_exact = false;
    // The window awards read from lead_scoring.window_awards into state.window_awards
    // (pg/window_store.hpp): writing compares them with what the state holds then.
    std::vector<core::WindowAward> loaded_awards;
    // The combination sets read from lead_scoring.combination_sets
    // (pg/combination_store.hpp), likewise.
    std::vector<core::CombinationSet> loaded_combinations;
    // The absence deadlines read from lead_scoring.absence_deadlines
    // (pg/absence_store.hpp), likewise.
    std::vector<core::AbsenceDeadline> loaded_absences;
    // The definitions the state is scored with: set when it is loaded, and again by
    // `finish`, which encodes with them (combination sets are written with their
    // rules' fact names; band_summary's counts follow their bands).
    const core::ModelDef* model = nullptr;
    // conversion_probability to write (none: the model has no fit, or the state
    // was counted for another one), filled by finish.
    std::optional<double> probability;

    // Marks the state for writing, with the scores it now has.
    void finish(const core::ModelDef& model, const core::Snapshot& now) {
        this->model = &model;
        probability = model.predictive && state.predictive
                          ? core::conversion_probability(*model.predictive, *state.predictive)
                          : std::nullopt;
        scores = now;
        due = core::next_due(model, state);
        encoded = core::encode_state(model, state);
        changed = true;
    }
};

// Loads and row-locks the states of `contacts` (sorted, distinct) in every model of
// the cache, in (contact_id, model_id) order so that concurrent batches lock in the
// same order. States that do not exist are created empty first (marked is_new).
// The result is sorted by (contact_id, model_index).
// With `only_model`, the states of that model only.
std::vector<StoredState> lock_states(const RuleCache& rules, const std::vector<int64_t>& contacts,
                                     std::optional<int32_t> only_model = std::nullopt);
// The same, creating nothing, and all or nothing: when some (contact, model) pair
// has no row, it locks nothing and returns no state.
std::vector<StoredState> lock_states_if_complete(const RuleCache& rules, const std::vector<int64_t>& contacts);

// The state in a row of SPI_tuptable whose columns first_col .. first_col + 2 are
// qualified, last_activity_at and state (in that order in every statement that
// loads states); a state the codec cannot read is an error naming the contact and
// model.
core::ContactState state_from_row(const ResultRow& row, int first_col, int32_t model_id, int64_t contact_id);

// Adds what the states' writes change in band_summary's counts (a row this
// statement created counts from nothing). `facts_unchanged`: the write leaves the
// conversion facts as loaded (maintenance).
void count_band_changes(const std::vector<StoredState>& states, bool facts_unchanged);

// The score and conversion facts in columns first_col .. first_col + 2 of a row
// (score as text, first_event_at, converted_at).
core::BandFacts band_facts_from_row(const ResultRow& row, int first_col);

// The bytea Datum of an encoded state (palloc'd in the current context).
Datum state_datum(const std::string& encoded);

// Inserts the contacts of the sorted list that do not exist, with empty attributes,
// in id order, then key-share locks the others. The contacts trigger leaves the contacts it
// inserts alone (creating_contacts()): the caller fits their new states itself.
// `actor` is the role the caller scores for: their attribute history names it.
void lock_or_create_contacts(const std::vector<int64_t>& contacts, Oid actor);
// Whether this backend is inside lock_or_create_contacts' insert.
bool creating_contacts();

// Writes every changed state back (one UPDATE from an array of rows).
void write_states(std::vector<StoredState>& states);

struct LedgerRow {
    const char* kind = "rule";  // the ledger's kind
    int32_t model_id = 0;
    int32_t group_id = 0;
    int64_t contact_id = 0;
    core::Points delta;
    int64_t rule_id = 0;   // 0: null
    int64_t event_id = 0;  // 0: null
    core::Micros occurred_at = 0;
    bool has_occurred_at = false;
    std::string reason;  // empty: null
    // Set when a row is written again (recompute): who made it and when. Otherwise
    // the actor is the caller's and the time is now().
    std::string actor;
    std::optional<core::Micros> created_at;
};
// `actor`: the user who caused the change (the caller of the scoring entry point).
void append_ledger(const std::vector<LedgerRow>& rows, Oid actor);
// The ledger row of a change the core reported, for a contact in a model. Rule
// changes get their event from the caller.
LedgerRow ledger_row(int32_t model_id, int64_t contact_id, const core::LedgerChange& change);

struct AlertRow {
    int64_t threshold_id = 0;
    int32_t model_id = 0;
    int64_t contact_id = 0;
    core::Points score;
    int64_t event_id = 0;  // 0: null
};
// Inserts the alerts in order and sends a NOTIFY for those whose threshold has a
// notify_channel (delivered at commit, as NOTIFY always is).
void write_alerts(const std::vector<AlertRow>& rows);

}  // namespace ls::pg
