// Rows into the materialised result of a set-returning function: every SQL
// function of the extension that returns a table starts its result with
// materialise() and hands each row to the `put` it is given.
#pragma once
#include <memory>
#include <vector>

#include "pg/guard.hpp"
#include "pg/spi.hpp"

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

// Puts each of the `n` rows the last SPI statement left in SPI_tuptable, as they
// are (its columns the function's, in order): for a function whose rows come from
// a query run elsewhere (on Citus, in a shard).
template <typename Put>
void put_result_rows(uint64 n, Put&& put) {
    const int columns = SPI_tuptable->tupdesc->natts;
    std::vector<Datum> values(columns);
    std::unique_ptr<bool[]> nulls(new bool[columns]);
    for (uint64 r = 0; r < n; ++r) {
        const ResultRow row(r);
        for (int c = 0; c < columns; ++c) values[c] = row.value(c + 1, &nulls[c]);
        put(values.data(), nulls.get());
    }
}

}  // namespace ls::pg
