#include "pg/matcher.hpp"

namespace ls::pg {

bool jsonb_contains_datum(Datum doc, Datum match) {
    return call([&]() -> bool { return DatumGetBool(DirectFunctionCall2(jsonb_contains, doc, match)); });
}

bool jsonpath_holds(Datum doc, Datum path) {
    return call([&]() -> bool {
        LOCAL_FCINFO(fcinfo, 2);
        InitFunctionCallInfoData(*fcinfo, nullptr, 2, InvalidOid, nullptr, nullptr);
        fcinfo->args[0].value = doc;
        fcinfo->args[0].isnull = false;
        fcinfo->args[1].value = path;
        fcinfo->args[1].isnull = false;
        Datum result = jsonb_path_match_opr(fcinfo);  // silent: unknown -> NULL
        return !fcinfo->isnull && DatumGetBool(result);
    });
}

}  // namespace ls::pg
