// lead_scoring.rule_cache_stats(): what this backend's compiled-rule cache holds.
#include "pg/privileges.hpp"
#include "pg/rule_cache.hpp"
#include "pg/spi.hpp"

extern "C" {
PG_FUNCTION_INFO_V1(lead_scoring_rule_cache_stats);
Datum lead_scoring_rule_cache_stats(PG_FUNCTION_ARGS) {
    return ls::pg::entry([&]() -> Datum {
        auto rules = ls::pg::as_extension_owner(fcinfo, [&](Oid) {
            ls::pg::connect();
            auto loaded = ls::pg::current_rules();
            ls::pg::finish();
            return loaded;
        });
        size_t attribute_rules = 0, thresholds = 0;
        for (const auto& m : rules->models) {
            attribute_rules += m.attribute_rules.size();
            thresholds += m.thresholds.size();
        }
        Datum values[7] = {Int32GetDatum(static_cast<int32>(rules->models.size())),
                           Int32GetDatum(static_cast<int32>(rules->event_rule_count())),
                           Int32GetDatum(static_cast<int32>(attribute_rules)),
                           Int32GetDatum(static_cast<int32>(thresholds)),
                           Int32GetDatum(static_cast<int32>(rules->by_event_type.size())),
                           Int64GetDatum(static_cast<int64>(rules->bytes())),
                           Int64GetDatum(ls::pg::rule_cache_builds())};
        return ls::pg::call([&]() -> Datum {
            TupleDesc desc;
            if (get_call_result_type(fcinfo, nullptr, &desc) != TYPEFUNC_COMPOSITE)
                elog(ERROR, "lead_scoring.rule_cache_stats: return type must be a row type");
            bool nulls[7] = {};
            return HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(desc), values, nulls));
        });
    });
}
}
