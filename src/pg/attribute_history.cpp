#include "pg/attribute_history.hpp"

#include "pg/datum.hpp"
#include "pg/spi.hpp"

namespace ls::pg {

void append_attribute_history(const std::vector<AttributeChange>& changes, Oid actor) {
    if (changes.empty()) return;
    static Statement s(
        "INSERT INTO lead_scoring.contact_attribute_history (contact_id, changed_at, attributes, actor)"
        " SELECT u.c, u.t, u.a, $4"
        "   FROM ROWS FROM (pg_catalog.unnest($1::pg_catalog.int8[]), pg_catalog.unnest($2::pg_catalog.timestamptz[]),"
        "                   pg_catalog.unnest($3::pg_catalog.jsonb[])) AS u(c, t, a)",
        {INT8ARRAYOID, TIMESTAMPTZARRAYOID, JSONBARRAYOID, TEXTOID});
    std::vector<Datum> c, t, a;
    c.reserve(changes.size());
    t.reserve(changes.size());
    a.reserve(changes.size());
    for (const auto& ch : changes) {
        c.push_back(Int64GetDatum(ch.contact_id));
        t.push_back(TimestampTzGetDatum(ch.changed_at));
        a.push_back(ch.attributes);
    }
    Datum args[4] = {make_array(c, {}, INT8OID), make_array(t, {}, TIMESTAMPTZOID), make_array(a, {}, JSONBOID),
                     call([&]() -> Datum { return PointerGetDatum(cstring_to_text(GetUserNameFromId(actor, false))); })};
    s.run(args, nullptr);
}

}  // namespace ls::pg
