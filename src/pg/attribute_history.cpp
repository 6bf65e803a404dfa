#include "pg/attribute_history.hpp"

#include "pg/datum.hpp"
#include "pg/placement.hpp"
#include "pg/spi.hpp"

namespace ls::pg {

void append_attribute_history(const std::vector<AttributeChange>& changes, Oid actor) {
    if (changes.empty()) return;
    static Statement s(
        "INSERT INTO lead_scoring.contact_attribute_history (change_id, contact_id, changed_at, attributes, actor)"
        " OVERRIDING SYSTEM VALUE"
        " SELECT pg_catalog.nextval('lead_scoring.contact_attribute_history_change_id_seq'::pg_catalog.regclass)"
        "        OPERATOR(pg_catalog.+) $5, u.c, u.t, u.a, $4"
        "   FROM ROWS FROM (pg_catalog.unnest($1::pg_catalog.int8[]), pg_catalog.unnest($2::pg_catalog.timestamptz[]),"
        "                   pg_catalog.unnest($3::pg_catalog.jsonb[])) AS u(c, t, a)",
        {INT8ARRAYOID, TIMESTAMPTZARRAYOID, JSONBARRAYOID, TEXTOID, INT8OID});  // (change_id: pg/placement.hpp)
    std::vector<Datum> c, t, a;
    c.reserve(changes.size());
    t.reserve(changes.size());
    a.reserve(changes.size());
    for (const auto& ch : changes) {
        c.push_back(Int64GetDatum(ch.contact_id));
        t.push_back(TimestampTzGetDatum(ch.changed_at));
        a.push_back(ch.attributes);
    }
    Datum args[5] = {make_array(c, {}, INT8OID), make_array(t, {}, TIMESTAMPTZOID), make_array(a, {}, JSONBOID),
                     call([&]() -> Datum { return PointerGetDatum(cstring_to_text(GetUserNameFromId(actor, false))); }),
                     Int64GetDatum(node_id_offset())};
    s.run(args, nullptr);
}

}  // namespace ls::pg
