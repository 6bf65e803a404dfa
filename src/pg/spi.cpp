#include "pg/spi.hpp"

#include "pg/placement.hpp"

#include <exception>

namespace ls::pg {

uint64 Statement::run(const Datum* args, const char* nulls, bool read_only) {
    const Placement* placement = current_placement();
    if (planning_ == Planning::EachRun) {
        const std::string text = placement ? placed_sql(sql_, *placement) : sql_;
        const char* sql = text.c_str();
        const int nargs = static_cast<int>(arg_types_.size());
        Oid* types = arg_types_.data();
        return call([&]() -> uint64 {
            const int rc = SPI_execute_with_args(sql, nargs, types, const_cast<Datum*>(args), nulls, read_only, 0);
            if (rc < 0) elog(ERROR, "lead_scoring: SPI_execute_with_args failed (%s): %s", SPI_result_code_string(rc), sql);
            return SPI_processed;
        });
    }
    SPIPlanPtr& slot = placement ? placed_plans_[placement->plan_key] : plan_;
    if (!slot) {
        const std::string text = placement ? placed_sql(sql_, *placement) : sql_;
        const char* sql = text.c_str();
        int nargs = static_cast<int>(arg_types_.size());
        Oid* types = arg_types_.data();
        slot = call([&]() -> SPIPlanPtr {
            // Always the generic plan: the arguments are arrays whose size the planner
            // cannot use well anyway, and re-planning every single-row statement
            // (the custom-plan default) costs as much as the scoring itself.
            SPIPlanPtr p = SPI_prepare_cursor(sql, nargs, types, CURSOR_OPT_GENERIC_PLAN);
            if (p == nullptr) elog(ERROR, "lead_scoring: SPI_prepare failed (%s): %s", SPI_result_code_string(SPI_result), sql);
            if (SPI_keepplan(p) != 0) elog(ERROR, "lead_scoring: SPI_keepplan failed");
            return p;
        });
    }
    SPIPlanPtr plan = slot;
    const char* sql = sql_.c_str();
    const bool by_tid = planning_ == Planning::ByTid;
    return call([&]() -> uint64 {
        // The generic plan is made (and remade after an invalidation) inside the
        // execution, so the setting holds around it. On an error the (sub)transaction's
        // abort puts the setting back, as for a function's SET clause.
        const int guc_level = by_tid ? NewGUCNestLevel() : 0;
        if (by_tid)
            (void)set_config_option("enable_seqscan", "off", PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE, true, 0,
                                    false);
        int rc = SPI_execute_plan(plan, const_cast<Datum*>(args), nulls, read_only, 0);
        if (by_tid) AtEOXact_GUC(true, guc_level);
        if (rc < 0) elog(ERROR, "lead_scoring: SPI_execute_plan failed (%s): %s", SPI_result_code_string(rc), sql);
        return SPI_processed;
    });
}

uint64 run_sql(const char* written, bool read_only) {
    const Placement* placement = current_placement();
    const std::string text = placement ? placed_sql(written, *placement) : std::string(written);
    const char* sql = text.c_str();
    return call([&]() -> uint64 {
        int rc = SPI_execute(sql, read_only, 0);
        if (rc < 0) elog(ERROR, "lead_scoring: SPI_execute failed (%s): %s", SPI_result_code_string(rc), sql);
        return SPI_processed;
    });
}

std::string sql_literal(const std::string& value) {
    return call([&]() -> const char* { return quote_literal_cstr(value.c_str()); });
}

Datum column(uint64 row, int col, bool* isnull) {
    return call([&]() -> Datum { return SPI_getbinval(SPI_tuptable->vals[row], SPI_tuptable->tupdesc, col, isnull); });
}

bool column_is_null(uint64 row, int col) {
    bool isnull = false;
    column(row, col, &isnull);
    return isnull;
}

int64 column_int64(uint64 row, int col, int64 if_null) {
    bool isnull = false;
    Datum d = column(row, col, &isnull);
    return isnull ? if_null : DatumGetInt64(d);
}

int32 column_int32(uint64 row, int col, int32 if_null) {
    bool isnull = false;
    Datum d = column(row, col, &isnull);
    return isnull ? if_null : DatumGetInt32(d);
}

bool column_bool(uint64 row, int col, bool if_null) {
    bool isnull = false;
    Datum d = column(row, col, &isnull);
    return isnull ? if_null : DatumGetBool(d);
}

std::string column_text(uint64 row, int col) {
    char* value = call([&]() -> char* { return SPI_getvalue(SPI_tuptable->vals[row], SPI_tuptable->tupdesc, col); });
    return value ? std::string(value) : std::string();
}

ResultRow::ResultRow(uint64 row) {
    const int n = SPI_tuptable->tupdesc->natts;
    values_.resize(n);
    nulls_.reset(new bool[n]);
    Datum* values = values_.data();
    bool* nulls = nulls_.get();
    call([&] { heap_deform_tuple(SPI_tuptable->vals[row], SPI_tuptable->tupdesc, values, nulls); });
}

Datum ResultRow::value(int col, bool* isnull) const {
    *isnull = nulls_[col - 1];
    return values_[col - 1];
}

int64 ResultRow::int64_value(int col, int64 if_null) const {
    return nulls_[col - 1] ? if_null : DatumGetInt64(values_[col - 1]);
}

int32 ResultRow::int32_value(int col, int32 if_null) const {
    return nulls_[col - 1] ? if_null : DatumGetInt32(values_[col - 1]);
}

bool ResultRow::bool_value(int col, bool if_null) const {
    return nulls_[col - 1] ? if_null : DatumGetBool(values_[col - 1]);
}

std::string ResultRow::text(int col) const {
    if (nulls_[col - 1]) return std::string();
    const Datum d = values_[col - 1];
    struct varlena* t = call([&]() -> struct varlena* {
        return pg_detoast_datum_packed(reinterpret_cast<struct varlena*>(DatumGetPointer(d)));
    });
    return std::string(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
}

void release_result() {
    call([] {
        if (SPI_tuptable != nullptr) SPI_freetuptable(SPI_tuptable);
        SPI_tuptable = nullptr;
    });
}

ScratchMemory::ScratchMemory(const char* name) : unwinding_(std::uncaught_exceptions()) {
    context_ = call([&]() -> MemoryContext { return AllocSetContextCreateInternal(CurrentMemoryContext, name, ALLOCSET_DEFAULT_SIZES); });
    previous_ = MemoryContextSwitchTo(context_);
}

ScratchMemory::~ScratchMemory() {
    // (cannot fail: no call() needed, and a destructor must not throw)
    MemoryContextSwitchTo(previous_);
    if (std::uncaught_exceptions() == unwinding_) MemoryContextDelete(context_);
}

void connect() {
    call([] {
        if (SPI_connect() != SPI_OK_CONNECT) elog(ERROR, "lead_scoring: SPI_connect failed");
    });
}

void finish() {
    call([] {
        if (SPI_finish() != SPI_OK_FINISH) elog(ERROR, "lead_scoring: SPI_finish failed");
    });
}

}  // namespace ls::pg
