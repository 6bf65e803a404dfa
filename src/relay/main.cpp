// lead_scoring_relay: delivers lead_scoring alerts at least once (README "Alert
// delivery"; SPEC "Alert delivery (libpq)"). The loop: connect and LISTEN; claim
// due alerts; deliver each (a JSON line on stdout, or --exec COMMAND); record the
// outcome; when nothing is due, wait for a NOTIFY or the poll interval; on a broken
// connection, reconnect with backoff; on SIGTERM/SIGINT, finish the alert in hand,
// give back the other claims, and exit.
#include <csignal>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <chrono>
#include <thread>

#include "relay/database.hpp"
#include "relay/delivery.hpp"
#include "relay/options.hpp"

namespace {

volatile std::sig_atomic_t stop_requested = 0;

extern "C" void on_stop_signal(int) { stop_requested = 1; }

void log_line(const std::string& text) {
    char stamp[32];
    const std::time_t now = std::time(nullptr);
    std::strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", std::gmtime(&now));
    std::cerr << stamp << " UTC lead_scoring_relay: " << text << std::endl;
}

// What the relay could not record because the connection broke: recorded first
// after reconnecting, so that an alert delivered just before a server restart is
// not delivered again when its lease ends, and the claims it did not get to are
// free at once instead of after the lease.
struct Unrecorded {
    std::vector<int64_t> delivered;
    std::vector<std::pair<int64_t, int>> released;  // (alert, attempt)
};
Unrecorded unrecorded;

void record_unrecorded(ls::relay::Database& db) {
    for (int64_t id : unrecorded.delivered) db.delivered(id);
    for (const auto& [id, attempt] : unrecorded.released) db.released(id, attempt);
    if (!unrecorded.delivered.empty() || !unrecorded.released.empty())
        log_line("recorded " + std::to_string(unrecorded.delivered.size()) + " deliveries and gave back " +
                 std::to_string(unrecorded.released.size()) + " claims left from the broken connection");
    unrecorded = Unrecorded{};
}

// stdout could not be written: the relay stops (exit 3) after giving the alert back.
struct OutputBroken : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Delivers the claimed alerts; stops early (giving back the rest) when asked to.
void deliver_batch(ls::relay::Database& db, const ls::relay::Options& o, std::vector<ls::relay::ClaimedAlert>& batch,
                   std::chrono::steady_clock::time_point claimed_at) {
    for (size_t i = 0; i < batch.size(); ++i) {
        const ls::relay::ClaimedAlert& a = batch[i];
        if (stop_requested) {
            for (size_t j = i; j < batch.size(); ++j) db.released(batch[j].alert_id, batch[j].attempt);
            return;
        }
        // Once half the lease has gone by (the batch waited while the alerts before it
        // went out), each claim is renewed before its alert goes out, or skipped when
        // its lease ran out and another relay took the alert. (claimed_at was taken
        // before the claim was sent: the lease ends later than it says, never earlier.)
        const bool lease_half_gone =
            std::chrono::steady_clock::now() - claimed_at > std::chrono::milliseconds(o.lease_seconds * 500);
        if (lease_half_gone && !db.renew(a.alert_id, a.attempt, o.lease_seconds)) {
            log_line("alert " + std::to_string(a.alert_id) + " was taken by another relay (lease ran out); skipped");
            continue;
        }
        const ls::relay::Outcome outcome = ls::relay::deliver(o.command, a.json, o.timeout_seconds);
        try {
            if (outcome.kind == ls::relay::Outcome::OutputBroken) {
                for (size_t j = i; j < batch.size(); ++j) db.released(batch[j].alert_id, batch[j].attempt);
                throw OutputBroken(outcome.error);
            }
            if (outcome.kind == ls::relay::Outcome::Delivered) {
                db.delivered(a.alert_id);
                log_line("delivered alert " + std::to_string(a.alert_id) + " (attempt " + std::to_string(a.attempt) + ")");
                continue;
            }
            const bool give_up = a.attempt >= o.max_attempts;
            const int wait = ls::relay::retry_after_seconds(a.attempt, o.retry_base_seconds);
            db.failed(a.alert_id, a.attempt, outcome.error, wait, give_up);
            log_line("alert " + std::to_string(a.alert_id) + " failed (attempt " + std::to_string(a.attempt) + "): " +
                     outcome.error + (give_up ? "; giving up (lead_scoring.undelivered_alerts)"
                                              : "; retrying in " + std::to_string(wait) + " s"));
        } catch (const ls::relay::DatabaseError&) {
            if (outcome.kind == ls::relay::Outcome::Delivered) {
                unrecorded.delivered.push_back(a.alert_id);
                log_line("delivered alert " + std::to_string(a.alert_id) + " (attempt " + std::to_string(a.attempt) +
                         "); recording it after reconnecting");
            } else {
                unrecorded.released.emplace_back(a.alert_id, a.attempt);  // tried again at once
            }
            for (size_t j = i + 1; j < batch.size(); ++j) unrecorded.released.emplace_back(batch[j].alert_id, batch[j].attempt);
            throw;
        }
    }
}

// One connection's life: returns when asked to stop (or, with --once, when nothing
// is due); throws DatabaseError when the connection breaks.
void serve(const ls::relay::Options& o) {
    ls::relay::Database db(o.conninfo, o.channels);
    std::string channels;
    for (const auto& c : db.listening()) channels += (channels.empty() ? "" : ", ") + c;
    log_line("connected; listening on " + (channels.empty() ? std::string("no channel (polling)") : channels));
    record_unrecorded(db);
    while (!stop_requested) {
        const auto claimed_at = std::chrono::steady_clock::now();
        std::vector<ls::relay::ClaimedAlert> batch = db.claim(o.batch, o.lease_seconds, o.channels);
        deliver_batch(db, o, batch, claimed_at);
        // Maybe more due now: a full batch (on Citus a claim takes up to a batch from
        // each shard, so it returns a batch or more when any shard had that many).
        if (static_cast<int>(batch.size()) >= o.batch) continue;
        if (o.once) return;
        if (!db.wait_for_notification(o.poll_seconds) && o.channels.empty()) db.listen_new_channels();
    }
}

}  // namespace

