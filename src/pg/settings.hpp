// The extension's settings (GUCs), defined in src/settings.cpp.
#pragma once

namespace ls::pg {

extern bool maintenance_enabled;     // lead_scoring.maintenance: the worker's switch
extern char* maintenance_databases;  // lead_scoring.database: comma-separated names
extern int maintenance_interval_ms;  // lead_scoring.maintenance_interval
extern int maintenance_batch_size;   // lead_scoring.batch_size
extern int event_chunk_size;         // lead_scoring.event_chunk_size (hidden: tests cross chunks)
extern int history_chunk_events;     // lead_scoring.history_chunk_events (hidden: core/chunk_sizer.hpp)

// Defines them (once per process: _PG_init).
void define_settings();
// Registers the maintenance launcher (only while shared_preload_libraries loads us).
void register_maintenance_launcher();

}  // namespace ls::pg
