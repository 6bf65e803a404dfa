// The erasure that forget_contact is doing, which the guards on the ledger, the
// contacts and the score rows let through (sql/parts/09_operations.sql). It lives in
// this backend's memory, set and cleared only by functions no role but the
// extension's owner may call, and dropped when the (sub)transaction that began it
// ends: unlike a setting, nobody can switch the guards off by hand.
#include "pg/guard.hpp"
#include "pg/ledger_guard.hpp"

extern "C" {
#include "access/xact.h"
}

namespace {

bool rewriting_ledger = false;  // recompute is replacing ledger rows (pg/ledger_guard.hpp)
int32_t dropping_model = 0;      // a deleted model's rows are being deleted (pg/ledger_guard.hpp)
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
        event == XACT_EVENT_PARALLEL_COMMIT || event == XACT_EVENT_PARALLEL_ABORT) {
        forget_erasure();
        rewriting_ledger = false;
        dropping_model = 0;
    }
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

namespace ls::pg {
LedgerRewrite::LedgerRewrite() {
    register_callbacks_once();
    rewriting_ledger = true;
}
LedgerRewrite::~LedgerRewrite() { rewriting_ledger = false; }
ModelDrop::ModelDrop(int32_t model_id) {
    register_callbacks_once();
    dropping_model = model_id;
}
ModelDrop::~ModelDrop() { dropping_model = 0; }
}  // namespace ls::pg

extern "C" {

// lead_scoring.ledger_append_only(): BEFORE UPDATE OR DELETE (row) and BEFORE
// TRUNCATE (statement) on lead_scoring.ledger. A row may be deleted only by
// forget_contact erasing its contact, or by recompute replacing it; everything else
// is refused, even to the owner. (In C: recompute deletes many rows at once.)
PG_FUNCTION_INFO_V1(lead_scoring_ledger_append_only);
Datum lead_scoring_ledger_append_only(PG_FUNCTION_ARGS) {
    return ls::pg::entry([&]() -> Datum {
        if (!CALLED_AS_TRIGGER(fcinfo))
            throw ls::pg::SqlError(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED,
                                   "lead_scoring.ledger_append_only() must be called as a trigger");
        TriggerData* trigger = reinterpret_cast<TriggerData*>(fcinfo->context);
        const TriggerEvent event = trigger->tg_event;
        if (TRIGGER_FIRED_BY_DELETE(event) && TRIGGER_FIRED_FOR_ROW(event)) {
            if (rewriting_ledger) return PointerGetDatum(trigger->tg_trigtuple);
            if (erasing) {
                const bool of_erased = ls::pg::call([&]() -> bool {
                    TupleDesc desc = RelationGetDescr(trigger->tg_relation);
                    const int attnum = SPI_fnumber(desc, "contact_id");
                    bool isnull = true;
                    const Datum contact = attnum > 0 ? heap_getattr(trigger->tg_trigtuple, attnum, desc, &isnull) : 0;
                    return !isnull && DatumGetInt64(contact) == erasing_contact;
                });
                if (of_erased) return PointerGetDatum(trigger->tg_trigtuple);
            }
        }
        const char* op = TRIGGER_FIRED_BY_DELETE(event) ? "DELETE" : TRIGGER_FIRED_BY_UPDATE(event) ? "UPDATE" : "TRUNCATE";
        throw ls::pg::SqlError(ERRCODE_INSUFFICIENT_PRIVILEGE,
                               std::string("lead_scoring.ledger is append-only: ") + op + " refused",
                               "Correct a score with lead_scoring.adjust() or reset(); erase a contact with forget_contact().");
    });
}

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

// lead_scoring.dropping_model(model_id): are this model's rows being deleted with it?
PG_FUNCTION_INFO_V1(lead_scoring_dropping_model);
Datum lead_scoring_dropping_model(PG_FUNCTION_ARGS) {
    PG_RETURN_BOOL(!PG_ARGISNULL(0) && dropping_model != 0 && dropping_model == PG_GETARG_INT32(0));
}

// lead_scoring.erasing(contact_id): is forget_contact erasing this contact right now?
PG_FUNCTION_INFO_V1(lead_scoring_erasing);
Datum lead_scoring_erasing(PG_FUNCTION_ARGS) {
    PG_RETURN_BOOL(!PG_ARGISNULL(0) && erasing && erasing_contact == PG_GETARG_INT64(0));
}
}
