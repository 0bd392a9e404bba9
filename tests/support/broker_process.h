// Test-side process helpers for the interop and integration tests:
//
//  - child_process / run_command / run_program: runs an external program (a Kafka client, a script)
//    with stdout and stderr captured to files and a hard deadline. Every external call a
//    test makes goes through here, so a hung client fails the test instead of hanging CI.
//    The child gets its own process group; on timeout the whole group is SIGKILLed.
//  - broker_process: the real `ringtail broker` binary ($RINGTAIL_BINARY) as a child
//    process on 127.0.0.1 with a random port and a fresh data directory. start() waits
//    (bounded) for the "listening on 127.0.0.1:PORT" log line; stop() is SIGTERM and
//    expects exit code 0; kill9() is SIGKILL; restart() reuses the data directory and
//    binds a new random port. The destructor kills a still-running broker and removes the
//    data directory. Each start logs to its own file (broker-<n>.log) in the scratch dir.
//
// Everything here is blocking and single-threaded; it runs on the GoogleTest thread.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "files.h"  // same directory: also included from bench/

namespace ringtail::testing {

using namespace std::chrono_literals;

// ---------------------------------------------------------------------------------------
// Where the sources and the broker are (files and temporary directories: support/files.h)

// The repository root (RINGTAIL_SOURCE_DIR, set by CTest; falls back to the cwd).
inline std::filesystem::path source_dir() {
  const char* s = std::getenv("RINGTAIL_SOURCE_DIR");
  if (s && *s) return std::filesystem::path(s);
#ifdef RINGTAIL_SOURCE_DIR_DEFAULT
  return std::filesystem::path(RINGTAIL_SOURCE_DIR_DEFAULT);
#else
  return std::filesystem::current_path();
#endif
}

// The broker binary (RINGTAIL_BINARY, set by CTest); empty if unset.
inline std::string broker_binary() {
  const char* s = std::getenv("RINGTAIL_BINARY");
  if (s && *s) return std::string(s);
#ifdef RINGTAIL_BINARY_DEFAULT
  return std::string(RINGTAIL_BINARY_DEFAULT);
#else
  return std::string();
#endif
}

// ---------------------------------------------------------------------------------------
// Child processes

struct command_result {
  int exit_code = -1;      // exit status, or 128 + signal if killed by a signal
  bool timed_out = false;  // the deadline passed and the process group was SIGKILLed
  std::string out;
  std::string err;
  double seconds = 0;
  bool ok() const noexcept { return !timed_out && exit_code == 0; }
  // For assertion messages.
  std::string describe() const {
    std::ostringstream s;
    s << "exit=" << exit_code << (timed_out ? " (TIMED OUT)" : "") << " after " << seconds << "s\n--- stdout ---\n"
      << out << "\n--- stderr ---\n"
      << err;
    return s.str();
  }
};

struct command_options {
  std::optional<std::string> stdin_data;  // nullopt: /dev/null
  std::map<std::string, std::string> env;  // added to (or replacing in) the inherited environment
  std::filesystem::path cwd;               // empty: inherit
};

// One started program. Output goes to files in a private scratch directory so that a
// chatty child can never block on a full pipe.
class child_process {
 public:
  child_process(const std::vector<std::string>& argv, const command_options& opts = {})
      : scratch_("ringtail-cmd") {
    if (argv.empty()) throw std::invalid_argument("child_process: empty argv");
    const auto in_path = scratch_.path() / "stdin";
    write_file(in_path, opts.stdin_data.value_or(""));
    out_path_ = scratch_.path() / "stdout";
    err_path_ = scratch_.path() / "stderr";

    // Everything the child needs is prepared before fork (no allocation after it).
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    std::vector<std::string> env_strings;
    for (char** e = environ; *e; ++e) {
      std::string kv = *e;
      const std::string key = kv.substr(0, kv.find('='));
      if (!opts.env.count(key)) env_strings.push_back(std::move(kv));
    }
    for (const auto& [k, v] : opts.env) env_strings.push_back(k + "=" + v);
    std::vector<char*> envp;
    for (auto& s : env_strings) envp.push_back(s.data());
    envp.push_back(nullptr);
    const std::string cwd = opts.cwd.string();

    const int in_fd = ::open(in_path.c_str(), O_RDONLY | O_CLOEXEC);
    const int out_fd = ::open(out_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    const int err_fd = ::open(err_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (in_fd < 0 || out_fd < 0 || err_fd < 0) throw std::runtime_error("child_process: cannot open capture files");

    started_ = std::chrono::steady_clock::now();
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed: " + std::string(std::strerror(errno)));
    if (pid_ == 0) {
      ::setpgid(0, 0);  // own group: a timeout kills the program and anything it started
      ::dup2(in_fd, 0);
      ::dup2(out_fd, 1);
      ::dup2(err_fd, 2);
      if (!cwd.empty() && ::chdir(cwd.c_str()) != 0) ::_exit(126);
      ::execve(args[0], args.data(), envp.data());
      // execve wants a path; fall back to a PATH search for bare names.
      ::execvpe(args[0], args.data(), envp.data());
      const char msg[] = "child_process: exec failed\n";
      (void)!::write(2, msg, sizeof msg - 1);
      ::_exit(127);
    }
    ::setpgid(pid_, pid_);  // also from the parent, so kill(-pid) works immediately
    ::close(in_fd);
    ::close(out_fd);
    ::close(err_fd);
  }

  ~child_process() {
    if (pid_ > 0) {
      ::kill(-pid_, SIGKILL);
      ::kill(pid_, SIGKILL);
      int st = 0;
      ::waitpid(pid_, &st, 0);
    }
  }
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  pid_t pid() const noexcept { return pid_; }
  bool running() const noexcept { return pid_ > 0; }
  std::string current_out() const { return read_file(out_path_); }
  std::string current_err() const { return read_file(err_path_); }

  // Waits until the process exits or `timeout` passes (then SIGKILLs its group).
  command_result wait(std::chrono::milliseconds timeout) {
    command_result r;
    if (pid_ <= 0) {
      r = result_;
      return r;
    }
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    int status = 0;
    for (;;) {
      const pid_t w = ::waitpid(pid_, &status, WNOHANG);
      if (w == pid_) break;
      if (std::chrono::steady_clock::now() >= deadline) {
        r.timed_out = true;
        ::kill(-pid_, SIGKILL);
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, &status, 0);
        break;
      }
      std::this_thread::sleep_for(10ms);
    }
    // Reap anything the child left in its group (best effort: a timed-out group is dead).
    if (r.timed_out) ::kill(-pid_, SIGKILL);
    pid_ = -1;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    r.out = read_file(out_path_);
    r.err = read_file(err_path_);
    result_ = r;
    return r;
  }

  // Polls `pred(stdout, stderr)` until it holds, the process exits, or `timeout` passes.
  template <typename Pred>
  bool wait_for_output(Pred pred, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (pred(current_out(), current_err())) return true;
      if (pid_ > 0) {
        int st = 0;
        if (::waitpid(pid_, &st, WNOHANG) == pid_) {
          pid_ = -1;
          result_.exit_code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
          result_.out = current_out();
          result_.err = current_err();
          return pred(result_.out, result_.err);
        }
      }
      std::this_thread::sleep_for(20ms);
    }
    return false;
  }

