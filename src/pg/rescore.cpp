#include "pg/rescore.hpp"

#include "core/state_codec.hpp"
#include "pg/datum.hpp"
#include "pg/spi.hpp"
#include "pg/state_store.hpp"

namespace ls::pg {

namespace {

constexpr int64 kRescoreChunk = 5000;

}  // namespace

core::ModelDef load_model_shape(int32_t model_id) {
    static Statement model_row("SELECT name, min_score::pg_catalog.text, max_score::pg_catalog.text"
                               " FROM lead_scoring.models WHERE model_id OPERATOR(pg_catalog.=) $1",
                               {INT4OID});
    static Statement group_rows("SELECT group_id, max_points::pg_catalog.text, counts_toward_total"
                                " FROM lead_scoring.point_groups WHERE model_id OPERATOR(pg_catalog.=) $1"
                                " ORDER BY group_id",
                                {INT4OID});
    Datum args[1] = {Int32GetDatum(model_id)};
    core::ModelDef m;
    m.id = model_id;
    if (model_row.run(args, nullptr, true) == 0)
        throw SqlError(ERRCODE_UNDEFINED_OBJECT, "model " + std::to_string(model_id) + " does not exist");
    m.name = column_text(0, 1);
    m.min_score = optional_points(column_text(0, 2));
    m.max_score = optional_points(column_text(0, 3));
    const uint64 n = group_rows.run(args, nullptr, true);
    for (uint64 r = 0; r < n; ++r) {
        core::GroupDef g;
        g.id = column_int32(r, 1);
        g.max_points = optional_points(column_text(r, 2));
        g.counts_toward_total = column_bool(r, 3, true);
        m.groups.push_back(std::move(g));
    }
    return m;
}

int64_t rescore_model(int32_t model_id) {
    const core::ModelDef model = load_model_shape(model_id);
    // FOR UPDATE returns each row as the last transaction that held it left it, so
    // an event that held a row while the edit waited is seen with its points.
    static Statement lock_chunk(
        "SELECT contact_id, qualified, last_activity_at, state, score::pg_catalog.text,"
        "       fit_score::pg_catalog.text, behavior_score::pg_catalog.text"
        "  FROM lead_scoring.contact_scores"
        " WHERE model_id OPERATOR(pg_catalog.=) $1 AND contact_id OPERATOR(pg_catalog.>) $2"
        " ORDER BY contact_id LIMIT $3 FOR UPDATE",
        {INT4OID, INT8OID, INT8OID});
    static Statement update(
        "UPDATE lead_scoring.contact_scores s"
        " SET score = u.score, fit_score = u.fit_score, behavior_score = u.behavior_score,"
        "     state = u.state, updated_at = pg_catalog.now()"
        " FROM ROWS FROM (pg_catalog.unnest($2::pg_catalog.int8[]), pg_catalog.unnest($3::pg_catalog.numeric[]),"
        "   pg_catalog.unnest($4::pg_catalog.numeric[]), pg_catalog.unnest($5::pg_catalog.numeric[]),"
        "   pg_catalog.unnest($6::pg_catalog.bytea[])) AS u(contact_id, score, fit_score, behavior_score, state)"
        " WHERE s.model_id OPERATOR(pg_catalog.=) $1 AND s.contact_id OPERATOR(pg_catalog.=) u.contact_id",
        {INT4OID, INT8ARRAYOID, NUMERICARRAYOID, NUMERICARRAYOID, NUMERICARRAYOID, BYTEAARRAYOID});
    int64_t changed = 0;
    int64 after = INT64_MIN;
    for (;;) {
        call([] { CHECK_FOR_INTERRUPTS(); });
        Datum args[3] = {Int32GetDatum(model_id), Int64GetDatum(after), Int64GetDatum(kRescoreChunk)};
        const uint64 n = lock_chunk.run(args, nullptr);
        std::vector<Datum> contact, score, fit, behavior, state;
        for (uint64 r = 0; r < n; ++r) {
            const ResultRow row(r);
            const int64_t contact_id = row.int64_value(1);
            after = contact_id;
            const core::ContactState s = state_from_row(row, 2, model_id, contact_id);
            const core::Snapshot now = core::snapshot(model, s);
            const std::string bytes = core::encode_state(model, s);
            bool isnull;
            const Datum stored = row.value(4, &isnull);
            const bool same_bytes = !isnull && call([&]() -> bool {
                bytea* b = DatumGetByteaPP(stored);
                return VARSIZE_ANY_EXHDR(b) == bytes.size() && memcmp(VARDATA_ANY(b), bytes.data(), bytes.size()) == 0;
            });
            if (same_bytes && core::Points::parse(row.text(5)) == now.total &&
                core::Points::parse(row.text(6)) == now.fit_score && core::Points::parse(row.text(7)) == now.behavior_score)
                continue;
            contact.push_back(Int64GetDatum(contact_id));
            score.push_back(numeric_from_points(now.total));
            fit.push_back(numeric_from_points(now.fit_score));
            behavior.push_back(numeric_from_points(now.behavior_score));
            state.push_back(state_datum(bytes));
        }
        if (!contact.empty()) {
            Datum uargs[6] = {Int32GetDatum(model_id), make_array(contact, {}, INT8OID),
                              make_array(score, {}, NUMERICOID), make_array(fit, {}, NUMERICOID),
                              make_array(behavior, {}, NUMERICOID), make_array(state, {}, BYTEAOID)};
            update.run(uargs, nullptr);
            changed += static_cast<int64_t>(contact.size());
        }
        if (n < static_cast<uint64>(kRescoreChunk)) break;
    }
    return changed;
}

}  // namespace ls::pg
