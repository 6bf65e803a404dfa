// Reads the rows of a trigger's transition table (REFERENCING NEW/OLD TABLE)
// straight from its tuplestore, one slot at a time, without copying the batch.
#pragma once
#include "pg/guard.hpp"

extern "C" {
#include "executor/tuptable.h"
#include "utils/tuplestore.h"
}

namespace ls::pg {

class TransitionReader {
public:
    TransitionReader(Tuplestorestate* store, TupleDesc desc);
    // Advances to the next row; false at the end.
    bool next();
    int attnum(const char* column) const;  // 1-based, errors if missing
    Datum value(int attnum, bool* isnull) const;
    TupleDesc desc() const { return desc_; }

private:
    Tuplestorestate* store_;
    TupleDesc desc_;
    TupleTableSlot* slot_ = nullptr;
    int read_pointer_ = 0;
};

// Checks that fcinfo is an AFTER ... FOR EACH STATEMENT trigger call with the
// transition tables this function needs; errors name the function.
TriggerData* statement_trigger_data(FunctionCallInfo fcinfo, const char* function, bool needs_old);

}  // namespace ls::pg