 private:
  temp_dir scratch_;
  std::filesystem::path out_path_, err_path_;
  pid_t pid_ = -1;
  std::chrono::steady_clock::time_point started_;
  command_result result_;
};

// Runs a program to completion with a deadline.
inline command_result run_command(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                                  const command_options& opts = {}) {
  child_process p(argv, opts);
  return p.wait(timeout);
}

// Runs `program args...` to completion with a deadline.
inline command_result run_program(const std::string& program, const std::vector<std::string>& args,
                                  std::chrono::milliseconds timeout, const command_options& opts = {}) {
  std::vector<std::string> argv = {program};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_command(argv, timeout, opts);
}

// ---------------------------------------------------------------------------------------
// The broker

class broker_process {
 public:
  static constexpr auto start_timeout = 20s;
  static constexpr auto stop_timeout = 20s;

  broker_process() : scratch_("ringtail-broker") { std::filesystem::create_directories(data_dir()); }
  ~broker_process() {
    if (pid_ > 0) kill9();
  }
  broker_process(const broker_process&) = delete;
  broker_process& operator=(const broker_process&) = delete;

  // Starts with the base overrides plus `extra` ("key=value"); remembered for restart().
  // Returns an empty string on success, else what went wrong (with the log).
  std::string start(std::vector<std::string> extra = {}) {
    extra_ = std::move(extra);
    return launch();
  }
  // Starts again on the same data directory (and a new random port).
  std::string restart() { return launch(); }

