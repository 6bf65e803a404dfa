#include "pg/transition_table.hpp"

#include <string>

extern "C" {
#include "executor/executor.h"
}

namespace ls::pg {

TransitionReader::TransitionReader(Tuplestorestate* store, TupleDesc desc) : store_(store), desc_(desc) {
    Tuplestorestate* s = store;
    TupleDesc d = desc;
    struct Opened {
        TupleTableSlot* slot;
        int pointer;
    };
    Opened o = call([&]() -> Opened {
        // Our own read pointer, as a NamedTuplestoreScan does: other triggers of the
        // statement may read the same store.
        int ptr = tuplestore_alloc_read_pointer(s, EXEC_FLAG_REWIND);
        tuplestore_select_read_pointer(s, ptr);
        tuplestore_rescan(s);
        // A private copy of the descriptor: a slot on the relation's own (refcounted)
        // descriptor would pin it until we dropped the slot explicitly.
        return Opened{MakeSingleTupleTableSlot(CreateTupleDescCopy(d), &TTSOpsMinimalTuple), ptr};
    });
    slot_ = o.slot;
    read_pointer_ = o.pointer;
}

bool TransitionReader::next() {
    Tuplestorestate* s = store_;
    TupleTableSlot* slot = slot_;
    int ptr = read_pointer_;
    return call([&]() -> bool {
        tuplestore_select_read_pointer(s, ptr);
        return tuplestore_gettupleslot(s, true, false, slot);
    });
}

int TransitionReader::attnum(const char* column) const {
    for (int i = 0; i < desc_->natts; ++i) {
        Form_pg_attribute att = TupleDescAttr(desc_, i);
        if (!att->attisdropped && std::string(NameStr(att->attname)) == column) return i + 1;
    }
    throw SqlError(ERRCODE_UNDEFINED_COLUMN, std::string("lead_scoring: transition table has no column \"") + column + "\"");
}

Datum TransitionReader::value(int attnum, bool* isnull) const {
    TupleTableSlot* slot = slot_;
    return call([&]() -> Datum { return slot_getattr(slot, attnum, isnull); });
}

TriggerData* statement_trigger_data(FunctionCallInfo fcinfo, const char* function, bool needs_old) {
    if (!CALLED_AS_TRIGGER(fcinfo))
        throw SqlError(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED,
                       std::string("lead_scoring.") + function + "() must be called as a trigger");
    TriggerData* td = reinterpret_cast<TriggerData*>(fcinfo->context);
    if (!TRIGGER_FIRED_AFTER(td->tg_event) || !TRIGGER_FIRED_FOR_STATEMENT(td->tg_event) || td->tg_newtable == nullptr ||
        (needs_old && td->tg_oldtable == nullptr))
        throw SqlError(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED,
                       std::string("lead_scoring.") + function +
                           "() must be an AFTER ... FOR EACH STATEMENT trigger with a transition table");
    return td;
}

}  // namespace ls::pg
