// The library and the extension's SQL must be of the same version. After a new
// package is installed, a database keeps the SQL of its old version until
// `ALTER EXTENSION lead_scoring UPDATE` runs; until then this library refuses to
// score there (a clear error, nothing stored) rather than write tables whose shape
// it does not know. Reads that are plain SQL (views, ledger) go on working.
#pragma once

namespace ls::pg {

// The version this library was built for (the Makefile's EXTVERSION).
const char* library_version();

// Throws an SqlError naming both versions and the update command unless the
// extension installed in the current database is at library_version(). Needs an
// SPI connection; called when the rule cache is built, so that a cache (and so any
// scoring) exists only under matching SQL.
void require_matching_sql();

}  // namespace ls::pg
