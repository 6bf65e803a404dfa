#include "relay/database.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <sys/select.h>

namespace ls::relay {

namespace {

std::string message_of(PGconn* c) {
    std::string m = c ? PQerrorMessage(c) : "out of memory";
    while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
    return m;
}

// A text[] literal of the names: {"a","b"}.
std::string text_array(const std::vector<std::string>& values) {
    std::string out = "{";
    for (size_t i = 0; i < values.size(); ++i) {
        if (i) out += ',';
        out += '"';
        for (char ch : values[i]) {
            if (ch == '"' || ch == '\\') out += '\\';
            out += ch;
        }
        out += '"';
    }
    return out + "}";
}

}  // namespace

Database::Database(const std::string& conninfo, const std::vector<std::string>& channels)
    : conn_(PQconnectdb(conninfo.c_str())) {
    if (!conn_ || PQstatus(conn_.get()) != CONNECTION_OK) throw DatabaseError("cannot connect: " + message_of(conn_.get()));
    exec("SET application_name = 'lead_scoring_relay'", {});
    if (channels.empty()) {
        listen_new_channels();
    } else {
        for (const std::string& name : channels) listen(name);
    }
}

void Database::listen(const std::string& name) {
    char* quoted = PQescapeIdentifier(conn_.get(), name.c_str(), name.size());
    if (!quoted) throw DatabaseError("cannot quote channel \"" + name + "\": " + message_of(conn_.get()));
    const std::string sql = std::string("LISTEN ") + quoted;
    PQfreemem(quoted);
    exec(sql.c_str(), {});
    listening_.push_back(name);
}

void Database::listen_new_channels() {
    Result r = exec("SELECT * FROM lead_scoring.alert_channels()", {});
    for (int i = 0; i < PQntuples(r.get()); ++i) {
        const std::string name = PQgetvalue(r.get(), i, 0);
        if (std::find(listening_.begin(), listening_.end(), name) == listening_.end()) listen(name);
    }
}

Database::Result Database::exec(const char* sql, const std::vector<std::string>& params, const std::vector<bool>& nulls) {
    std::vector<const char*> values;
    for (size_t i = 0; i < params.size(); ++i) values.push_back(i < nulls.size() && nulls[i] ? nullptr : params[i].c_str());
    Result r(PQexecParams(conn_.get(), sql, static_cast<int>(values.size()), nullptr, values.data(), nullptr, nullptr, 0));
    const ExecStatusType status = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) throw DatabaseError(message_of(conn_.get()));
    return r;
}

std::vector<ClaimedAlert> Database::claim(int batch, int lease_seconds, const std::vector<std::string>& channels) {
    Result r = exec("SELECT alert_id, attempt, payload FROM lead_scoring.claim_alerts($1::int4, $2::interval, $3::text[])",
                    {std::to_string(batch), std::to_string(lease_seconds) + " seconds", text_array(channels)},
                    {false, false, channels.empty()});
    std::vector<ClaimedAlert> out;
    for (int i = 0; i < PQntuples(r.get()); ++i)
        out.push_back(ClaimedAlert{std::stoll(PQgetvalue(r.get(), i, 0)), std::stoi(PQgetvalue(r.get(), i, 1)),
                                   PQgetvalue(r.get(), i, 2)});
    return out;
}

void Database::delivered(int64_t alert_id) {
    exec("SELECT lead_scoring.alert_delivered($1::int8)", {std::to_string(alert_id)});
}

bool Database::renew(int64_t alert_id, int attempt, int lease_seconds) {
    Result r = exec("SELECT lead_scoring.alert_renew($1::int8, $2::int4, $3::interval)",
                    {std::to_string(alert_id), std::to_string(attempt), std::to_string(lease_seconds) + " seconds"});
    return PQntuples(r.get()) == 1 && std::string(PQgetvalue(r.get(), 0, 0)) == "t";
}

void Database::failed(int64_t alert_id, int attempt, const std::string& error, int retry_after_seconds, bool give_up) {
    exec("SELECT lead_scoring.alert_failed($1::int8, $2::int4, $3, $4::interval, $5::bool)",
         {std::to_string(alert_id), std::to_string(attempt), error, std::to_string(retry_after_seconds) + " seconds",
          give_up ? "true" : "false"});
}

void Database::released(int64_t alert_id, int attempt) {
    exec("SELECT lead_scoring.alert_released($1::int8, $2::int4)", {std::to_string(alert_id), std::to_string(attempt)});
}

bool Database::drain_notifications() {
    bool any = false;
    while (PGnotify* n = PQnotifies(conn_.get())) {
        any = true;
        PQfreemem(n);
    }
    return any;
}

bool Database::wait_for_notification(double seconds) {
    if (PQconsumeInput(conn_.get()) == 0) throw DatabaseError(message_of(conn_.get()));
    if (drain_notifications()) return true;
    const int sock = PQsocket(conn_.get());
    if (sock < 0) throw DatabaseError("the connection has no socket");
    fd_set fds;
    FD_ZERO(&fds);
    FD_SET(sock, &fds);
    timeval tv;
    tv.tv_sec = static_cast<long>(seconds);
    tv.tv_usec = static_cast<long>((seconds - std::floor(seconds)) * 1e6);
    const int ready = select(sock + 1, &fds, nullptr, nullptr, &tv);
    if (ready < 0 && errno == EINTR) return false;  // a signal: the caller looks at its stop flag
    if (ready < 0) throw DatabaseError(std::string("waiting for notifications: ") + std::strerror(errno));
    if (ready == 0) return false;
    if (PQconsumeInput(conn_.get()) == 0) throw DatabaseError(message_of(conn_.get()));
    if (PQstatus(conn_.get()) != CONNECTION_OK) throw DatabaseError(message_of(conn_.get()));
    return drain_notifications();
}

}  // namespace ls::relay
