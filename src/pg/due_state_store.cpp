#include "pg/due_state_store.hpp"

#include "pg/datum.hpp"
#include "pg/spi.hpp"

namespace ls::pg {

namespace {

// The fields of lead_scoring.maintained_state, in order.
enum Field {
    kRowTid, kScore, kFitScore, kBehaviorScore, kGroupBalanceUnits, kGroupDecaySteps, kWindowGroupIds,
    kWindowOccurredAt, kWindowUnits, kWindowRuleIds, kWindowEventIds, kMaintenanceDueAt, kFieldCount
};

}  // namespace

std::vector<StoredState> lock_due_states(const RuleCache& rules, TimestampTz as_of, int64 limit,
                                         const std::optional<DueKey>& after, std::optional<DueKey>& last) {
    // Columns 3-19 as state_from_row reads them, then the key and the tid.
#define LS_DUE_COLUMNS                                                                                      \
    "SELECT model_id, contact_id, qualified, last_activity_at, group_ids, group_fit_units, group_balance_units," \
    " fit_rule_ids, fit_rule_groups, fit_rule_units, limit_rule_ids, limit_awards, limit_last_at,"             \
    " group_decay_steps, window_group_ids, window_occurred_at, window_units, window_rule_ids, window_event_ids,"  \
    " maintenance_due_at, ctid FROM lead_scoring.contact_scores"                                               \
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
        st.state = state_from_row(row);
        bool isnull;
        last = DueKey{DatumGetTimestampTz(row.value(20, &isnull)), st.contact_id, st.model_id};
        st.tid = *reinterpret_cast<ItemPointer>(DatumGetPointer(row.value(21, &isnull)));  // tid is by reference
        states.push_back(std::move(st));
    }
    return states;
}

void write_due_states(const std::vector<StoredState>& states) {
    struct RowType {
        Oid type = InvalidOid;
        Oid array_type = InvalidOid;
        TupleDesc desc = nullptr;
    };
    RowType rt = call([]() -> RowType {
        RowType out;
        out.type = GetSysCacheOid2(TYPENAMENSP, Anum_pg_type_oid, CStringGetDatum("maintained_state"),
                                   ObjectIdGetDatum(get_namespace_oid("lead_scoring", false)));
        if (!OidIsValid(out.type)) return out;
        out.array_type = get_array_type(out.type);
        out.desc = lookup_rowtype_tupdesc_copy(out.type, -1);
        return out;
    });
    if (!OidIsValid(rt.type) || rt.desc->natts != kFieldCount)
        throw SqlError(ERRCODE_INTERNAL_ERROR, "lead_scoring: lead_scoring.maintained_state is missing or has an "
                                               "unexpected layout; run ALTER EXTENSION lead_scoring UPDATE");
    std::vector<Datum> rows;
    rows.reserve(states.size());
    for (const auto& st : states) {
        if (!st.changed) continue;
        const core::ContactState& s = st.state;
        Datum values[kFieldCount];
        bool nulls[kFieldCount] = {};
        values[kRowTid] = PointerGetDatum(&st.tid);
        values[kScore] = numeric_from_points(st.scores.total);
        values[kFitScore] = numeric_from_points(st.scores.fit_score);
        values[kBehaviorScore] = numeric_from_points(st.scores.behavior_score);

        const BalanceColumns balances = balance_columns(s);
        values[kGroupBalanceUnits] = balances.balance_units;
        values[kGroupDecaySteps] = balances.decay_steps;
        const WindowColumns window = window_columns(s);
        values[kWindowGroupIds] = window.group_ids;
        values[kWindowOccurredAt] = window.occurred_at;
        values[kWindowUnits] = window.units;
        values[kWindowRuleIds] = window.rule_ids;
        values[kWindowEventIds] = window.event_ids;
        values[kMaintenanceDueAt] = TimestampTzGetDatum(st.due.value_or(0));
        nulls[kMaintenanceDueAt] = !st.due.has_value();

        TupleDesc desc = rt.desc;
        rows.push_back(call([&]() -> Datum { return HeapTupleGetDatum(heap_form_tuple(desc, values, nulls)); }));
    }
    if (rows.empty()) return;

    static Statement* update = nullptr;
    static Oid prepared_for = InvalidOid;
    if (!update || prepared_for != rt.array_type) {
        // Leaks the old plan on extension re-creation only: rare and bounded.
        update = new Statement(
            "UPDATE lead_scoring.contact_scores s"
            " SET score = u.score, fit_score = u.fit_score, behavior_score = u.behavior_score,"
            "     group_balance_units = u.group_balance_units, group_decay_steps = u.group_decay_steps,"
            "     window_group_ids = u.window_group_ids, window_occurred_at = u.window_occurred_at,"
            "     window_units = u.window_units, window_rule_ids = u.window_rule_ids,"
            "     window_event_ids = u.window_event_ids, maintenance_due_at = u.maintenance_due_at,"
            "     updated_at = pg_catalog.now()"
            " FROM pg_catalog.unnest($1) u"
            " WHERE s.ctid OPERATOR(pg_catalog.=) u.row_tid",
            {rt.array_type});
        prepared_for = rt.array_type;
    }
    Datum args[1] = {make_array(rows, {}, rt.type)};
    update->run(args, nullptr);
}

}  // namespace ls::pg
