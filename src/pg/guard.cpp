#include "pg/guard.hpp"

#include <cstdio>

namespace ls::pg {

namespace {
// Plain static storage: nothing here has a destructor to skip on the longjmp.
ErrorData* pending_pg_error = nullptr;
int pending_sqlstate = 0;
char pending_message[2048];
char pending_hint[1024];
}  // namespace

void stash_error(const Error& e) {
    pending_pg_error = e.data();
}

void stash_error(const SqlError& e) {
    pending_pg_error = nullptr;
    pending_sqlstate = e.sqlstate();
    snprintf(pending_message, sizeof pending_message, "%s", e.what());
    snprintf(pending_hint, sizeof pending_hint, "%s", e.hint().c_str());
}

void stash_error(int sqlstate, const char* message) {
    pending_pg_error = nullptr;
    pending_sqlstate = sqlstate;
    snprintf(pending_message, sizeof pending_message, "%s", message);
    pending_hint[0] = '\0';
}

void raise_pending_error() {
    if (ErrorData* data = pending_pg_error) {
        pending_pg_error = nullptr;
        ReThrowError(data);
    }
    if (pending_hint[0] != '\0')
        ereport(ERROR, (errcode(pending_sqlstate), errmsg("%s", pending_message), errhint("%s", pending_hint)));
    ereport(ERROR, (errcode(pending_sqlstate), errmsg("%s", pending_message)));
    pg_unreachable();
}

}  // namespace ls::pg
