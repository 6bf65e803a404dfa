#include "pg/absence_store.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "pg/datum.hpp"
#include "pg/spi.hpp"

namespace ls::pg {

namespace {

#define LS_DEADLINE_COLUMNS                                                                                \
    "d.contact_id, d.model_id, d.rule_id, d.correlation, d.anchor_event_id, d.deadline_at, d.expected_at, " \
    "d.penalty::pg_catalog.text, d.taken_back"

bool by_key(const core::AbsenceDeadline& a, const core::AbsenceDeadline& b) {
    return std::tie(a.rule_id, a.correlation) < std::tie(b.rule_id, b.correlation);
}

std::optional<core::Micros> optional_time(const ResultRow& row, int col) {
    bool isnull;
    Datum d = row.value(col, &isnull);
    if (isnull) return std::nullopt;
    return DatumGetTimestampTz(d);
}

// Fills the states from the rows of SPI_tuptable (LS_DEADLINE_COLUMNS); a row read
// twice (by key and as due) is taken once.
void take_rows(uint64 n, std::map<std::pair<int64_t, int32_t>, StoredState*>& by_state,
               std::set<std::tuple<int64_t, int32_t, int64_t, std::string>>& taken) {
    for (uint64 r = 0; r < n; ++r) {
        const ResultRow row(r);
        auto it = by_state.find({row.int64_value(1), row.int32_value(2)});
        if (it == by_state.end()) continue;
        core::AbsenceDeadline d;
        d.rule_id = row.int64_value(3);
        d.correlation = row.text(4);
        if (!taken.emplace(row.int64_value(1), row.int32_value(2), d.rule_id, d.correlation).second) continue;
        d.anchor_event_id = row.int64_value(5);
        d.deadline = optional_time(row, 6);
        d.expected_at = optional_time(row, 7);
        if (!row.is_null(8)) d.penalty = core::Points::parse(row.text(8));
        d.taken_back = row.bool_value(9);
        StoredState& st = *it->second;
        st.loaded_absences.push_back(d);
        st.state.absence(d.rule_id, d.correlation) = d;
    }
}

}  // namespace

void load_absence_deadlines(const std::vector<core::ModelDef>& models, std::vector<StoredState>& states,
                            AwardHorizon horizon, std::vector<CorrelationKey> keys) {
    std::set<int32_t> with_rules;
    for (const auto& m : models)
        if (!m.absence_rules.empty()) with_rules.insert(m.id);
    if (with_rules.empty() || states.empty()) return;
    std::map<std::pair<int64_t, int32_t>, StoredState*> by_state;
    std::vector<int64_t> contacts;
    std::vector<int32_t> model_ids;
    for (auto& st : states) {
        if (!with_rules.count(st.model_id)) continue;
        by_state[{st.contact_id, st.model_id}] = &st;
        contacts.push_back(st.contact_id);
        model_ids.push_back(st.model_id);
    }
    if (by_state.empty()) return;
    std::set<std::tuple<int64_t, int32_t, int64_t, std::string>> taken;

    sort_unique(keys);
    std::vector<Datum> kc, km, kr, kk;
    for (const auto& k : keys) {
        kc.push_back(Int64GetDatum(k.contact_id));
        km.push_back(Int32GetDatum(k.model_id));
        kr.push_back(Int64GetDatum(k.rule_id));
        kk.push_back(text_datum(k.correlation));
    }
    if (!keys.empty()) {
        static Statement by_key_stmt(
            "SELECT " LS_DEADLINE_COLUMNS
            "  FROM ROWS FROM (pg_catalog.unnest($1::pg_catalog.int8[]), pg_catalog.unnest($2::pg_catalog.int4[]),"
            "                  pg_catalog.unnest($3::pg_catalog.int8[]), pg_catalog.unnest($4::pg_catalog.text[]))"
            "       k(contact_id, model_id, rule_id, correlation)"
            "  JOIN lead_scoring.absence_deadlines d"
            "    ON d.contact_id OPERATOR(pg_catalog.=) k.contact_id AND d.model_id OPERATOR(pg_catalog.=) k.model_id"
            "   AND d.rule_id OPERATOR(pg_catalog.=) k.rule_id AND d.correlation OPERATOR(pg_catalog.=) k.correlation",
            {INT8ARRAYOID, INT4ARRAYOID, INT8ARRAYOID, TEXTARRAYOID});
        Datum args[4] = {make_array(kc, {}, INT8OID), make_array(km, {}, INT4OID), make_array(kr, {}, INT8OID),
                         make_array(kk, {}, TEXTOID)};
        take_rows(by_key_stmt.run(args, nullptr), by_state, taken);  // a new snapshot: this statement's rows are seen
    }

    if (!horizon.until) {
        static Statement all("SELECT " LS_DEADLINE_COLUMNS " FROM lead_scoring.absence_deadlines d"
                             " WHERE d.contact_id OPERATOR(pg_catalog.=) ANY ($1)"
                             "   AND d.model_id OPERATOR(pg_catalog.=) ANY ($2)",
                             {INT8ARRAYOID, INT4ARRAYOID});
        Datum args[2] = {int8_array(contacts), int4_array(model_ids)};
        take_rows(all.run(args, nullptr), by_state, taken);
    } else {
        // Per state: the pending deadlines that fire by the horizon, and the next one
        // of a rule in use among those not read by key (a keyed one may be settled by
        // this statement: the next after it must be at hand for the due time).
        std::vector<int64_t> rules_in_use;
        for (const auto& m : models)
            for (const auto& r : m.absence_rules) rules_in_use.push_back(r.id);
        static Statement due(
            "SELECT " LS_DEADLINE_COLUMNS
            "  FROM ROWS FROM (pg_catalog.unnest($1::pg_catalog.int8[]), pg_catalog.unnest($2::pg_catalog.int4[]))"
            "       s(contact_id, model_id),"
            "       LATERAL ((SELECT * FROM lead_scoring.absence_deadlines x"
            "                  WHERE x.contact_id OPERATOR(pg_catalog.=) s.contact_id"
            "                    AND x.model_id OPERATOR(pg_catalog.=) s.model_id"
            "                    AND x.due_at OPERATOR(pg_catalog.<) $3)"
            "                UNION ALL"
            "                (SELECT * FROM lead_scoring.absence_deadlines n"
            "                  WHERE n.contact_id OPERATOR(pg_catalog.=) s.contact_id"
            "                    AND n.model_id OPERATOR(pg_catalog.=) s.model_id"
            "                    AND n.due_at OPERATOR(pg_catalog.>=) $3"
            "                    AND n.rule_id OPERATOR(pg_catalog.=) ANY ($4)"
            "                    AND NOT EXISTS (SELECT 1 FROM ROWS FROM (pg_catalog.unnest($5::pg_catalog.int8[]),"
            "                          pg_catalog.unnest($6::pg_catalog.int4[]), pg_catalog.unnest($7::pg_catalog.int8[]),"
            "                          pg_catalog.unnest($8::pg_catalog.text[])) k(c, m, r, q)"
            "                         WHERE k.c OPERATOR(pg_catalog.=) n.contact_id AND k.m OPERATOR(pg_catalog.=) n.model_id"
            "                           AND k.r OPERATOR(pg_catalog.=) n.rule_id AND k.q OPERATOR(pg_catalog.=) n.correlation)"
            "                  ORDER BY n.due_at LIMIT 1)) d",
            {INT8ARRAYOID, INT4ARRAYOID, TIMESTAMPTZOID, INT8ARRAYOID, INT8ARRAYOID, INT4ARRAYOID, INT8ARRAYOID,
             TEXTARRAYOID});
        // A horizon before every time (a fit): only the next ones.
        const TimestampTz until = *horizon.until == INT64_MIN ? DT_NOBEGIN : *horizon.until;
        Datum args[8] = {int8_array(contacts), int4_array(model_ids), TimestampTzGetDatum(until), int8_array(rules_in_use),
                         make_array(kc, {}, INT8OID), make_array(km, {}, INT4OID), make_array(kr, {}, INT8OID),
                         make_array(kk, {}, TEXTOID)};
        take_rows(due.run(args, nullptr), by_state, taken);
    }
}
#undef LS_DEADLINE_COLUMNS

void write_absence_deadlines(const std::vector<StoredState>& states) {
    std::vector<Datum> dc, dm, dr, dk;  // to delete
    std::vector<Datum> uc, um, ur, uk, ua, ud, ue, up, ut, uu;
    std::vector<bool> ua_null, ud_null, ue_null, up_null, uu_null;
    std::vector<core::AbsenceDeadline> before;
    auto same = [](const core::AbsenceDeadline& x, const core::AbsenceDeadline& y) {
        return x.deadline == y.deadline && x.anchor_event_id == y.anchor_event_id && x.expected_at == y.expected_at &&
               x.penalty == y.penalty && x.taken_back == y.taken_back;
    };
    for (const auto& st : states) {
        if (!st.changed || (st.loaded_absences.empty() && st.state.absences.empty())) continue;
        before = st.loaded_absences;
        std::sort(before.begin(), before.end(), by_key);
        const auto& after = st.state.absences;  // kept sorted by the core
        walk_changes(
            before, after, by_key,
            [&](const core::AbsenceDeadline& gone) {
                dc.push_back(Int64GetDatum(st.contact_id));
                dm.push_back(Int32GetDatum(st.model_id));
                dr.push_back(Int64GetDatum(gone.rule_id));
                dk.push_back(text_datum(gone.correlation));
            },
            [&](const core::AbsenceDeadline& d, const core::AbsenceDeadline* loaded) {
                if (loaded && same(*loaded, d)) return;
                uc.push_back(Int64GetDatum(st.contact_id));
                um.push_back(Int32GetDatum(st.model_id));
                ur.push_back(Int64GetDatum(d.rule_id));
                uk.push_back(text_datum(d.correlation));
                ua.push_back(Int64GetDatum(d.anchor_event_id));
                ua_null.push_back(d.anchor_event_id == 0);
                ud.push_back(TimestampTzGetDatum(d.deadline.value_or(0)));
                ud_null.push_back(!d.deadline);
                ue.push_back(TimestampTzGetDatum(d.expected_at.value_or(0)));
                ue_null.push_back(!d.expected_at);
                up.push_back(d.penalty ? numeric_from_points(*d.penalty) : Datum(0));
                up_null.push_back(!d.penalty);
                ut.push_back(BoolGetDatum(d.taken_back));
                uu.push_back(TimestampTzGetDatum(d.pending() ? *d.deadline : 0));
                uu_null.push_back(!d.pending());
            });
    }
    if (!dc.empty()) {
        static Statement del(
            "DELETE FROM lead_scoring.absence_deadlines d"
            " USING ROWS FROM (pg_catalog.unnest($1::pg_catalog.int8[]), pg_catalog.unnest($2::pg_catalog.int4[]),"
            "   pg_catalog.unnest($3::pg_catalog.int8[]), pg_catalog.unnest($4::pg_catalog.text[]))"
            "   k(contact_id, model_id, rule_id, correlation)"
            " WHERE d.contact_id OPERATOR(pg_catalog.=) k.contact_id AND d.model_id OPERATOR(pg_catalog.=) k.model_id"
            "   AND d.rule_id OPERATOR(pg_catalog.=) k.rule_id AND d.correlation OPERATOR(pg_catalog.=) k.correlation",
            {INT8ARRAYOID, INT4ARRAYOID, INT8ARRAYOID, TEXTARRAYOID});
        Datum args[4] = {make_array(dc, {}, INT8OID), make_array(dm, {}, INT4OID), make_array(dr, {}, INT8OID),
                         make_array(dk, {}, TEXTOID)};
        del.run(args, nullptr);
    }
    if (!uc.empty()) {
        static Statement upsert(
            "INSERT INTO lead_scoring.absence_deadlines AS d (contact_id, model_id, rule_id, correlation,"
            "   anchor_event_id, deadline_at, expected_at, penalty, taken_back, due_at)"
            " SELECT * FROM ROWS FROM (pg_catalog.unnest($1::pg_catalog.int8[]), pg_catalog.unnest($2::pg_catalog.int4[]),"
            "     pg_catalog.unnest($3::pg_catalog.int8[]), pg_catalog.unnest($4::pg_catalog.text[]),"
            "     pg_catalog.unnest($5::pg_catalog.int8[]), pg_catalog.unnest($6::pg_catalog.timestamptz[]),"
            "     pg_catalog.unnest($7::pg_catalog.timestamptz[]), pg_catalog.unnest($8::pg_catalog.numeric[]),"
            "     pg_catalog.unnest($9::pg_catalog.bool[]), pg_catalog.unnest($10::pg_catalog.timestamptz[]))"
            " ON CONFLICT (contact_id, model_id, rule_id, correlation) DO UPDATE"
            "   SET anchor_event_id = EXCLUDED.anchor_event_id, deadline_at = EXCLUDED.deadline_at,"
            "       expected_at = EXCLUDED.expected_at, penalty = EXCLUDED.penalty, taken_back = EXCLUDED.taken_back,"
            "       due_at = EXCLUDED.due_at, updated_at = pg_catalog.now()",
            {INT8ARRAYOID, INT4ARRAYOID, INT8ARRAYOID, TEXTARRAYOID, INT8ARRAYOID, TIMESTAMPTZARRAYOID,
             TIMESTAMPTZARRAYOID, NUMERICARRAYOID, BOOLARRAYOID, TIMESTAMPTZARRAYOID});
        Datum args[10] = {make_array(uc, {}, INT8OID),          make_array(um, {}, INT4OID),
                          make_array(ur, {}, INT8OID),          make_array(uk, {}, TEXTOID),
                          make_array(ua, ua_null, INT8OID),     make_array(ud, ud_null, TIMESTAMPTZOID),
                          make_array(ue, ue_null, TIMESTAMPTZOID), make_array(up, up_null, NUMERICOID),
                          make_array(ut, {}, BOOLOID),          make_array(uu, uu_null, TIMESTAMPTZOID)};
        upsert.run(args, nullptr);
    }
}

}  // namespace ls::pg
