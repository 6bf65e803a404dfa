// The erasure that forget_contact is doing, which the guards on the ledger, the
// contacts and the score rows let through (sql/parts/09_operations.sql). It lives in
// this backend's memory, set and cleared only by functions no role but the
// extension's owner may call, and dropped when the (sub)transaction that began it
// ends: unlike a setting, nobody can switch the guards off by hand.
#include "pg/guard.hpp"

extern "C" {
#include "access/xact.h"
}

namespace {

bool erasing = false;
int64 erasing_contact = 0;
SubTransactionId erasing_in = InvalidSubTransactionId;

void forget_erasure() {
    erasing = false;
    erasing_contact = 0;
    erasing_in = InvalidSubTransactionId;
}

void on_xact_end(XactEvent event, void*) {
    if (event == XACT_EVENT_COMMIT || event == XACT_EVENT_ABORT || event == XACT_EVENT_PREPARE ||
        event == XACT_EVENT_PARALLEL_COMMIT || event == XACT_EVENT_PARALLEL_ABORT)
        forget_erasure();
}

void on_subxact_end(SubXactEvent event, SubTransactionId sub, SubTransactionId, void*) {
    // A rolled-back savepoint at or above the erasure's level takes the erasure with it.
    if (event == SUBXACT_EVENT_ABORT_SUB && erasing && sub <= erasing_in) forget_erasure();
}

void register_callbacks_once() {
    static bool registered = false;
    if (registered) return;
    RegisterXactCallback(on_xact_end, nullptr);
    RegisterSubXactCallback(on_subxact_end, nullptr);
    registered = true;
}

}  // namespace

extern "C" {

// lead_scoring.begin_erasure(contact_id): owner only (forget_contact).
PG_FUNCTION_INFO_V1(lead_scoring_begin_erasure);
Datum lead_scoring_begin_erasure(PG_FUNCTION_ARGS) {
    return ls::pg::entry([&]() -> Datum {
        if (PG_ARGISNULL(0)) throw ls::pg::SqlError(ERRCODE_NULL_VALUE_NOT_ALLOWED, "begin_erasure: contact_id must not be null");
        register_callbacks_once();
        erasing = true;
        erasing_contact = PG_GETARG_INT64(0);
        erasing_in = GetCurrentSubTransactionId();
        PG_RETURN_VOID();
    });
}

// lead_scoring.end_erasure(): owner only (forget_contact, when it is done).
PG_FUNCTION_INFO_V1(lead_scoring_end_erasure);
Datum lead_scoring_end_erasure(PG_FUNCTION_ARGS) {
    forget_erasure();
    PG_RETURN_VOID();
}

// lead_scoring.erasing(contact_id): is forget_contact erasing this contact right now?
PG_FUNCTION_INFO_V1(lead_scoring_erasing);
Datum lead_scoring_erasing(PG_FUNCTION_ARGS) {
    PG_RETURN_BOOL(!PG_ARGISNULL(0) && erasing && erasing_contact == PG_GETARG_INT64(0));
}
}
