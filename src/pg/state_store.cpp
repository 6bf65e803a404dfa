#include "pg/state_store.hpp"

#include <algorithm>
#include <cstring>
#include <map>

#include "pg/datum.hpp"
#include "pg/spi.hpp"

namespace ls::pg {

namespace {

// Columns of lead_scoring.contact_scores, in table order.
enum Col {
    kModelId, kModel, kContactId, kScore, kFitScore, kBehaviorScore, kQualified, kLastActivityAt, kUpdatedAt,
    kGroupIds, kGroupFitUnits, kGroupBalanceUnits, kFitRuleIds, kFitRuleGroups, kFitRuleUnits,
    kLimitRuleIds, kLimitAwards, kLimitLastAt, kGroupDecaySteps, kWindowGroupIds, kWindowOccurredAt,
    kWindowUnits, kWindowRuleIds, kWindowEventIds, kMaintenanceDueAt, kColumnCount
};

#define LOAD_COLUMNS_AND_ROWS                                                                                \
    "SELECT model_id, contact_id, qualified, last_activity_at, group_ids, group_fit_units, group_balance_units," \
    " fit_rule_ids, fit_rule_groups, fit_rule_units, limit_rule_ids, limit_awards, limit_last_at,"              \
    " group_decay_steps, window_group_ids, window_occurred_at, window_units, window_rule_ids, window_event_ids"  \
    " FROM lead_scoring.contact_scores"                                                                         \
    " WHERE model_id OPERATOR(pg_catalog.=) ANY ($1) AND contact_id OPERATOR(pg_catalog.=) ANY ($2)"

Statement& load_statement() {
    static Statement s(LOAD_COLUMNS_AND_ROWS " ORDER BY contact_id, model_id FOR UPDATE", {INT4ARRAYOID, INT8ARRAYOID});
    return s;
}

// All or nothing: locks the rows only when every (contact, model) pair has one ($3
// of them), judged by a plain read first (an init plan, evaluated once). So a batch
// that must create contacts or rows holds no lock yet when it starts creating them.
Statement& load_all_or_nothing_statement() {
    static Statement s(LOAD_COLUMNS_AND_ROWS
                       " AND (SELECT pg_catalog.count(*) FROM lead_scoring.contact_scores k"
                       "       WHERE k.model_id OPERATOR(pg_catalog.=) ANY ($1)"
                       "         AND k.contact_id OPERATOR(pg_catalog.=) ANY ($2)) OPERATOR(pg_catalog.=) $3"
                       " ORDER BY contact_id, model_id FOR UPDATE",
                       {INT4ARRAYOID, INT8ARRAYOID, INT8OID});
    return s;
}
#undef LOAD_COLUMNS_AND_ROWS

Statement& create_states_statement() {
    static Statement s(
        "INSERT INTO lead_scoring.contact_scores (model_id, model, contact_id)"
        " SELECT m.model_id, m.name, c"
        "   FROM lead_scoring.models m, pg_catalog.unnest($2::pg_catalog.int8[]) c"
        "  WHERE m.model_id OPERATOR(pg_catalog.=) ANY ($1)"
        "  ORDER BY c, m.model_id ON CONFLICT DO NOTHING"
        " RETURNING model_id, contact_id",
        {INT4ARRAYOID, INT8ARRAYOID});
    return s;
}

std::vector<int32_t> model_ids(const RuleCache& rules, std::optional<int32_t> only_model = std::nullopt) {
    std::vector<int32_t> ids;
    for (const auto& m : rules.models)
        if (!only_model || m.id == *only_model) ids.push_back(m.id);
    return ids;
}

}  // namespace

core::ContactState state_from_row(const ResultRow& row) {
    core::ContactState s;
    s.qualified = row.bool_value(3, true);
    bool isnull;
    Datum last = row.value(4, &isnull);
    if (!isnull) s.last_activity_at = DatumGetTimestampTz(last);

    auto ints = array_elements(row.value(5, &isnull), INT4OID);
    auto fits = array_elements(row.value(6, &isnull), INT8OID);
    auto balances = array_elements(row.value(7, &isnull), INT8OID);
    auto steps = array_elements(row.value(14, &isnull), INT8OID);
    for (size_t i = 0; i < ints.size() && i < fits.size() && i < balances.size(); ++i)
        s.groups.push_back(core::GroupBalance{DatumGetInt32(ints[i]), core::Points::from_units(DatumGetInt64(fits[i])),
                                              core::Points::from_units(DatumGetInt64(balances[i])),
                                              i < steps.size() ? DatumGetInt64(steps[i]) : 0});

    auto fit_ids = array_elements(row.value(8, &isnull), INT8OID);
    auto fit_groups = array_elements(row.value(9, &isnull), INT4OID);
    auto fit_units = array_elements(row.value(10, &isnull), INT8OID);
    for (size_t i = 0; i < fit_ids.size() && i < fit_groups.size() && i < fit_units.size(); ++i)
        s.fit.push_back(core::FitMatch{DatumGetInt64(fit_ids[i]), DatumGetInt32(fit_groups[i]),
                                       core::Points::from_units(DatumGetInt64(fit_units[i]))});

    auto limit_ids = array_elements(row.value(11, &isnull), INT8OID);
    auto limit_awards = array_elements(row.value(12, &isnull), INT4OID);
    auto limit_last = array_elements(row.value(13, &isnull), TIMESTAMPTZOID);
    for (size_t i = 0; i < limit_ids.size() && i < limit_awards.size() && i < limit_last.size(); ++i)
        s.limits.push_back(core::RuleLimit{DatumGetInt64(limit_ids[i]), DatumGetInt32(limit_awards[i]),
                                           DatumGetTimestampTz(limit_last[i])});

    auto w_groups = array_elements(row.value(15, &isnull), INT4OID);
    auto w_at = array_elements(row.value(16, &isnull), TIMESTAMPTZOID);
    auto w_units = array_elements(row.value(17, &isnull), INT8OID);
    auto w_rules = array_elements(row.value(18, &isnull), INT8OID);
    auto w_events = array_elements(row.value(19, &isnull), INT8OID);
    for (size_t i = 0; i < w_groups.size() && i < w_at.size() && i < w_units.size() && i < w_rules.size() &&
                       i < w_events.size();
         ++i)
        s.window_awards.push_back(core::WindowAward{DatumGetInt32(w_groups[i]), DatumGetTimestampTz(w_at[i]),
                                                    core::Points::from_units(DatumGetInt64(w_units[i])),
                                                    DatumGetInt64(w_rules[i]), DatumGetInt64(w_events[i])});
    return s;
}

namespace {

// The `n` rows a load statement left in SPI_tuptable, as states.
void read_states(uint64 n, std::vector<StoredState>& out) {
    for (uint64 r = 0; r < n; ++r) {
        StoredState st;
        const ResultRow row(r);
        st.model_id = row.int32_value(1);
        st.contact_id = row.int64_value(2);
        st.state = state_from_row(row);
        out.push_back(std::move(st));
    }
}

void load_into(const RuleCache& rules, const std::vector<int64_t>& contacts, std::vector<StoredState>& out,
               std::optional<int32_t> only_model = std::nullopt) {
    Datum args[2] = {int4_array(model_ids(rules, only_model)), int8_array(contacts)};
    read_states(load_statement().run(args, nullptr), out);
}

void sort_states(const RuleCache& rules, std::vector<StoredState>& states) {
    std::map<int32_t, size_t> model_pos;
    for (size_t i = 0; i < rules.models.size(); ++i) model_pos[rules.models[i].id] = i;
    std::sort(states.begin(), states.end(), [&](const StoredState& a, const StoredState& b) {
        if (a.contact_id != b.contact_id) return a.contact_id < b.contact_id;
        return model_pos[a.model_id] < model_pos[b.model_id];
    });
}

// The rows of `models` x `contacts`, locked, if every one exists; otherwise none are
// locked (the count is read first, unlocked) and the result may be empty. Rows deleted
// while the lock waited (forget_contact) are missing from the result.
std::vector<StoredState> lock_all_or_nothing(const std::vector<int32_t>& models, const std::vector<int64_t>& contacts) {
    std::vector<StoredState> states;
    const int64 want = static_cast<int64>(models.size() * contacts.size());
    Datum args[3] = {int4_array(models), int8_array(contacts), Int64GetDatum(want)};
    read_states(load_all_or_nothing_statement().run(args, nullptr), states);
    return states;
}

}  // namespace

std::vector<StoredState> lock_states_if_complete(const RuleCache& rules, const std::vector<int64_t>& contacts) {
    if (rules.models.empty() || contacts.empty()) return {};
    std::vector<StoredState> states = lock_all_or_nothing(model_ids(rules), contacts);
    sort_states(rules, states);
    return states;
}

std::vector<StoredState> lock_states(const RuleCache& rules, const std::vector<int64_t>& contacts,
                                     std::optional<int32_t> only_model) {
    const std::vector<int32_t> models = model_ids(rules, only_model);
    if (models.empty() || contacts.empty()) return {};
    std::vector<StoredState> states = lock_all_or_nothing(models, contacts);
    if (states.size() < models.size() * contacts.size()) {
        // Some (contact, model) pair has no row yet, and no row was locked here: create
        // the missing rows first, in (contact, model) order (a concurrent session
        // creating the same row is waited for), then lock them all in that order.
        // Locking the existing rows before creating the others let a creation wait
        // while holding locks out of order, which deadlocked with a session doing the
        // same for other contacts (a new model, a fit after an attribute update).
        Datum args[2] = {int4_array(models), int8_array(contacts)};
        const uint64 n = create_states_statement().run(args, nullptr);
        std::vector<std::pair<int32_t, int64_t>> created;
        for (uint64 r = 0; r < n; ++r) created.emplace_back(column_int32(r, 1), column_int64(r, 2));
        states.clear();
        load_into(rules, contacts, states, only_model);
        for (auto& st : states)
            st.is_new = std::find(created.begin(), created.end(), std::make_pair(st.model_id, st.contact_id)) != created.end();
    }
    sort_states(rules, states);
    return states;
}

std::vector<int64_t> lock_or_create_contacts(const std::vector<int64_t>& contacts) {
    std::vector<int64_t> known;
    if (contacts.empty()) return known;
    // Creating the missing ones, in id order: a contact another transaction is
    // creating is waited for here (its fit follows in the contacts trigger). Only
    // the contacts this statement does not see: an INSERT that meets a known
    // contact, even with ON CONFLICT DO NOTHING, waits for a transaction updating
    // its attributes (the unique check), which may itself be waiting for our rows.
    static Statement create(
        "INSERT INTO lead_scoring.contacts (contact_id)"
        " SELECT c FROM pg_catalog.unnest($1::pg_catalog.int8[]) c"
        "  WHERE NOT EXISTS (SELECT 1 FROM lead_scoring.contacts k WHERE k.contact_id OPERATOR(pg_catalog.=) c)"
        "  ORDER BY c ON CONFLICT DO NOTHING RETURNING contact_id",
        {INT8ARRAYOID});
    // Then a key-share lock on the others, in id order, before any score row: it
    // makes forget_contact wait for this transaction, and orders this batch against
    // the others that create contacts. It does not conflict with the CRM updating
    // attributes (an exclusive lock here deadlocked with a multi-row UPDATE of
    // contacts, which locks in heap order). The contacts just created need none.
    static Statement share(
        "SELECT k.contact_id FROM lead_scoring.contacts k"
        " WHERE k.contact_id OPERATOR(pg_catalog.=) ANY ($1::pg_catalog.int8[])"
        " ORDER BY k.contact_id FOR KEY SHARE",
        {INT8ARRAYOID});
    Datum args[1] = {int8_array(contacts)};
    const uint64 n = create.run(args, nullptr);
    std::vector<int64_t> created;
    created.reserve(n);
    for (uint64 r = 0; r < n; ++r) created.push_back(column_int64(r, 1));
    std::sort(created.begin(), created.end());
    for (int64_t c : contacts)
        if (!std::binary_search(created.begin(), created.end(), c)) known.push_back(c);
    if (!known.empty()) {
        Datum known_args[1] = {int8_array(known)};
        share.run(known_args, nullptr);
    }
    return known;
}

BalanceColumns balance_columns(const core::ContactState& s) {
    std::vector<Datum> balances, steps;
    for (const auto& g : s.groups) {
        balances.push_back(Int64GetDatum(g.balance.units()));
        steps.push_back(Int64GetDatum(g.decay_steps));
    }
    return BalanceColumns{make_array(balances, {}, INT8OID), make_array(steps, {}, INT8OID)};
}

WindowColumns window_columns(const core::ContactState& s) {
    std::vector<Datum> group, at, units, rule, event;
    for (const auto& w : s.window_awards) {
        group.push_back(Int32GetDatum(w.group_id));
        at.push_back(TimestampTzGetDatum(w.occurred_at));
        units.push_back(Int64GetDatum(w.delta.units()));
        rule.push_back(Int64GetDatum(w.rule_id));
        event.push_back(Int64GetDatum(w.event_id));
    }
    return WindowColumns{make_array(group, {}, INT4OID), make_array(at, {}, TIMESTAMPTZOID),
                         make_array(units, {}, INT8OID), make_array(rule, {}, INT8OID), make_array(event, {}, INT8OID)};
}

void write_states(std::vector<StoredState>& states) {
    // Build one row of the table's own type per changed state, and update them all
    // with one statement. The statement names the row type, so it is prepared per
    // rule cache (a re-created extension has a new type).
    struct RowType {
        Oid type = InvalidOid;
        Oid array_type = InvalidOid;
        TupleDesc desc = nullptr;
    };
    RowType rt = call([]() -> RowType {
        RowType out;
        Oid relid = get_relname_relid("contact_scores", get_namespace_oid("lead_scoring", false));
        out.type = get_rel_type_id(relid);
        out.array_type = get_array_type(out.type);
        out.desc = lookup_rowtype_tupdesc_copy(out.type, -1);
        return out;
    });
    if (rt.desc->natts != kColumnCount)
        throw SqlError(ERRCODE_INTERNAL_ERROR, "lead_scoring: contact_scores has an unexpected layout; "
                                               "run ALTER EXTENSION lead_scoring UPDATE");
    const TimestampTz now = call([]() -> TimestampTz { return GetCurrentTransactionStartTimestamp(); });

    std::vector<Datum> rows;
    for (auto& st : states) {
        if (!st.changed) continue;
        const core::ContactState& s = st.state;
        Datum values[kColumnCount];
        bool nulls[kColumnCount] = {};
        values[kModelId] = Int32GetDatum(st.model_id);
        nulls[kModel] = true;  // not updated: kept in step with models.name by a trigger
        values[kContactId] = Int64GetDatum(st.contact_id);
        values[kScore] = numeric_from_points(st.scores.total);
        values[kFitScore] = numeric_from_points(st.scores.fit_score);
        values[kBehaviorScore] = numeric_from_points(st.scores.behavior_score);
        values[kQualified] = BoolGetDatum(s.qualified);
        values[kLastActivityAt] = TimestampTzGetDatum(s.last_activity_at.value_or(0));
        nulls[kLastActivityAt] = !s.last_activity_at.has_value();
        values[kUpdatedAt] = TimestampTzGetDatum(now);

        std::vector<Datum> gid, gfit;
        for (const auto& g : s.groups) {
            gid.push_back(Int32GetDatum(g.group_id));
            gfit.push_back(Int64GetDatum(g.fit.units()));
        }
        values[kGroupIds] = make_array(gid, {}, INT4OID);
        values[kGroupFitUnits] = make_array(gfit, {}, INT8OID);
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

        std::vector<Datum> fid, fgroup, fpoints;
        for (const auto& f : s.fit) {
            fid.push_back(Int64GetDatum(f.rule_id));
            fgroup.push_back(Int32GetDatum(f.group_id));
            fpoints.push_back(Int64GetDatum(f.points.units()));
        }
        values[kFitRuleIds] = make_array(fid, {}, INT8OID);
        values[kFitRuleGroups] = make_array(fgroup, {}, INT4OID);
        values[kFitRuleUnits] = make_array(fpoints, {}, INT8OID);

        std::vector<Datum> lid, lawards, llast;
        for (const auto& l : s.limits) {
            lid.push_back(Int64GetDatum(l.rule_id));
            lawards.push_back(Int32GetDatum(l.awards));
            llast.push_back(TimestampTzGetDatum(l.last_award_at));
        }
        values[kLimitRuleIds] = make_array(lid, {}, INT8OID);
        values[kLimitAwards] = make_array(lawards, {}, INT4OID);
        values[kLimitLastAt] = make_array(llast, {}, TIMESTAMPTZOID);

        TupleDesc desc = rt.desc;
        rows.push_back(call([&]() -> Datum { return HeapTupleGetDatum(heap_form_tuple(desc, values, nulls)); }));
    }
    if (rows.empty()) return;
    Datum array = make_array(rows, {}, rt.type);

    static Statement* update = nullptr;
    static Oid prepared_for = InvalidOid;
    if (!update || prepared_for != rt.array_type) {
        // Leaks the old plan on extension re-creation only: rare and bounded.
        update = new Statement(
            "UPDATE lead_scoring.contact_scores s"
            " SET score = u.score, fit_score = u.fit_score, behavior_score = u.behavior_score,"
            "     qualified = u.qualified, last_activity_at = u.last_activity_at, updated_at = u.updated_at,"
            "     group_ids = u.group_ids, group_fit_units = u.group_fit_units,"
            "     group_balance_units = u.group_balance_units,"
            "     fit_rule_ids = u.fit_rule_ids, fit_rule_groups = u.fit_rule_groups,"
            "     fit_rule_units = u.fit_rule_units, limit_rule_ids = u.limit_rule_ids,"
            "     limit_awards = u.limit_awards, limit_last_at = u.limit_last_at,"
            "     group_decay_steps = u.group_decay_steps, window_group_ids = u.window_group_ids,"
            "     window_occurred_at = u.window_occurred_at, window_units = u.window_units,"
            "     window_rule_ids = u.window_rule_ids, window_event_ids = u.window_event_ids,"
            "     maintenance_due_at = u.maintenance_due_at"
            " FROM pg_catalog.unnest($1) u"
            " WHERE s.model_id OPERATOR(pg_catalog.=) u.model_id AND s.contact_id OPERATOR(pg_catalog.=) u.contact_id",
            {rt.array_type});
        prepared_for = rt.array_type;
    }
    Datum args[1] = {array};
    update->run(args, nullptr);
}

LedgerRow ledger_row(int32_t model_id, int64_t contact_id, const core::LedgerChange& change) {
    LedgerRow row;
    row.kind = core::kind_name(change.kind);
    row.model_id = model_id;
    row.group_id = change.group_id;
    row.contact_id = contact_id;
    row.delta = change.delta;
    row.rule_id = change.rule_id;
    row.event_id = change.event_id;
    if (change.at) {
        row.occurred_at = *change.at;
        row.has_occurred_at = true;
    }
    if (change.kind == core::LedgerKind::Decay)
        row.reason = std::to_string(change.steps) + (change.steps == 1 ? " decay step" : " decay steps");
    return row;
}

void append_ledger(const std::vector<LedgerRow>& rows, Oid actor) {
    if (rows.empty()) return;
    static Statement s(
        "INSERT INTO lead_scoring.ledger"
        " (model_id, group_id, contact_id, delta, kind, rule_id, event_id, occurred_at, reason, actor, created_at)"
        " SELECT u.m, u.g, u.c, u.d, COALESCE(u.k, $9), u.r, u.e, u.o, u.n, COALESCE(u.a, $10),"
        "        COALESCE(u.t, pg_catalog.now())"
        " FROM ROWS FROM (pg_catalog.unnest($1::pg_catalog.int4[]), pg_catalog.unnest($2::pg_catalog.int4[]),"
        "   pg_catalog.unnest($3::pg_catalog.int8[]), pg_catalog.unnest($4::pg_catalog.numeric[]),"
        "   pg_catalog.unnest($5::pg_catalog.int8[]), pg_catalog.unnest($6::pg_catalog.int8[]),"
        "   pg_catalog.unnest($7::pg_catalog.timestamptz[]), pg_catalog.unnest($8::pg_catalog.text[]),"
        "   pg_catalog.unnest($11::pg_catalog.text[]), pg_catalog.unnest($12::pg_catalog.text[]),"
        "   pg_catalog.unnest($13::pg_catalog.timestamptz[]))"
        "   AS u(m, g, c, d, r, e, o, n, k, a, t)",
        {INT4ARRAYOID, INT4ARRAYOID, INT8ARRAYOID, NUMERICARRAYOID, INT8ARRAYOID, INT8ARRAYOID,
         TIMESTAMPTZARRAYOID, TEXTARRAYOID, TEXTOID, TEXTOID, TEXTARRAYOID, TEXTARRAYOID, TIMESTAMPTZARRAYOID});
    // The common kind goes once as $9; rows of another kind carry theirs in $11.
    const char* kind = rows.front().kind;
    std::vector<Datum> m, g, c, d, r, e, o, n, k;
    std::vector<bool> k_null;
    std::vector<bool> r_null, e_null, o_null, n_null;
    // Per-row actor and time: only rows written again by recompute have them, so
    // the arrays stay empty (null: the call's actor, now()) for live scoring.
    bool any_row_actor = false;
    for (const auto& row : rows) any_row_actor = any_row_actor || !row.actor.empty() || row.created_at.has_value();
    std::vector<Datum> a, t;
    std::vector<bool> a_null, t_null;
    for (const auto& row : rows) {
        m.push_back(Int32GetDatum(row.model_id));
        g.push_back(Int32GetDatum(row.group_id));
        c.push_back(Int64GetDatum(row.contact_id));
        d.push_back(numeric_from_points(row.delta));
        r.push_back(Int64GetDatum(row.rule_id));
        r_null.push_back(row.rule_id == 0);
        e.push_back(Int64GetDatum(row.event_id));
        e_null.push_back(row.event_id == 0);
        o.push_back(TimestampTzGetDatum(row.occurred_at));
        o_null.push_back(!row.has_occurred_at);
        const bool own_kind = std::strcmp(row.kind, kind) != 0;
        k_null.push_back(!own_kind);
        const char* row_kind = row.kind;
        k.push_back(own_kind ? call([&]() -> Datum { return PointerGetDatum(cstring_to_text(row_kind)); }) : Datum(0));
        const std::string& reason = row.reason;
        n_null.push_back(reason.empty());
        n.push_back(reason.empty() ? Datum(0) : call([&]() -> Datum {
            return PointerGetDatum(cstring_to_text_with_len(reason.data(), static_cast<int>(reason.size())));
        }));
        if (any_row_actor) {
            const std::string& actor_name = row.actor;
            a_null.push_back(actor_name.empty());
            a.push_back(actor_name.empty() ? Datum(0) : call([&]() -> Datum {
                return PointerGetDatum(cstring_to_text_with_len(actor_name.data(), static_cast<int>(actor_name.size())));
            }));
            t_null.push_back(!row.created_at.has_value());
            t.push_back(TimestampTzGetDatum(row.created_at.value_or(0)));
        }
    }
    const char* kind_c = kind;
    Datum args[13] = {make_array(m, {}, INT4OID),     make_array(g, {}, INT4OID),
                     make_array(c, {}, INT8OID),     make_array(d, {}, NUMERICOID),
                     make_array(r, r_null, INT8OID), make_array(e, e_null, INT8OID),
                     make_array(o, o_null, TIMESTAMPTZOID), make_array(n, n_null, TEXTOID),
                     call([&]() -> Datum { return PointerGetDatum(cstring_to_text(kind_c)); }),
                     call([&]() -> Datum { return PointerGetDatum(cstring_to_text(GetUserNameFromId(actor, false))); }),
                     make_array(k, k_null, TEXTOID), make_array(a, a_null, TEXTOID),
                     make_array(t, t_null, TIMESTAMPTZOID)};
    s.run(args, nullptr);
}

void write_alerts(const std::vector<AlertRow>& rows) {
    if (rows.empty()) return;
    static Statement s(
        "WITH a AS ("
        "  INSERT INTO lead_scoring.alerts (threshold_id, model_id, contact_id, score, event_id)"
        "  SELECT u.t, u.m, u.c, u.s, u.e"
        "    FROM ROWS FROM (pg_catalog.unnest($1::pg_catalog.int8[]), pg_catalog.unnest($2::pg_catalog.int4[]),"
        "                    pg_catalog.unnest($3::pg_catalog.int8[]), pg_catalog.unnest($4::pg_catalog.numeric[]),"
        "                    pg_catalog.unnest($5::pg_catalog.int8[]))"
        "         WITH ORDINALITY AS u(t, m, c, s, e, ord)"
        "   ORDER BY u.ord"
        "  RETURNING alert_id, threshold_id, model_id, contact_id, score)"
        " SELECT pg_catalog.pg_notify(x.channel, x.payload) FROM ("
        "  SELECT t.notify_channel AS channel, pg_catalog.json_build_object("
        "           'alert_id', a.alert_id, 'model', m.name, 'threshold', t.name,"
        "           'contact_id', a.contact_id, 'score', a.score)::pg_catalog.text AS payload"
        "    FROM a JOIN lead_scoring.thresholds t ON t.threshold_id OPERATOR(pg_catalog.=) a.threshold_id"
        "           JOIN lead_scoring.models m ON m.model_id OPERATOR(pg_catalog.=) a.model_id"
        "   WHERE t.notify_channel IS NOT NULL ORDER BY a.alert_id) x",
        {INT8ARRAYOID, INT4ARRAYOID, INT8ARRAYOID, NUMERICARRAYOID, INT8ARRAYOID});
    std::vector<Datum> t, m, c, sc, e;
    std::vector<bool> e_null;
    for (const auto& row : rows) {
        t.push_back(Int64GetDatum(row.threshold_id));
        m.push_back(Int32GetDatum(row.model_id));
        c.push_back(Int64GetDatum(row.contact_id));
        sc.push_back(numeric_from_points(row.score));
        e.push_back(Int64GetDatum(row.event_id));
        e_null.push_back(row.event_id == 0);
    }
    Datum args[5] = {make_array(t, {}, INT8OID), make_array(m, {}, INT4OID), make_array(c, {}, INT8OID),
                     make_array(sc, {}, NUMERICOID), make_array(e, e_null, INT8OID)};
    s.run(args, nullptr);
}

}  // namespace ls::pg
