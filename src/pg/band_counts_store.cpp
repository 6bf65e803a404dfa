#include "pg/band_counts_store.hpp"

#include <vector>

#include "pg/datum.hpp"
#include "pg/placement.hpp"
#include "pg/spi.hpp"

extern "C" {
#include "storage/backendid.h"
}

namespace ls::pg {

namespace {

std::string int128_text(__int128 v) {
    if (v == 0) return "0";
    const bool negative = v < 0;
    unsigned __int128 u = negative ? static_cast<unsigned __int128>(-(v + 1)) + 1 : static_cast<unsigned __int128>(v);
    std::string digits;
    while (u > 0) {
        digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(u % 10)));
        u /= 10;
    }
    return negative ? "-" + digits : digits;
}

}  // namespace

int32_t band_slot() { return MyBackendId; }

void write_band_changes(const core::BandChanges& changes) {
    std::vector<Datum> models, bands, contacts, converted, days;
    for (const auto& [key, d] : changes.deltas()) {
        if (d.zero()) continue;
        models.push_back(Int32GetDatum(key.first));
        bands.push_back(text_datum(key.second));
        contacts.push_back(Int64GetDatum(d.contacts));
        converted.push_back(Int64GetDatum(d.converted));
        days.push_back(text_datum(int128_text(d.days_us)));
    }
    if (models.empty()) return;
    // In key order (the map's): one backend's rows, locked in one order.
    static Statement upsert(
        "INSERT INTO lead_scoring.band_counts AS b (model_id, band, slot, contacts, converted, days_us, shard_key)"
        " SELECT u.m, u.b, $6, u.c, u.v, u.d::pg_catalog.numeric, $7"
        "   FROM ROWS FROM (pg_catalog.unnest($1::pg_catalog.int4[]), pg_catalog.unnest($2::pg_catalog.text[]),"
        "     pg_catalog.unnest($3::pg_catalog.int8[]), pg_catalog.unnest($4::pg_catalog.int8[]),"
        "     pg_catalog.unnest($5::pg_catalog.text[])) u(m, b, c, v, d)"
        " ON CONFLICT (model_id, band, slot, shard_key) DO UPDATE"
        "   SET contacts = b.contacts + EXCLUDED.contacts, converted = b.converted + EXCLUDED.converted,"
        "       days_us = b.days_us + EXCLUDED.days_us",
        {INT4ARRAYOID, TEXTARRAYOID, INT8ARRAYOID, INT8ARRAYOID, TEXTARRAYOID, INT4OID, INT8OID});
    const Placement* placement = current_placement();
    Datum args[7] = {make_array(models, {}, INT4OID), make_array(bands, {}, TEXTOID), make_array(contacts, {}, INT8OID),
                     make_array(converted, {}, INT8OID), make_array(days, {}, TEXTOID), Int32GetDatum(band_slot()),
                     Int64GetDatum(placement ? placement->shard_key : 0)};
    upsert.run(args, nullptr);
}

}  // namespace ls::pg
