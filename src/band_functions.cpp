// band_slot(): this backend's row slot in lead_scoring.band_counts
// (pg/band_counts_store.hpp), for the SQL paths that change counts (forget_contact,
// rebuild_band_counts).
#include "pg/band_counts_store.hpp"
#include "pg/guard.hpp"

extern "C" {
PG_FUNCTION_INFO_V1(lead_scoring_band_slot);
Datum lead_scoring_band_slot(PG_FUNCTION_ARGS) {
    return ls::pg::entry([&]() -> Datum { return Int32GetDatum(ls::pg::band_slot()); });
}
}
