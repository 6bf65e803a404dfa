// Rule tables: cache invalidation trigger, and the jsonpath check used when a
// condition is written.
#include "pg/rule_cache.hpp"

extern "C" {

PG_FUNCTION_INFO_V1(lead_scoring_rules_changed);
Datum lead_scoring_rules_changed(PG_FUNCTION_ARGS) {
    return ls::pg::entry([&]() -> Datum {
        if (!CALLED_AS_TRIGGER(fcinfo))
            throw ls::pg::SqlError(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED,
                                   "lead_scoring.rules_changed() must be called as a trigger");
        TriggerData* trigger = reinterpret_cast<TriggerData*>(fcinfo->context);
        ls::pg::invalidate_rules_for(RelationGetRelid(trigger->tg_relation));
        return PointerGetDatum(nullptr);
    });
}

// A condition must yield true/false/unknown: its top item is a predicate.
PG_FUNCTION_INFO_V1(lead_scoring_jsonpath_is_predicate);
Datum lead_scoring_jsonpath_is_predicate(PG_FUNCTION_ARGS) {
    JsonPath* path = PG_GETARG_JSONPATH_P(0);
    JsonPathItem item;
    jspInit(&item, path);
    bool predicate = false;
    switch (item.type) {
        case jpiAnd:
        case jpiOr:
        case jpiNot:
        case jpiIsUnknown:
        case jpiEqual:
        case jpiNotEqual:
        case jpiLess:
        case jpiGreater:
        case jpiLessOrEqual:
        case jpiGreaterOrEqual:
        case jpiExists:
        case jpiStartsWith:
        case jpiLikeRegex:
            predicate = !jspHasNext(&item);
            break;
        default:
            predicate = false;
    }
    PG_RETURN_BOOL(predicate);
}
}
