#include "pg/window_store.hpp"

#include <algorithm>
#include <map>
#include <tuple>

#include "pg/datum.hpp"
#include "pg/spi.hpp"

namespace ls::pg {

namespace {

// An award's key in the table: (group, event time, event) within a contact's model.
auto key(const core::WindowAward& a) { return std::make_tuple(a.group_id, a.occurred_at, a.event_id); }
bool by_key(const core::WindowAward& a, const core::WindowAward& b) { return key(a) < key(b); }

core::Micros minus_saturating(core::Micros t, core::Micros d) {
    return t < INT64_MIN + d ? INT64_MIN : t - d;
}

#define LS_AWARD_COLUMNS \
    "w.contact_id, w.model_id, w.group_id, w.occurred_at, w.points::pg_catalog.text, w.rule_id, w.event_id"

uint64 read_until(const std::vector<int64_t>& contacts, const std::vector<int32_t>& models,
                  const std::vector<int32_t>& groups, const std::vector<core::Micros>& cutoffs) {
    // Per contact and windowed group: the awards that expire by the horizon (those
    // dated up to its cutoff), and the next one after them (for the due time).
    static Statement s(
        "SELECT " LS_AWARD_COLUMNS
        "  FROM pg_catalog.unnest($1::pg_catalog.int8[]) c(contact_id),"
        "       ROWS FROM (pg_catalog.unnest($2::pg_catalog.int4[]), pg_catalog.unnest($3::pg_catalog.int4[]),"
        "                  pg_catalog.unnest($4::pg_catalog.timestamptz[])) g(model_id, group_id, cutoff),"
        "       LATERAL ((SELECT * FROM lead_scoring.window_awards d"
        "                  WHERE d.contact_id OPERATOR(pg_catalog.=) c.contact_id"
        "                    AND d.model_id OPERATOR(pg_catalog.=) g.model_id"
        "                    AND d.group_id OPERATOR(pg_catalog.=) g.group_id"
        "                    AND d.occurred_at OPERATOR(pg_catalog.<=) g.cutoff)"
        "                UNION ALL"
        "                (SELECT * FROM lead_scoring.window_awards n"
        "                  WHERE n.contact_id OPERATOR(pg_catalog.=) c.contact_id"
        "                    AND n.model_id OPERATOR(pg_catalog.=) g.model_id"
        "                    AND n.group_id OPERATOR(pg_catalog.=) g.group_id"
        "                    AND n.occurred_at OPERATOR(pg_catalog.>) g.cutoff"
        "                  ORDER BY n.occurred_at, n.event_id LIMIT 1)) w",
        {INT8ARRAYOID, INT4ARRAYOID, INT4ARRAYOID, TIMESTAMPTZARRAYOID});
    std::vector<Datum> cut;
    for (core::Micros t : cutoffs) cut.push_back(TimestampTzGetDatum(t));
    Datum args[4] = {int8_array(contacts), int4_array(models), int4_array(groups), make_array(cut, {}, TIMESTAMPTZOID)};
    return s.run(args, nullptr);  // a new snapshot: awards this statement wrote are seen
}

uint64 read_all(const std::vector<int64_t>& contacts, const std::vector<int32_t>& models) {
    static Statement s("SELECT " LS_AWARD_COLUMNS " FROM lead_scoring.window_awards w"
                       " WHERE w.contact_id OPERATOR(pg_catalog.=) ANY ($1)"
                       "   AND w.model_id OPERATOR(pg_catalog.=) ANY ($2)",
                       {INT8ARRAYOID, INT4ARRAYOID});
    Datum args[2] = {int8_array(contacts), int4_array(models)};
    return s.run(args, nullptr);  // a new snapshot: awards this statement wrote are seen
}
#undef LS_AWARD_COLUMNS

}  // namespace

void load_window_awards(const std::vector<core::ModelDef>& models, std::vector<StoredState>& states,
                        AwardHorizon horizon) {
    std::vector<int32_t> model_ids, group_models, group_ids;
    std::vector<core::Micros> cutoffs;
    for (const auto& m : models) {
        bool windowed = false;
        for (const auto& g : m.groups) {
            if (!g.window) continue;
            windowed = true;
            group_models.push_back(m.id);
            group_ids.push_back(g.id);
            cutoffs.push_back(horizon.until ? minus_saturating(*horizon.until, *g.window) : INT64_MAX);
        }
        if (windowed) model_ids.push_back(m.id);
    }
    if (model_ids.empty() || states.empty()) return;
    std::map<std::pair<int64_t, int32_t>, StoredState*> by_key;
    std::vector<int64_t> contacts;
    for (auto& st : states) {
        by_key[{st.contact_id, st.model_id}] = &st;
        if (contacts.empty() || contacts.back() != st.contact_id) contacts.push_back(st.contact_id);
    }
    std::sort(contacts.begin(), contacts.end());
    contacts.erase(std::unique(contacts.begin(), contacts.end()), contacts.end());

    const uint64 n = horizon.until ? read_until(contacts, group_models, group_ids, cutoffs)
                                   : read_all(contacts, model_ids);
    for (uint64 r = 0; r < n; ++r) {
        const ResultRow row(r);
        auto it = by_key.find({row.int64_value(1), row.int32_value(2)});
        if (it == by_key.end()) continue;
        bool isnull;
        core::WindowAward a;
        a.group_id = row.int32_value(3);
        a.occurred_at = DatumGetTimestampTz(row.value(4, &isnull));
        a.delta = core::Points::parse(row.text(5));
        a.rule_id = row.int64_value(6);
        a.event_id = row.int64_value(7);
        it->second->loaded_awards.push_back(a);
    }
    for (auto& st : states) {
        // In time order, as the core appends them.
        std::sort(st.loaded_awards.begin(), st.loaded_awards.end(), [](const auto& a, const auto& b) {
            return std::make_tuple(a.occurred_at, a.event_id, a.group_id) <
                   std::make_tuple(b.occurred_at, b.event_id, b.group_id);
        });
        st.state.window_awards = st.loaded_awards;
    }
}

void write_window_awards(const std::vector<StoredState>& states) {
    std::vector<Datum> dc, dm, dg, dt, de;                  // to delete
    std::vector<Datum> ic, im, ig, it, ie, ir, ip;          // to insert
    std::vector<core::WindowAward> before, after, gone, added;
    for (const auto& st : states) {
        if (!st.changed || (st.loaded_awards.empty() && st.state.window_awards.empty())) continue;
        before = st.loaded_awards;
        after = st.state.window_awards;
        std::sort(before.begin(), before.end(), by_key);
        std::sort(after.begin(), after.end(), by_key);
        gone.clear();
        added.clear();
        std::set_difference(before.begin(), before.end(), after.begin(), after.end(), std::back_inserter(gone), by_key);
        std::set_difference(after.begin(), after.end(), before.begin(), before.end(), std::back_inserter(added), by_key);
        for (const auto& a : gone) {
            dc.push_back(Int64GetDatum(st.contact_id));
            dm.push_back(Int32GetDatum(st.model_id));
            dg.push_back(Int32GetDatum(a.group_id));
            dt.push_back(TimestampTzGetDatum(a.occurred_at));
            de.push_back(Int64GetDatum(a.event_id));
        }
        for (const auto& a : added) {
            ic.push_back(Int64GetDatum(st.contact_id));
            im.push_back(Int32GetDatum(st.model_id));
            ig.push_back(Int32GetDatum(a.group_id));
            it.push_back(TimestampTzGetDatum(a.occurred_at));
            ie.push_back(Int64GetDatum(a.event_id));
            ir.push_back(Int64GetDatum(a.rule_id));
            ip.push_back(numeric_from_points(a.delta));
        }
    }
    if (!dc.empty()) {
        static Statement del(
            "DELETE FROM lead_scoring.window_awards w"
            " USING ROWS FROM (pg_catalog.unnest($1::pg_catalog.int8[]), pg_catalog.unnest($2::pg_catalog.int4[]),"
            "   pg_catalog.unnest($3::pg_catalog.int4[]), pg_catalog.unnest($4::pg_catalog.timestamptz[]),"
            "   pg_catalog.unnest($5::pg_catalog.int8[])) d(contact_id, model_id, group_id, occurred_at, event_id)"
            " WHERE w.contact_id OPERATOR(pg_catalog.=) d.contact_id AND w.model_id OPERATOR(pg_catalog.=) d.model_id"
            "   AND w.group_id OPERATOR(pg_catalog.=) d.group_id AND w.occurred_at OPERATOR(pg_catalog.=) d.occurred_at"
            "   AND w.event_id OPERATOR(pg_catalog.=) d.event_id",
            {INT8ARRAYOID, INT4ARRAYOID, INT4ARRAYOID, TIMESTAMPTZARRAYOID, INT8ARRAYOID});
        Datum args[5] = {make_array(dc, {}, INT8OID), make_array(dm, {}, INT4OID), make_array(dg, {}, INT4OID),
                         make_array(dt, {}, TIMESTAMPTZOID), make_array(de, {}, INT8OID)};
        del.run(args, nullptr);
    }
    if (!ic.empty()) {
        static Statement ins(
            "INSERT INTO lead_scoring.window_awards (contact_id, model_id, group_id, occurred_at, event_id, rule_id, points)"
            " SELECT * FROM ROWS FROM (pg_catalog.unnest($1::pg_catalog.int8[]), pg_catalog.unnest($2::pg_catalog.int4[]),"
            "   pg_catalog.unnest($3::pg_catalog.int4[]), pg_catalog.unnest($4::pg_catalog.timestamptz[]),"
            "   pg_catalog.unnest($5::pg_catalog.int8[]), pg_catalog.unnest($6::pg_catalog.int8[]),"
            "   pg_catalog.unnest($7::pg_catalog.numeric[]))",
            {INT8ARRAYOID, INT4ARRAYOID, INT4ARRAYOID, TIMESTAMPTZARRAYOID, INT8ARRAYOID, INT8ARRAYOID,
             NUMERICARRAYOID});
        Datum args[7] = {make_array(ic, {}, INT8OID), make_array(im, {}, INT4OID), make_array(ig, {}, INT4OID),
                         make_array(it, {}, TIMESTAMPTZOID), make_array(ie, {}, INT8OID), make_array(ir, {}, INT8OID),
                         make_array(ip, {}, NUMERICOID)};
        ins.run(args, nullptr);
    }
}

}  // namespace ls::pg
