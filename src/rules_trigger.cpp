// Rule tables: cache invalidation trigger, and the jsonpath checks used when a
// condition is written.
#include "pg/placement.hpp"
#include "pg/rule_cache.hpp"

extern "C" {

PG_FUNCTION_INFO_V1(lead_scoring_rules_changed);
Datum lead_scoring_rules_changed(PG_FUNCTION_ARGS) {
    return ls::pg::entry([&]() -> Datum {
        if (!CALLED_AS_TRIGGER(fcinfo))
            throw ls::pg::SqlError(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED,
                                   "lead_scoring.rules_changed() must be called as a trigger");
        TriggerData* trigger = reinterpret_cast<TriggerData*>(fcinfo->context);
        // On Citus the trigger fires on each node's placement of the reference table
        // (models_102008): the cache watches the table itself (models).
        ls::pg::invalidate_rules_for(ls::pg::logical_relation(trigger->tg_relation));
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

// Calls visit(item) for every item of the jsonpath (operands, filters, subscripts,
// like_regex and datetime arguments, and every step after them) until it returns
// true. Walks the binary form; the jsp* readers only follow offsets and raise no
// error. A deep path must not overflow the stack: PostgreSQL's own check ereports,
// which is safe here: these frames own nothing that needs a destructor, and
// neither may `visit`.
template <typename Visit>
bool any_item(JsonPathItem item, Visit& visit) {
    check_stack_depth();
    for (;;) {
        if (visit(item)) return true;
        JsonPathItem a, b;
        switch (item.type) {
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
                if (any_item(a, visit) || any_item(b, visit)) return true;
                break;
            case jpiNot:
            case jpiIsUnknown:
            case jpiExists:
            case jpiPlus:
            case jpiMinus:
            case jpiFilter:
                jspGetArg(&item, &a);
                if (any_item(a, visit)) return true;
                break;
            case jpiDatetime:  // its template argument is optional
                if (item.content.arg) {
                    jspGetArg(&item, &a);
                    if (any_item(a, visit)) return true;
                }
                break;
            case jpiLikeRegex:
                jspInitByBuffer(&a, item.base, item.content.like_regex.expr);
                if (any_item(a, visit)) return true;
                break;
            case jpiIndexArray:
                for (int i = 0; i < item.content.array.nelems; ++i) {
                    const bool range = jspGetArraySubscript(&item, &a, &b, i);
                    if (any_item(a, visit) || (range && any_item(b, visit))) return true;
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
    auto is_variable = [](const JsonPathItem& i) { return i.type == jpiVariable; };
    PG_RETURN_BOOL(any_item(item, is_variable));
}

// The templates of the jsonpath's .datetime("template") calls. PostgreSQL checks a
// template only when it evaluates it, and an invalid one raises an error even in
// silent mode: check_condition tries each one when the condition is written.
PG_FUNCTION_INFO_V1(lead_scoring_jsonpath_datetime_templates);
Datum lead_scoring_jsonpath_datetime_templates(PG_FUNCTION_ARGS) {
    JsonPath* path = PG_GETARG_JSONPATH_P(0);
    JsonPathItem item;
    jspInit(&item, path);
    ArrayBuildState* templates = nullptr;
    MemoryContext context = CurrentMemoryContext;
    auto collect = [&](const JsonPathItem& i) {
        if (i.type == jpiDatetime && i.content.arg) {
            JsonPathItem arg;
            jspGetArg(const_cast<JsonPathItem*>(&i), &arg);
            if (arg.type == jpiString) {
                int32 len = 0;
                char* text = jspGetString(&arg, &len);
                templates = accumArrayResult(templates, PointerGetDatum(cstring_to_text_with_len(text, len)), false,
                                             TEXTOID, context);
            }
        }
        return false;
    };
    any_item(item, collect);
    if (!templates) PG_RETURN_NULL();
    PG_RETURN_DATUM(makeArrayResult(templates, context));
}
}
