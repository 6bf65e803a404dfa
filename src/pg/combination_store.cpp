#include "pg/combination_store.hpp"

#include <algorithm>
#include <map>
#include <tuple>

#include "pg/datum.hpp"
#include "pg/spi.hpp"

namespace ls::pg {

namespace {

#define LS_SET_COLUMNS "c.contact_id, c.model_id, c.rule_id, c.correlation, c.facts, c.points::pg_catalog.text"

// Fills the states from the rows of SPI_tuptable (LS_SET_COLUMNS).
void take_rows(uint64 n, const std::vector<core::ModelDef>& models, std::vector<StoredState>& states) {
    std::map<std::pair<int64_t, int32_t>, StoredState*> by_key;
    for (auto& st : states) by_key[{st.contact_id, st.model_id}] = &st;
    for (uint64 r = 0; r < n; ++r) {
        const ResultRow row(r);
        auto it = by_key.find({row.int64_value(1), row.int32_value(2)});
        if (it == by_key.end()) continue;
        StoredState& st = *it->second;
        core::CombinationSet set;
        set.rule_id = row.int64_value(3);
        set.correlation = row.text(4);
        set.value = core::Points::parse(row.text(6));
        const core::ModelDef* model = nullptr;
        for (const auto& m : models)
            if (m.id == st.model_id) model = &m;
        const core::CombinationRuleDef* rule = model ? model->combination_rule(set.rule_id) : nullptr;
        bool isnull;
        Datum facts = row.value(5, &isnull);
        if (rule)
            for (Datum fact : array_elements(facts, TEXTOID, "combination_sets.facts"))
                set.facts |= rule->bit_of(text_value(fact));
        st.loaded_combinations.push_back(set);
        // A set of a rule not in use is read (recompute then deletes it) but not held.
        if (rule) st.state.combination(set.rule_id, set.correlation) = set;
    }
}

// {"a","b"}: a text[] literal of the facts of `set`, by name.
std::string facts_literal(const core::CombinationRuleDef& rule, core::FactSet facts) {
    std::string out = "{";
    for (size_t i = 0; i < rule.facts.size() && i < 64; ++i) {
        if (!(facts & (core::FactSet{1} << i))) continue;
        if (out.size() > 1) out += ',';
        out += '"';
        for (char ch : rule.facts[i]) {
            if (ch == '"' || ch == '\\') out += '\\';
            out += ch;
        }
        out += '"';
    }
    return out + "}";
}

bool by_key(const core::CombinationSet& a, const core::CombinationSet& b) {
    return std::tie(a.rule_id, a.correlation) < std::tie(b.rule_id, b.correlation);
}

}  // namespace

void load_combination_sets(const std::vector<core::ModelDef>& models, std::vector<StoredState>& states,
                           std::vector<CorrelationKey> keys) {
    if (keys.empty() || states.empty()) return;
    sort_unique(keys);
    std::vector<Datum> contacts, model_ids, rules, correlations;
    for (const auto& k : keys) {
        contacts.push_back(Int64GetDatum(k.contact_id));
        model_ids.push_back(Int32GetDatum(k.model_id));
        rules.push_back(Int64GetDatum(k.rule_id));
        correlations.push_back(text_datum(k.correlation));
    }
    static Statement s(
        "SELECT " LS_SET_COLUMNS
        "  FROM ROWS FROM (pg_catalog.unnest($1::pg_catalog.int8[]), pg_catalog.unnest($2::pg_catalog.int4[]),"
        "                  pg_catalog.unnest($3::pg_catalog.int8[]), pg_catalog.unnest($4::pg_catalog.text[]))"
        "       k(contact_id, model_id, rule_id, correlation)"
        "  JOIN lead_scoring.combination_sets c"
        "    ON c.contact_id OPERATOR(pg_catalog.=) k.contact_id AND c.model_id OPERATOR(pg_catalog.=) k.model_id"
        "   AND c.rule_id OPERATOR(pg_catalog.=) k.rule_id AND c.correlation OPERATOR(pg_catalog.=) k.correlation",
        {INT8ARRAYOID, INT4ARRAYOID, INT8ARRAYOID, TEXTARRAYOID});
    Datum args[4] = {make_array(contacts, {}, INT8OID), make_array(model_ids, {}, INT4OID),
                     make_array(rules, {}, INT8OID), make_array(correlations, {}, TEXTOID)};
    take_rows(s.run(args, nullptr), models, states);  // a new snapshot: sets this statement wrote are seen
}

void load_all_combination_sets(const std::vector<core::ModelDef>& models, std::vector<StoredState>& states) {
    std::vector<int64_t> contacts;
    std::vector<int32_t> model_ids;
    for (const auto& st : states) {
        contacts.push_back(st.contact_id);
        model_ids.push_back(st.model_id);
    }
    if (contacts.empty()) return;
    static Statement s("SELECT " LS_SET_COLUMNS " FROM lead_scoring.combination_sets c"
                       " WHERE c.contact_id OPERATOR(pg_catalog.=) ANY ($1)"
                       "   AND c.model_id OPERATOR(pg_catalog.=) ANY ($2)",
                       {INT8ARRAYOID, INT4ARRAYOID});
    Datum args[2] = {int8_array(contacts), int4_array(model_ids)};
    take_rows(s.run(args, nullptr), models, states);
}
#undef LS_SET_COLUMNS

void write_combination_sets(const std::vector<StoredState>& states) {
    std::vector<Datum> dc, dm, dr, dk;          // to delete
    std::vector<Datum> uc, um, ur, uk, uf, up;  // to insert or update
    std::vector<core::CombinationSet> before;
    for (const auto& st : states) {
        if (!st.changed || !st.model || (st.loaded_combinations.empty() && st.state.combinations.empty())) continue;
        before = st.loaded_combinations;
        std::sort(before.begin(), before.end(), by_key);
        const auto& after = st.state.combinations;  // kept sorted by the core
        walk_changes(
            before, after, by_key,
            [&](const core::CombinationSet& gone) {
                dc.push_back(Int64GetDatum(st.contact_id));
                dm.push_back(Int32GetDatum(st.model_id));
                dr.push_back(Int64GetDatum(gone.rule_id));
                dk.push_back(text_datum(gone.correlation));
            },
            [&](const core::CombinationSet& now, const core::CombinationSet* loaded) {
                if (loaded && loaded->facts == now.facts && loaded->value == now.value) return;
                const core::CombinationRuleDef* rule = st.model->combination_rule(now.rule_id);
                if (!rule) return;
                uc.push_back(Int64GetDatum(st.contact_id));
                um.push_back(Int32GetDatum(st.model_id));
                ur.push_back(Int64GetDatum(now.rule_id));
                uk.push_back(text_datum(now.correlation));
                uf.push_back(text_datum(facts_literal(*rule, now.facts)));
                up.push_back(numeric_from_points(now.value));
            });
    }
    if (!dc.empty()) {
        static Statement del(
            "DELETE FROM lead_scoring.combination_sets c"
            " USING ROWS FROM (pg_catalog.unnest($1::pg_catalog.int8[]), pg_catalog.unnest($2::pg_catalog.int4[]),"
            "   pg_catalog.unnest($3::pg_catalog.int8[]), pg_catalog.unnest($4::pg_catalog.text[]))"
            "   d(contact_id, model_id, rule_id, correlation)"
            " WHERE c.contact_id OPERATOR(pg_catalog.=) d.contact_id AND c.model_id OPERATOR(pg_catalog.=) d.model_id"
            "   AND c.rule_id OPERATOR(pg_catalog.=) d.rule_id AND c.correlation OPERATOR(pg_catalog.=) d.correlation",
            {INT8ARRAYOID, INT4ARRAYOID, INT8ARRAYOID, TEXTARRAYOID});
        Datum args[4] = {make_array(dc, {}, INT8OID), make_array(dm, {}, INT4OID), make_array(dr, {}, INT8OID),
                         make_array(dk, {}, TEXTOID)};
        del.run(args, nullptr);
    }
    if (!uc.empty()) {
        static Statement upsert(
            "INSERT INTO lead_scoring.combination_sets AS c (contact_id, model_id, rule_id, correlation, facts, points)"
            " SELECT u.contact_id, u.model_id, u.rule_id, u.correlation, u.facts::pg_catalog.text[], u.points"
            "   FROM ROWS FROM (pg_catalog.unnest($1::pg_catalog.int8[]), pg_catalog.unnest($2::pg_catalog.int4[]),"
            "     pg_catalog.unnest($3::pg_catalog.int8[]), pg_catalog.unnest($4::pg_catalog.text[]),"
            "     pg_catalog.unnest($5::pg_catalog.text[]), pg_catalog.unnest($6::pg_catalog.numeric[]))"
            "     u(contact_id, model_id, rule_id, correlation, facts, points)"
            " ON CONFLICT (contact_id, model_id, rule_id, correlation) DO UPDATE"
            "   SET facts = EXCLUDED.facts, points = EXCLUDED.points, updated_at = pg_catalog.now()",
            {INT8ARRAYOID, INT4ARRAYOID, INT8ARRAYOID, TEXTARRAYOID, TEXTARRAYOID, NUMERICARRAYOID});
        Datum args[6] = {make_array(uc, {}, INT8OID), make_array(um, {}, INT4OID), make_array(ur, {}, INT8OID),
                         make_array(uk, {}, TEXTOID), make_array(uf, {}, TEXTOID), make_array(up, {}, NUMERICOID)};
        upsert.run(args, nullptr);
    }
}

}  // namespace ls::pg
