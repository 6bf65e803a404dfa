// lead_scoring_relay's command line and its retry arithmetic: no libpq, unit-tested
// (test/unit/relay_options_test.cpp).
#pragma once
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace ls::relay {

struct Options {
    std::string conninfo;              // -d / --dbname
    std::optional<std::string> command;  // --exec: run through /bin/sh with the JSON on stdin
    std::vector<std::string> channels;   // --channel (repeatable): only these thresholds' alerts
    int batch = 100;                     // --batch: alerts claimed at once
    int max_attempts = 10;               // --max-attempts: then left for an operator
    int lease_seconds = 60;              // --lease: a claim's length (a dead relay's alert waits this long)
    double poll_seconds = 5;             // --poll: the longest wait without a NOTIFY
    int retry_base_seconds = 1;          // --retry-base: the first retry's wait, doubling after
    int timeout_seconds = 30;            // --timeout: COMMAND is killed after this long (a failure)
    bool once = false;                   // --once: deliver what is due now and exit
    bool help = false;
};

// Parses argv (argv[0] excluded). Throws UsageError naming the problem.
struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};
Options parse_options(const std::vector<std::string>& args);

std::string usage();

// The wait before attempt n + 1 after n failed attempts: base * 2^(n-1), at most an hour.
int retry_after_seconds(int failed_attempts, int base_seconds);

// Exit codes (documented in --help and the README).
constexpr int kExitOk = 0;          // stopped by SIGTERM/SIGINT, or --once done
constexpr int kExitUsage = 1;       // bad arguments
constexpr int kExitDatabase = 2;    // --once could not connect or claim
constexpr int kExitOutput = 3;      // stdout could not be written (the alert in hand was given back)

}  // namespace ls::relay
