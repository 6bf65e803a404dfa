#include "pg/matcher.hpp"

namespace ls::pg {

bool jsonb_contains_datum(Datum doc, Datum match) {
    return call([&]() -> bool { return DatumGetBool(DirectFunctionCall2(jsonb_contains, doc, match)); });
}

namespace {

// '{}'::jsonb, made once per backend: the (no) variables of every condition.
Datum no_variables() {
    static Datum empty = 0;
    if (empty == 0) {
        empty = call([]() -> Datum {
            MemoryContext old = MemoryContextSwitchTo(TopMemoryContext);
            Datum d = DirectFunctionCall1(jsonb_in, CStringGetDatum("{}"));
            MemoryContextSwitchTo(old);
            return d;
        });
    }
    return empty;
}

}  // namespace

namespace {

// Calls a jsonb_path_*_tz function as doc, path, no variables, silent => true;
// returns its result, or 0 when it returned null.
Datum call_silent_path_function(PGFunction function, Datum doc, Datum path) {
    const Datum vars = no_variables();
    return call([&]() -> Datum {
        LOCAL_FCINFO(fcinfo, 4);
        InitFunctionCallInfoData(*fcinfo, nullptr, 4, InvalidOid, nullptr, nullptr);
        fcinfo->args[0].value = doc;
        fcinfo->args[0].isnull = false;
        fcinfo->args[1].value = path;
        fcinfo->args[1].isnull = false;
        fcinfo->args[2].value = vars;
        fcinfo->args[2].isnull = false;
        fcinfo->args[3].value = BoolGetDatum(true);  // silent: errors -> unknown -> NULL
        fcinfo->args[3].isnull = false;
        Datum result = function(fcinfo);
        return fcinfo->isnull ? Datum(0) : result;
    });
}

}  // namespace

bool jsonpath_holds(Datum doc, Datum path) {
    // (a false result is Datum 0 too: either way the predicate does not hold)
    return DatumGetBool(call_silent_path_function(jsonb_path_match_tz, doc, path));
}

Datum jsonpath_first(Datum doc, Datum path) { return call_silent_path_function(jsonb_path_query_first_tz, doc, path); }

std::optional<std::string> property_text(Datum doc, const std::string& key) {
    // PostgreSQL's part makes a palloc'd C string (nothing with a destructor lives
    // where an error could unwind); the std::string is made after it returned.
    const char* found = call([&]() -> const char* {
        Jsonb* jb = DatumGetJsonbP(doc);
        if (!JB_ROOT_IS_OBJECT(jb)) return nullptr;
        JsonbValue v;
        if (!getKeyJsonValueFromContainer(&jb->root, key.data(), static_cast<int>(key.size()), &v)) return nullptr;
        switch (v.type) {
            case jbvNull:
                return nullptr;
            case jbvString:
                return pnstrdup(v.val.string.val, v.val.string.len);
            case jbvBool:
                return v.val.boolean ? "true" : "false";
            case jbvNumeric:
                return DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(v.val.numeric)));
            default:  // an object or array: its JSON text
                return JsonbToCString(nullptr, v.val.binary.data, v.val.binary.len);
        }
    });
    if (!found) return std::nullopt;
    return std::string(found);
}

}  // namespace ls::pg
