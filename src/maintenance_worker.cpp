// The background worker that runs maintenance (decay and window expiry).
//
// A launcher (one static worker, registered when the library is preloaded) wakes
// every lead_scoring.maintenance_interval and, for each database in
// lead_scoring.database, starts a short-lived worker connected to it. That worker
// runs maintenance batches, one transaction each, and exits. Why short-lived:
//  * DROP DATABASE waits (5 s) for sessions connected to the database and then
//    fails; a connected worker would block it. Ours stays connected for at most
//    kConnectionBudgetMs of work (plus one batch), and the launcher starts the
//    next one only after it has gone; one that arrives during a DROP waits for
//    the drop at connection time, before it counts as connected, and then fails.
//  * A database-connected process cannot move to another database.
// The launcher is started only once recovery has finished, so a standby runs no
// maintenance, and a promoted standby starts it. SIGTERM ends the launcher (the
// postmaster restarts it after kRestartSeconds); SIGHUP reloads the settings.
//
// These are C-style frames: no C++ object with a destructor lives here, because
// an ereport (even FATAL, through proc_exit) must not unwind through one. The
// work itself runs in SQL functions (lead_scoring.maintenance_batch), whose C++
// is behind pg::entry.
#include "pg/guard.hpp"
#include "pg/extension_version.hpp"
#include "pg/settings.hpp"

namespace {

constexpr int kRestartSeconds = 1;
constexpr long kConnectionBudgetMs = 1000;
constexpr const char* kLibrary = "lead_scoring";

// Starts a maintenance worker for `dbname` and waits until it has exited.
// Returns false when it could not be started (no free worker slot).
bool run_database_worker(const char* dbname) {
    BackgroundWorker worker;
    memset(&worker, 0, sizeof(worker));
    worker.bgw_flags = BGWORKER_SHMEM_ACCESS | BGWORKER_BACKEND_DATABASE_CONNECTION;
    worker.bgw_start_time = BgWorkerStart_RecoveryFinished;
    worker.bgw_restart_time = BGW_NEVER_RESTART;
    strlcpy(worker.bgw_library_name, kLibrary, BGW_MAXLEN);
    strlcpy(worker.bgw_function_name, "lead_scoring_database_worker_main", BGW_MAXLEN);
    snprintf(worker.bgw_name, BGW_MAXLEN, "lead_scoring maintenance %s", dbname);
    strlcpy(worker.bgw_type, "lead_scoring maintenance", BGW_MAXLEN);
    strlcpy(worker.bgw_extra, dbname, BGW_EXTRALEN);
    worker.bgw_notify_pid = MyProcPid;

    BackgroundWorkerHandle* handle = nullptr;
    if (!RegisterDynamicBackgroundWorker(&worker, &handle)) {
        ereport(LOG, (errmsg("lead_scoring: no free background worker slot for maintenance of \"%s\"", dbname),
                      errhint("Raise max_worker_processes.")));
        return false;
    }
    pid_t pid;
    if (WaitForBackgroundWorkerStartup(handle, &pid) != BGWH_STARTED) return true;
    WaitForBackgroundWorkerShutdown(handle);
    return true;
}

// One round over the configured databases. Returns true when a database's worker
// used its whole connection budget, i.e. there is probably more to do at once.
bool run_round() {
    char* names = pstrdup(ls::pg::maintenance_databases ? ls::pg::maintenance_databases : "");
    List* list = NIL;
    if (!SplitIdentifierString(names, ',', &list)) {
        ereport(LOG, (errmsg("lead_scoring: lead_scoring.database is not a valid list of names: \"%s\"",
                             ls::pg::maintenance_databases)));
        list_free(list);
        pfree(names);
        return false;
    }
    bool more = false;
    ListCell* cell;
    foreach (cell, list) {
        const char* dbname = static_cast<const char*>(lfirst(cell));
        // The launcher lives for ever: free what each round allocates (the report copies it).
        char* activity = psprintf("maintaining database \"%s\"", dbname);
        pgstat_report_activity(STATE_RUNNING, activity);
        pfree(activity);
        const TimestampTz started = GetCurrentTimestamp();
        if (!run_database_worker(dbname)) break;
        if (TimestampDifferenceExceeds(started, GetCurrentTimestamp(), static_cast<int>(kConnectionBudgetMs)))
            more = true;
    }
    list_free(list);
    pfree(names);
    return more;
}

}  // namespace

