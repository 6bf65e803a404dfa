// Handing one alert's JSON to the outside world: a line on stdout, or COMMAND run
// through /bin/sh with the JSON on its standard input, killed (with its whole
// process group) after `timeout_seconds`.
#pragma once
#include <optional>
#include <string>

namespace ls::relay {

struct Outcome {
    enum Kind { Delivered, Failed, OutputBroken } kind = Delivered;
    std::string error;  // Failed, OutputBroken: what went wrong
};

// The command runs in a process group of its own: a Ctrl-C or a service manager's
// SIGTERM to the relay lets it finish (the relay stops after the alert in hand).
Outcome deliver(const std::optional<std::string>& command, const std::string& json, int timeout_seconds);

}  // namespace ls::relay
