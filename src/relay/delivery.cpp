#include "relay/delivery.hpp"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <sys/wait.h>
#include <thread>
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

Outcome failed(std::string error) { return Outcome{Outcome::Failed, std::move(error)}; }

Outcome run_command(const std::string& command, const std::string& json, int timeout_seconds) {
    int in[2];
    if (::pipe(in) != 0) return failed(errno_text("pipe"));
    const pid_t pid = ::fork();
    if (pid < 0) {
        ::close(in[0]);
        ::close(in[1]);
        return failed(errno_text("fork"));
    }
    if (pid == 0) {
        // The child: a process group of its own, stdin from the pipe, default signal
        // handling, /bin/sh -c COMMAND.
        ::setpgid(0, 0);
        ::dup2(in[0], 0);
        ::close(in[0]);
        ::close(in[1]);
        std::signal(SIGTERM, SIG_DFL);
        std::signal(SIGINT, SIG_DFL);
        std::signal(SIGPIPE, SIG_DFL);
        ::execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
        ::_exit(127);
    }
    ::setpgid(pid, pid);  // (also here: whichever runs first)
    ::close(in[0]);
    // The JSON fits the pipe's buffer unless it is huge; a command that does not read
    // it is no failure by itself (its exit says), and one that never exits is killed.
    const std::string line = json + "\n";
    write_all(in[1], line.data(), line.size());
    ::close(in[1]);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
    int status = 0;
    for (;;) {
        const pid_t done = ::waitpid(pid, &status, WNOHANG);
        if (done == pid) break;
        if (done < 0 && errno != EINTR) return failed(errno_text("waitpid"));
        if (std::chrono::steady_clock::now() >= deadline) {
            ::kill(-pid, SIGKILL);
            while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
            }
            return failed("command timed out after " + std::to_string(timeout_seconds) + " s (killed)");
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return Outcome{};
    if (WIFEXITED(status)) return failed("command exited with status " + std::to_string(WEXITSTATUS(status)));
    if (WIFSIGNALED(status)) return failed("command was killed by signal " + std::to_string(WTERMSIG(status)));
    return failed("command ended abnormally");
}

}  // namespace

Outcome deliver(const std::optional<std::string>& command, const std::string& json, int timeout_seconds) {
    if (command) return run_command(*command, json, timeout_seconds);
    const std::string line = json + "\n";
    if (!write_all(1, line.data(), line.size())) return Outcome{Outcome::OutputBroken, errno_text("writing to stdout")};
    return Outcome{};
}

}  // namespace ls::relay