  // SIGTERM, then waits (bounded). Returns the exit code (128 + signal if it died of one;
  // -1 if it had to be SIGKILLed after the deadline).
  int stop() {
    if (pid_ <= 0) return -1;
    ::kill(pid_, SIGTERM);
    return reap(stop_timeout, /*kill_after=*/true);
  }
  // SIGKILL, then waits.
  void kill9() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    reap(stop_timeout, true);
  }

  bool running() {
    if (pid_ <= 0) return false;
    int st = 0;
    if (::waitpid(pid_, &st, WNOHANG) == pid_) {
      pid_ = -1;
      last_exit_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
      return false;
    }
    return true;
  }

  pid_t pid() const noexcept { return pid_; }
  uint16_t port() const noexcept { return port_; }
  std::string bootstrap() const { return "127.0.0.1:" + std::to_string(port_); }
  std::filesystem::path data_dir() const { return scratch_.path() / "data"; }
  std::filesystem::path log_path() const { return scratch_.path() / ("broker-" + std::to_string(starts_) + ".log"); }
  // The current (latest) start's log.
  std::string log() const { return read_file(log_path()); }
  // Every start's log, oldest first (for failure messages).
  std::string all_logs() const {
    std::string s;
    for (int i = 1; i <= starts_; ++i) {
      s += "===== broker-" + std::to_string(i) + ".log =====\n";
      s += read_file(scratch_.path() / ("broker-" + std::to_string(i) + ".log"));
    }
    return s;
  }

 private:
  std::string launch() {
    if (pid_ > 0) return "broker already running";
    const std::string bin = broker_binary();
    if (bin.empty()) return "RINGTAIL_BINARY is not set";
    ++starts_;
    port_ = 0;
    std::vector<std::string> argv = {bin,
                                     "broker",
                                     "--override",
                                     "listeners=PLAINTEXT://127.0.0.1:0",
                                     "--override",
                                     "log.dirs=" + data_dir().string(),
                                     "--override",
                                     "num.shards=2"};
    for (const auto& e : extra_) {
      argv.push_back("--override");
      argv.push_back(e);
    }
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    const std::string log_file = log_path().string();
    const int log_fd = ::open(log_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (log_fd < 0) return "cannot open " + log_file;
    const int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    pid_ = ::fork();
    if (pid_ < 0) {
      ::close(log_fd);
      ::close(null_fd);
      return "fork failed";
    }
    if (pid_ == 0) {
      ::dup2(null_fd, 0);
      ::dup2(log_fd, 1);
      ::dup2(log_fd, 2);
      ::execv(args[0], args.data());
      const char msg[] = "broker_process: exec failed\n";
      (void)!::write(2, msg, sizeof msg - 1);
      ::_exit(127);
    }
    ::close(log_fd);
    ::close(null_fd);

    const std::string needle = "listening on 127.0.0.1:";
    const auto deadline = std::chrono::steady_clock::now() + start_timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      const std::string text = log();
      const size_t at = text.find(needle);
      if (at != std::string::npos) {
        const size_t digits = at + needle.size();
        size_t end = digits;
        while (end < text.size() && std::isdigit(static_cast<unsigned char>(text[end]))) ++end;
        if (end > digits && end < text.size()) {  // the number is complete once followed by something
          port_ = static_cast<uint16_t>(std::stoi(text.substr(digits, end - digits)));
          return {};
        }
      }
      if (!running()) return "broker exited during start (code " + std::to_string(last_exit_) + ")\n" + log();
      std::this_thread::sleep_for(20ms);
    }
    kill9();
    return "broker did not report its port within " + std::to_string(start_timeout.count()) + "s\n" + log();
  }

  int reap(std::chrono::milliseconds timeout, bool kill_after) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    int st = 0;
    for (;;) {
      const pid_t w = ::waitpid(pid_, &st, WNOHANG);
      if (w == pid_) break;
      if (w < 0) {
        pid_ = -1;
        return last_exit_ = -1;
      }
      if (std::chrono::steady_clock::now() >= deadline) {
        if (!kill_after) return -1;
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, &st, 0);
        pid_ = -1;
        return last_exit_ = -1;
      }
      std::this_thread::sleep_for(10ms);
    }
    pid_ = -1;
    last_exit_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    return last_exit_;
  }

  temp_dir scratch_;
  std::vector<std::string> extra_;
  pid_t pid_ = -1;
  uint16_t port_ = 0;
  int starts_ = 0;
  int last_exit_ = -1;
};

}  // namespace ringtail::testing