extern "C" {

PGDLLEXPORT void lead_scoring_launcher_main(Datum);
PGDLLEXPORT void lead_scoring_database_worker_main(Datum);

void lead_scoring_launcher_main(Datum) {
    pqsignal(SIGHUP, SignalHandlerForConfigReload);
    pqsignal(SIGTERM, die);
    BackgroundWorkerUnblockSignals();
    // Connected to no database (shared catalogs only): visible in pg_stat_activity,
    // never in the way of DROP DATABASE.
    BackgroundWorkerInitializeConnection(nullptr, nullptr, 0);
    ereport(LOG, (errmsg("lead_scoring launcher started")));

    TimestampTz next_round = GetCurrentTimestamp();
    for (;;) {
        CHECK_FOR_INTERRUPTS();
        if (ConfigReloadPending) {
            ConfigReloadPending = false;
            const int old_interval = ls::pg::maintenance_interval_ms;
            ProcessConfigFile(PGC_SIGHUP);
            // A changed interval counts from now.
            if (ls::pg::maintenance_interval_ms != old_interval)
                next_round = TimestampTzPlusMilliseconds(GetCurrentTimestamp(), ls::pg::maintenance_interval_ms);
        }
        if (GetCurrentTimestamp() >= next_round) {
            bool more = false;
            if (ls::pg::maintenance_enabled && !RecoveryInProgress()) more = run_round();
            next_round = more ? GetCurrentTimestamp()
                              : TimestampTzPlusMilliseconds(GetCurrentTimestamp(), ls::pg::maintenance_interval_ms);
            pgstat_report_activity(STATE_IDLE, ls::pg::maintenance_enabled ? "waiting for the next round"
                                                                           : "lead_scoring.maintenance is off");
        }
        const long wait_ms = TimestampDifferenceMilliseconds(GetCurrentTimestamp(), next_round);
        if (wait_ms > 0) {
            (void)WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH, wait_ms, PG_WAIT_EXTENSION);
            ResetLatch(MyLatch);
        }
    }
}

