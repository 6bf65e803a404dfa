#include "relay/options.hpp"

#include <algorithm>
#include <stdexcept>

namespace ls::relay {

namespace {

int positive_int(const std::string& flag, const std::string& value) {
    size_t used = 0;
    int n = 0;
    try {
        n = std::stoi(value, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used != value.size() || n < 1) throw UsageError(flag + " needs a positive whole number, not \"" + value + "\"");
    return n;
}

}  // namespace

std::string usage() {
    return "lead_scoring_relay delivers lead_scoring alerts at least once.\n"
           "\n"
           "Usage: lead_scoring_relay -d CONNINFO [--exec COMMAND] [--channel NAME]... [--batch N]\n"
           "                          [--max-attempts N] [--lease SECONDS] [--poll SECONDS]\n"
           "                          [--retry-base SECONDS] [--timeout SECONDS] [--once]\n"
           "\n"
           "Each undelivered alert is written as one JSON line to stdout, or, with --exec, given\n"
           "as JSON on the standard input of COMMAND (run by /bin/sh); it counts as delivered\n"
           "when the line was written or COMMAND exited 0 within --timeout seconds (default 30;\n"
           "then it is killed). Failures are retried after\n"
           "--retry-base seconds, doubling, up to --max-attempts (default 10), then left for an\n"
           "operator (lead_scoring.undelivered_alerts). The relay LISTENs on the thresholds'\n"
           "notify channels (or the --channel ones, whose alerts alone it then delivers), polls\n"
           "every --poll seconds (default 5), reconnects when the server goes away, and stops\n"
           "after the alert in hand on SIGTERM or SIGINT. Several relays may run at once: each\n"
           "alert is claimed by one for --lease seconds (default 60), so a relay that dies\n"
           "mid-delivery leaves it to another after that. One line per delivery or failure\n"
           "goes to stderr. The role needs only lead_scoring_relay.\n"
           "\n"
           "Exit status: 0 stopped by a signal, or --once done; 1 bad arguments;\n"
           "2 --once could not reach the database; 3 stdout could not be written.\n";
}

Options parse_options(const std::vector<std::string>& args) {
    Options o;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        auto value = [&]() -> const std::string& {
            if (i + 1 >= args.size()) throw UsageError(a + " needs a value");
            return args[++i];
        };
        if (a == "-h" || a == "--help") {
            o.help = true;
        } else if (a == "-d" || a == "--dbname") {
            o.conninfo = value();
        } else if (a == "--exec") {
            o.command = value();
            if (o.command->empty()) throw UsageError("--exec needs a command");
        } else if (a == "--channel") {
            const std::string& c = value();
            if (c.empty() || c.size() > 63) throw UsageError("--channel \"" + c + "\" is not a channel name (1 to 63 bytes)");
            o.channels.push_back(c);
        } else if (a == "--batch") {
            o.batch = positive_int(a, value());
        } else if (a == "--max-attempts") {
            o.max_attempts = positive_int(a, value());
        } else if (a == "--lease") {
            o.lease_seconds = positive_int(a, value());
        } else if (a == "--timeout") {
            o.timeout_seconds = positive_int(a, value());
        } else if (a == "--retry-base") {
            o.retry_base_seconds = positive_int(a, value());
        } else if (a == "--poll") {
            const std::string& v = value();
            size_t used = 0;
            try {
                o.poll_seconds = std::stod(v, &used);
            } catch (const std::exception&) {
                used = 0;
            }
            if (used != v.size() || !(o.poll_seconds > 0) || !(o.poll_seconds <= 3600))
                throw UsageError("--poll needs a number of seconds above 0, at most 3600");
        } else if (a == "--once") {
            o.once = true;
        } else {
            throw UsageError("unknown argument \"" + a + "\"");
        }
    }
    if (!o.help && o.conninfo.empty()) throw UsageError("-d CONNINFO is required");
    if (o.timeout_seconds >= o.lease_seconds)
        throw UsageError("--timeout (" + std::to_string(o.timeout_seconds) + " s) must be shorter than --lease (" +
                         std::to_string(o.lease_seconds) + " s): a claim must outlast its delivery");
    return o;
}

int retry_after_seconds(int failed_attempts, int base_seconds) {
    const int doublings = std::clamp(failed_attempts - 1, 0, 20);
    const long long wait = static_cast<long long>(base_seconds) << doublings;
    return static_cast<int>(std::min<long long>(wait, 3600));
}

}  // namespace ls::relay
