#include "pg/due_state_store.hpp"

#include "pg/datum.hpp"
#include "pg/spi.hpp"
#include "pg/absence_store.hpp"
#include "pg/window_store.hpp"

namespace ls::pg {

std::vector<StoredState> lock_due_states(const RuleCache& rules, TimestampTz as_of, int64 limit,
                                         const std::optional<DueKey>& after, std::optional<DueKey>& last) {
    // Columns 3-5 as state_from_row reads them, then the key and the tid.
#define LS_DUE_COLUMNS                                                                            \
    "SELECT model_id, contact_id, qualified, last_activity_at, state, maintenance_due_at, ctid,"   \
    "       score::pg_catalog.text, first_event_at, converted_at"                                 \
    " FROM lead_scoring.contact_scores"                                                            \
    " WHERE maintenance_due_at OPERATOR(pg_catalog.<=) $1 AND model_id OPERATOR(pg_catalog.=) ANY ($2)"
#define LS_DUE_ORDER " ORDER BY maintenance_due_at, contact_id, model_id LIMIT $3 FOR UPDATE SKIP LOCKED"
    static Statement first(LS_DUE_COLUMNS LS_DUE_ORDER, {TIMESTAMPTZOID, INT4ARRAYOID, INT8OID});
    static Statement next(LS_DUE_COLUMNS " AND (maintenance_due_at, contact_id, model_id) > ($4, $5, $6)" LS_DUE_ORDER,
                          {TIMESTAMPTZOID, INT4ARRAYOID, INT8OID, TIMESTAMPTZOID, INT8OID, INT4OID});
#undef LS_DUE_COLUMNS
#undef LS_DUE_ORDER
    std::vector<StoredState> states;
    if (rules.models.empty() || limit <= 0) return states;
    std::vector<int32_t> models;
    for (const auto& m : rules.models) models.push_back(m.id);
    Datum args[6] = {TimestampTzGetDatum(as_of), int4_array(models), Int64GetDatum(limit), 0, 0, 0};
    uint64 n;
    if (after) {
        args[3] = TimestampTzGetDatum(after->due);
        args[4] = Int64GetDatum(after->contact_id);
        args[5] = Int32GetDatum(after->model_id);
        n = next.run(args, nullptr);
    } else {
        n = first.run(args, nullptr);
    }
    states.reserve(n);
    for (uint64 r = 0; r < n; ++r) {
        const ResultRow row(r);
        StoredState st;
        st.model_id = row.int32_value(1);
        st.contact_id = row.int64_value(2);
        st.state = state_from_row(row, 3, st.model_id, st.contact_id);
        bool isnull;
        last = DueKey{DatumGetTimestampTz(row.value(6, &isnull)), st.contact_id, st.model_id};
        st.tid = *reinterpret_cast<ItemPointer>(DatumGetPointer(row.value(7, &isnull)));  // tid is by reference
        st.before = band_facts_from_row(row, 8);
        for (const auto& m : rules.models)
            if (m.id == st.model_id) st.model = &m;
        states.push_back(std::move(st));
    }
    return states;
}

void write_due_states(const std::vector<StoredState>& states) {
    // Decay and expiry change the scores, the state and the due time only; the row
    // is found by the tid it was locked at (no index lookup).
    static Statement update(
        "UPDATE lead_scoring.contact_scores s"
        " SET score = u.score, fit_score = u.fit_score, behavior_score = u.behavior_score,"
        "     maintenance_due_at = u.due, state = u.state, updated_at = pg_catalog.now()"
        " FROM ROWS FROM (pg_catalog.unnest($1::pg_catalog.tid[]), pg_catalog.unnest($2::pg_catalog.numeric[]),"
        "   pg_catalog.unnest($3::pg_catalog.numeric[]), pg_catalog.unnest($4::pg_catalog.numeric[]),"
        "   pg_catalog.unnest($5::pg_catalog.timestamptz[]), pg_catalog.unnest($6::pg_catalog.bytea[]))"
        "   AS u(row_tid, score, fit_score, behavior_score, due, state)"
        " WHERE s.ctid OPERATOR(pg_catalog.=) u.row_tid",
        {TIDARRAYOID, NUMERICARRAYOID, NUMERICARRAYOID, NUMERICARRAYOID, TIMESTAMPTZARRAYOID, BYTEAARRAYOID});
    std::vector<Datum> tid, score, fit, behavior, due, state;
    std::vector<bool> due_null;
    for (const auto& st : states) {
        if (!st.changed) continue;
        tid.push_back(PointerGetDatum(&st.tid));
        score.push_back(numeric_from_points(st.scores.total));
        fit.push_back(numeric_from_points(st.scores.fit_score));
        behavior.push_back(numeric_from_points(st.scores.behavior_score));
        due.push_back(TimestampTzGetDatum(st.due.value_or(0)));
        due_null.push_back(!st.due.has_value());
        state.push_back(state_datum(st.encoded));
    }
    if (tid.empty()) return;
    Datum args[6] = {make_array(tid, {}, TIDOID),          make_array(score, {}, NUMERICOID),
                     make_array(fit, {}, NUMERICOID),      make_array(behavior, {}, NUMERICOID),
                     make_array(due, due_null, TIMESTAMPTZOID), make_array(state, {}, BYTEAOID)};
    update.run(args, nullptr);
    write_window_awards(states);
    write_absence_deadlines(states);
    count_band_changes(states, true);
}

}  // namespace ls::pg
