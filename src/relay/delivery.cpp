#include "relay/delivery.hpp"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <sys/wait.h>
#include <unistd.h>

namespace ls::relay {

namespace {

std::string errno_text(const char* what) { return std::string(what) + ": " + std::strerror(errno); }

bool write_all(int fd, const char* data, size_t len) {
    while (len > 0) {
        const ssize_t n = ::write(fd, data, len);
        if (n < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        data += n;
        len -= static_cast<size_t>(n);
    }
    return true;
}

std::optional<std::string> run_command(const std::string& command, const std::string& json) {
    int in[2];
    if (::pipe(in) != 0) return errno_text("pipe");
    const pid_t pid = ::fork();
    if (pid < 0) {
        ::close(in[0]);
        ::close(in[1]);
        return errno_text("fork");
    }
    if (pid == 0) {
        // The child: stdin from the pipe, default signal handling, /bin/sh -c COMMAND.
        ::dup2(in[0], 0);
        ::close(in[0]);
        ::close(in[1]);
        std::signal(SIGTERM, SIG_DFL);
        std::signal(SIGINT, SIG_DFL);
        std::signal(SIGPIPE, SIG_DFL);
        ::execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
        ::_exit(127);
    }
    ::close(in[0]);
    const std::string line = json + "\n";
    // A command that does not read its input is no failure by itself: its exit says.
    write_all(in[1], line.data(), line.size());
    ::close(in[1]);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) return errno_text("waitpid");
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return std::nullopt;
    if (WIFEXITED(status)) return "command exited with status " + std::to_string(WEXITSTATUS(status));
    if (WIFSIGNALED(status)) return "command was killed by signal " + std::to_string(WTERMSIG(status));
    return "command ended abnormally";
}

}  // namespace

std::optional<std::string> deliver(const std::optional<std::string>& command, const std::string& json) {
    if (command) return run_command(*command, json);
    const std::string line = json + "\n";
    if (!write_all(1, line.data(), line.size())) return errno_text("writing to stdout");
    return std::nullopt;
}

}  // namespace ls::relay
