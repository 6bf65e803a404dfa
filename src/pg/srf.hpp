// Rows into the materialised result of a set-returning function: every SQL
// function of the extension that returns a table starts its result with
// materialise() and hands each row to the `put` it is given.
#pragma once
#include "pg/guard.hpp"

namespace ls::pg {

template <typename EachRow>
void materialise(FunctionCallInfo fcinfo, EachRow&& each_row) {
    call([&] { InitMaterializedSRF(fcinfo, 0); });
    ReturnSetInfo* rsinfo = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
    each_row([&](Datum* values, bool* nulls) {
        call([&] {
            MemoryContext old = MemoryContextSwitchTo(rsinfo->econtext->ecxt_per_query_memory);
            tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
            MemoryContextSwitchTo(old);
        });
    });
}

}  // namespace ls::pg
