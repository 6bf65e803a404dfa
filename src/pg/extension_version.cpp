#include "pg/extension_version.hpp"

#include <string>

#include "pg/spi.hpp"

#ifndef LEAD_SCORING_VERSION
#error "LEAD_SCORING_VERSION must be defined by the build (the Makefile's EXTVERSION)"
#endif

namespace ls::pg {

const char* library_version() { return LEAD_SCORING_VERSION; }

void require_matching_sql() {
    run_sql("SELECT extversion FROM pg_catalog.pg_extension WHERE extname = 'lead_scoring'", true);
    const std::string installed = SPI_processed == 1 ? column_text(0, 1) : std::string();
    if (installed == library_version()) return;
    throw SqlError(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE,
                   "lead_scoring: this database has the extension's SQL at version " + installed +
                       ", but the installed library is version " + library_version() + "; nothing was scored",
                   "Run ALTER EXTENSION lead_scoring UPDATE in this database (README \"Upgrading\").");
}

}  // namespace ls::pg