int main(int argc, char** argv) {
    ls::relay::Options options;
    try {
        options = ls::relay::parse_options(std::vector<std::string>(argv + 1, argv + argc));
    } catch (const ls::relay::UsageError& e) {
        std::cerr << "lead_scoring_relay: " << e.what() << "\n\n" << ls::relay::usage();
        return ls::relay::kExitUsage;
    }
    if (options.help) {
        std::cout << ls::relay::usage();
        return ls::relay::kExitOk;
    }
    struct sigaction sa {};
    sa.sa_handler = on_stop_signal;  // no SA_RESTART: a wait in select() ends at once
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, nullptr);
    sigaction(SIGINT, &sa, nullptr);
    std::signal(SIGPIPE, SIG_IGN);  // a command that exits without reading is its exit status's business

    int backoff_ms = 250;
    while (!stop_requested) {
        try {
            serve(options);
            if (options.once) break;
        } catch (const OutputBroken& e) {
            log_line(std::string("stopping: ") + e.what());
            return ls::relay::kExitOutput;
        } catch (const ls::relay::DatabaseError& e) {
            log_line(std::string("database: ") + e.what());
            if (options.once) return ls::relay::kExitDatabase;
            // Reconnect, waiting longer each time (at most 10 s), unless asked to stop.
            for (int waited = 0; waited < backoff_ms && !stop_requested; waited += 50)
                std::this_thread::sleep_for(std::chrono::milliseconds(50));
            backoff_ms = std::min(backoff_ms * 2, 10000);
            continue;
        }
        backoff_ms = 250;
    }
    log_line("stopped");
    return ls::relay::kExitOk;
}
