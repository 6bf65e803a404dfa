// GUCs. The worker's are PGC_SIGHUP (postgresql.conf, ALTER SYSTEM + reload);
// batch_size may also be set per session for run_maintenance().
#include "pg/guard.hpp"
#include "pg/settings.hpp"

namespace ls::pg {

bool maintenance_enabled = true;
char* maintenance_databases = nullptr;
int maintenance_interval_ms = 60000;
int maintenance_batch_size = 1000;
int event_chunk_size = 50000;
int history_chunk_events = 20000;
char* erasing_contact = nullptr;

void define_settings() {
    DefineCustomBoolVariable("lead_scoring.maintenance",
                             "Whether the background worker runs maintenance (decay and window expiry).", nullptr,
                             &maintenance_enabled, true, PGC_SIGHUP, 0, nullptr, nullptr, nullptr);
    DefineCustomStringVariable("lead_scoring.database",
                               "Databases the background worker maintains (comma-separated).",
                               "Databases without the extension are skipped quietly.", &maintenance_databases,
                               "postgres", PGC_SIGHUP, 0, nullptr, nullptr, nullptr);
    DefineCustomIntVariable("lead_scoring.maintenance_interval",
                            "Time between two maintenance rounds of the background worker.", nullptr,
                            &maintenance_interval_ms, 60000, 100, 24 * 3600 * 1000, PGC_SIGHUP, GUC_UNIT_MS, nullptr,
                            nullptr, nullptr);
    DefineCustomIntVariable("lead_scoring.batch_size",
                            "Score rows per maintenance batch (each batch is one transaction in the worker).",
                            nullptr, &maintenance_batch_size, 1000, 1, 1000000, PGC_USERSET, 0, nullptr, nullptr,
                            nullptr);
    // Hidden: how many events of one statement are scored together (one SPI
    // connection, one locking statement each). Memory is that of one chunk; a
    // contact whose events fall in several chunks has its row written once per
    // chunk, so smaller chunks cost time (a 50,000-event batch over 20,000 contacts:
    // 0.63 s in one chunk, 1.07 s in chunks of 10,000; README "Performance"). Tests
    // set it small to cross chunk boundaries with small batches.
    DefineCustomIntVariable("lead_scoring.event_chunk_size", "Events scored together in one chunk (internal).",
                            nullptr, &event_chunk_size, 50000, 1, 1000000, PGC_USERSET,
                            GUC_NO_SHOW_ALL | GUC_NOT_IN_SAMPLE, nullptr, nullptr, nullptr);
    // Hidden: about how many events a pass over stored history (evaluate, band_report,
    // train, recompute) reads in one chunk of contacts (core/chunk_sizer.hpp). Memory
    // is that of one chunk; tests set it small to cross chunk boundaries.
    DefineCustomIntVariable("lead_scoring.history_chunk_events",
                            "Events a pass over stored history reads in one chunk (internal).", nullptr,
                            &history_chunk_events, 20000, 1, 10000000, PGC_USERSET,
                            GUC_NO_SHOW_ALL | GUC_NOT_IN_SAMPLE, nullptr, nullptr, nullptr);
    // Used only by 0.1's SQL (its forget_contact and ledger guard), so that a database
    // not yet updated keeps erasing contacts; 0.2's guards ignore it (src/erasure.cpp).
    DefineCustomStringVariable("lead_scoring.erasing_contact", "The contact forget_contact is erasing (internal).",
                               nullptr, &erasing_contact, "", PGC_USERSET,
                               GUC_NO_SHOW_ALL | GUC_NOT_IN_SAMPLE | GUC_DISALLOW_IN_FILE, nullptr, nullptr, nullptr);
    MarkGUCPrefixReserved("lead_scoring");
}

}  // namespace ls::pg