void lead_scoring_database_worker_main(Datum) {
    pqsignal(SIGTERM, die);
    BackgroundWorkerUnblockSignals();
    char dbname[BGW_EXTRALEN];
    strlcpy(dbname, MyBgworkerEntry->bgw_extra, BGW_EXTRALEN);
    BackgroundWorkerInitializeConnection(dbname, nullptr, 0);

    const TimestampTz as_of = GetCurrentTimestamp();
    const int batch_size = ls::pg::maintenance_batch_size;
    // Each batch goes on after the last row of the one before (see lock_due_states).
    const char* batch_sql =
        "SELECT contacts, balances, last_due, last_contact, last_model"
        " FROM lead_scoring.maintenance_batch($1, $2, $3, $4, $5)";
    Oid types[5] = {TIMESTAMPTZOID, INT4OID, TIMESTAMPTZOID, INT8OID, INT4OID};
    Datum args[5] = {TimestampTzGetDatum(as_of), Int32GetDatum(batch_size), 0, 0, 0};
    char nulls[6] = "  nnn";
    int64 batches = 0, balances = 0;
    bool distributed = false;

    for (;;) {
        CHECK_FOR_INTERRUPTS();
        SetCurrentStatementStartTimestamp();
        StartTransactionCommand();
        SPI_connect();
        PushActiveSnapshot(GetTransactionSnapshot());
        if (batches == 0) {
            // Nothing to do, quietly, in a database without the extension.
            pgstat_report_activity(STATE_RUNNING, "lead_scoring maintenance: looking for the extension");
            Oid version_type[1] = {TEXTOID};
            Datum version_arg[1] = {CStringGetTextDatum(ls::pg::library_version())};
            const int rc = SPI_execute_with_args(
                "SELECT extversion OPERATOR(pg_catalog.=) $1 FROM pg_catalog.pg_extension WHERE extname = 'lead_scoring'",
                1, version_type, version_arg, nullptr, true, 1);
            bool isnull = true;
            const bool installed = rc == SPI_OK_SELECT && SPI_processed == 1;
            const bool current =
                installed && DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
            if (installed && !current)
                ereport(WARNING, (errmsg("lead_scoring: the extension's SQL in database \"%s\" is not at the "
                                         "library's version %s; maintenance skipped", dbname, ls::pg::library_version()),
                                  errhint("Run ALTER EXTENSION lead_scoring UPDATE.")));
            if (!current) {
                SPI_finish();
                PopActiveSnapshot();
                CommitTransactionCommand();
                pgstat_report_activity(STATE_IDLE, nullptr);
                proc_exit(0);
            }
            // On a Citus coordinator, one distributed transaction runs maintenance in
            // every shard (run_maintenance, src/pg/shard_operations.hpp): batches that
            // page through the rows by key would lock rows across shards, which Citus
            // does not do with SKIP LOCKED.
            // A Citus worker leaves maintenance to the coordinator (its shards are
            // reached from there).
            bool worker_node = false;
            if (SPI_execute("SELECT lead_scoring.distributed(), lead_scoring.citus_worker()", true, 1) == SPI_OK_SELECT &&
                SPI_processed == 1) {
                distributed = DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
                worker_node = DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull));
            }
            if (worker_node) {
                SPI_finish();
                PopActiveSnapshot();
                CommitTransactionCommand();
                pgstat_report_activity(STATE_IDLE, nullptr);
                proc_exit(0);
            }
        }
        if (distributed) {
            pgstat_report_activity(STATE_RUNNING, "lead_scoring maintenance: every shard");
            Oid as_of_type[1] = {TIMESTAMPTZOID};
            Datum as_of_arg[1] = {TimestampTzGetDatum(as_of)};
            if (SPI_execute_with_args("SELECT lead_scoring.run_maintenance($1)", 1, as_of_type, as_of_arg, nullptr,
                                      false, 1) != SPI_OK_SELECT || SPI_processed != 1)
                elog(ERROR, "lead_scoring: run_maintenance returned no row");
            bool null_balances;
            balances += DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &null_balances));
            SPI_finish();
            PopActiveSnapshot();
            CommitTransactionCommand();
            pgstat_report_stat(false);
            ++batches;
            break;
        }
        pgstat_report_activity(STATE_RUNNING, psprintf("lead_scoring maintenance: batch %lld of up to %d rows",
                                                       static_cast<long long>(batches + 1), batch_size));
        if (SPI_execute_with_args(batch_sql, 5, types, args, nulls, false, 1) != SPI_OK_SELECT || SPI_processed != 1)
            elog(ERROR, "lead_scoring: maintenance_batch returned no row");
        HeapTuple row = SPI_tuptable->vals[0];
        TupleDesc desc = SPI_tuptable->tupdesc;
        bool isnull;
        const int64 rows = DatumGetInt64(SPI_getbinval(row, desc, 1, &isnull));
        balances += DatumGetInt64(SPI_getbinval(row, desc, 2, &isnull));
        // timestamptz and bigint are passed by value on the 64-bit builds we support, so
        // these Datums outlive SPI_finish.
        StaticAssertStmt(FLOAT8PASSBYVAL, "lead_scoring needs a 64-bit build (8-byte types passed by value)");
        for (int i = 0; i < 3; ++i) {
            args[2 + i] = SPI_getbinval(row, desc, 3 + i, &isnull);
            nulls[2 + i] = isnull ? 'n' : ' ';
        }
        SPI_finish();
        PopActiveSnapshot();
        CommitTransactionCommand();
        pgstat_report_stat(false);
        ++batches;
        if (rows < batch_size) break;
        if (TimestampDifferenceExceeds(as_of, GetCurrentTimestamp(), static_cast<int>(kConnectionBudgetMs))) break;
    }
    if (balances > 0)
        ereport(DEBUG1, (errmsg("lead_scoring maintenance of \"%s\": %lld balances changed in %lld batches", dbname,
                                static_cast<long long>(balances), static_cast<long long>(batches))));
    pgstat_report_activity(STATE_IDLE, nullptr);
    proc_exit(0);
}

}  // extern "C"

namespace ls::pg {

void register_maintenance_launcher() {
    BackgroundWorker worker;
    memset(&worker, 0, sizeof(worker));
    worker.bgw_flags = BGWORKER_SHMEM_ACCESS | BGWORKER_BACKEND_DATABASE_CONNECTION;
    worker.bgw_start_time = BgWorkerStart_RecoveryFinished;
    worker.bgw_restart_time = kRestartSeconds;
    strlcpy(worker.bgw_library_name, kLibrary, BGW_MAXLEN);
    strlcpy(worker.bgw_function_name, "lead_scoring_launcher_main", BGW_MAXLEN);
    strlcpy(worker.bgw_name, "lead_scoring launcher", BGW_MAXLEN);
    strlcpy(worker.bgw_type, "lead_scoring launcher", BGW_MAXLEN);
    RegisterBackgroundWorker(&worker);
}

}  // namespace ls::pg
