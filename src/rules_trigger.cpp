// Rule tables: cache invalidation trigger, and the jsonpath checks used when a
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

}  // extern "C"

namespace {

// Does the jsonpath refer to a $variable anywhere (operands, filters, subscripts,
// like_regex and datetime arguments, and every step after them)? Walks the binary
// form; the jsp* readers only follow offsets and raise no error.
bool uses_variables(JsonPathItem item) {
    // A deep path must not overflow the stack: PostgreSQL's own check ereports, which
    // is safe here (these frames own nothing that needs a destructor).
    check_stack_depth();
    for (;;) {
        JsonPathItem a, b;
        switch (item.type) {
            case jpiVariable:
                return true;
            case jpiAnd:
            case jpiOr:
            case jpiEqual:
            case jpiNotEqual:
            case jpiLess:
            case jpiGreater:
            case jpiLessOrEqual:
            case jpiGreaterOrEqual:
            case jpiAdd:
            case jpiSub:
            case jpiMul:
            case jpiDiv:
            case jpiMod:
            case jpiStartsWith:
                jspGetLeftArg(&item, &a);
                jspGetRightArg(&item, &b);
                if (uses_variables(a) || uses_variables(b)) return true;
                break;
            case jpiNot:
            case jpiIsUnknown:
            case jpiExists:
            case jpiPlus:
            case jpiMinus:
            case jpiFilter:
                jspGetArg(&item, &a);
                if (uses_variables(a)) return true;
                break;
            case jpiDatetime:  // its template argument is optional
                if (item.content.arg) {
                    jspGetArg(&item, &a);
                    if (uses_variables(a)) return true;
                }
                break;
            case jpiLikeRegex:
                jspInitByBuffer(&a, item.base, item.content.like_regex.expr);
                if (uses_variables(a)) return true;
                break;
            case jpiIndexArray:
                for (int i = 0; i < item.content.array.nelems; ++i) {
                    const bool range = jspGetArraySubscript(&item, &a, &b, i);
                    if (uses_variables(a) || (range && uses_variables(b))) return true;
                }
                break;
            default:
                break;
        }
        JsonPathItem next;
        if (!jspGetNext(&item, &next)) return false;
        item = next;
    }
}

}  // namespace

extern "C" {

// Conditions are evaluated without variables: one that names a $variable would fail
// on every event, so it is refused when written (check_condition).
PG_FUNCTION_INFO_V1(lead_scoring_jsonpath_uses_variables);
Datum lead_scoring_jsonpath_uses_variables(PG_FUNCTION_ARGS) {
    JsonPath* path = PG_GETARG_JSONPATH_P(0);
    JsonPathItem item;
    jspInit(&item, path);
    PG_RETURN_BOOL(uses_variables(item));
}
}
