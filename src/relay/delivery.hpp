// Handing one alert's JSON to the outside world: a line on stdout, or COMMAND run
// through /bin/sh with the JSON on its standard input. Returns the error, if any.
#pragma once
#include <optional>
#include <string>

namespace ls::relay {

// nullopt: delivered. Otherwise what went wrong (the command's exit status, or
// why the line could not be written).
std::optional<std::string> deliver(const std::optional<std::string>& command, const std::string& json);

}  // namespace ls::relay
