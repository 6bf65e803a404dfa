// The relay's side of the database, on libpq: a connection that LISTENs on the
// alert channels, claims due alerts and records how their delivery went
// (lead_scoring.claim_alerts, alert_delivered, alert_failed, alert_released:
// sql/parts/09_relay.sql). Every call is one statement in autocommit: a claim is a
// short transaction, the alert's lease keeps others off it while it is delivered.
#pragma once
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <libpq-fe.h>

namespace ls::relay {

// The connection broke or a statement failed: the caller reconnects.
struct DatabaseError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct ClaimedAlert {
    int64_t alert_id = 0;
    int attempt = 0;
    std::string json;
};

class Database {
public:
    // Connects (throws DatabaseError with libpq's message) and LISTENs on `channels`,
    // or, when empty, on every threshold's notify channel.
    Database(const std::string& conninfo, const std::vector<std::string>& channels);

    std::vector<ClaimedAlert> claim(int batch, int lease_seconds, const std::vector<std::string>& channels);
    // Whether the claim (alert, attempt) is still ours, renewed for `lease_seconds`.
    bool renew(int64_t alert_id, int attempt, int lease_seconds);
    void delivered(int64_t alert_id);
    void failed(int64_t alert_id, int attempt, const std::string& error, int retry_after_seconds, bool give_up);
    void released(int64_t alert_id, int attempt);

    // LISTENs on the thresholds' channels added since (with no --channel given):
    // run at each poll, so a new channel's alerts wake the relay too.
    void listen_new_channels();

    // Waits up to `seconds` for a NOTIFY (or a signal); true when one came.
    bool wait_for_notification(double seconds);
    const std::vector<std::string>& listening() const { return listening_; }

private:
    struct Closer {
        void operator()(PGconn* c) const { PQfinish(c); }
    };
    struct Clearer {
        void operator()(PGresult* r) const { PQclear(r); }
    };
    using Result = std::unique_ptr<PGresult, Clearer>;

    Result exec(const char* sql, const std::vector<std::string>& params, const std::vector<bool>& nulls = {});
    void listen(const std::string& channel);
    bool drain_notifications();

    std::unique_ptr<PGconn, Closer> conn_;
    std::vector<std::string> listening_;
};

}  // namespace ls::relay
