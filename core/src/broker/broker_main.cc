// `ringtail broker`: parse the configuration, start the shard runtime, serve until
// SIGINT/SIGTERM, then shut down in order (listeners, connections, shards).
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "ringtail/base/logging.h"
#include "ringtail/core/broker/broker.h"
#include "ringtail/core/broker/controller.h"
#include "ringtail/core/broker/handlers.h"
#include "ringtail/core/broker/server.h"
#include "ringtail/core/cli.h"
#include "ringtail/core/config.h"
#include "ringtail/core/group/coordinator.h"
#include "ringtail/io/cross_shard.h"
#include "ringtail/io/runtime.h"
#include "ringtail/io/signals.h"

namespace ringtail::core {

namespace {

void broker_usage() {
  std::fprintf(stderr,
               "usage: ringtail broker [--config server.properties] [--override key=value ...]\n"
               "  --config FILE        Kafka-style properties file\n"
               "  --override K=V       set one property (repeatable; wins over the file)\n"
               "  --recover-metadata   rebuild a lost ringtail.metadata from the partition\n"
               "                       directories in log.dirs (topic configs are not recovered)\n");
}

// Kafka's `<log.dir>/.lock`: an exclusive flock held for the broker's lifetime, so that
// a second broker on the same directory stops at start instead of interleaving its
// appends with ours. The file holds the holder's pid, for the message. Returns the
// open descriptor (closing it releases the lock), or -1 with `error` set.
int lock_log_dir(const std::string& dir, std::string& error) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    error = "cannot create log.dirs " + dir + ": " + ec.message();
    return -1;
  }
  const std::string path = dir + "/.lock";
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    error = "cannot open " + path + ": " + std::strerror(errno);
    return -1;
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int e = errno;
    char holder[32] = {};
    const ssize_t n = ::pread(fd, holder, sizeof holder - 1, 0);
    std::string who = n > 0 ? std::string(holder, static_cast<size_t>(n)) : "";
    while (!who.empty() && (who.back() == '\n' || who.back() == ' ')) who.pop_back();
    ::close(fd);
    error = e == EWOULDBLOCK ? "log.dirs " + dir + " is in use by another broker" +
                                   (who.empty() ? "" : " (pid " + who + ")") + ": " + path + " is locked"
                             : "cannot lock " + path + ": " + std::strerror(e);
    return -1;
  }
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, pid.data(), pid.size(), 0) != static_cast<ssize_t>(pid.size())) {
    // The lock holds without the pid; only the message of a second broker is poorer.
  }
  return fd;
}

io::task<int> broker_main(broker_context* ctx) {
  const broker_config& cfg = ctx->config;
  init_shard_states(io::local().shard_count(), static_cast<uint64_t>(cfg.log_recent_cache_bytes));
  controller ctrl;
  set_controller(&ctrl);
  auto started = co_await ctrl.start();
  if (!started) {
    RT_LOG_ERROR("cannot start: %s", started.error().c_str());
    co_await ctrl.stop();
    set_controller(nullptr);
    co_return 1;
  }
  // Group coordinators: each shard replays the __consumer_offsets partitions it owns
  // before clients can reach it.
  group::init_coordinators(io::local().shard_count(), cfg);
  for (unsigned s = 0; s < io::local().shard_count(); ++s)
    co_await io::submit_to(s, [] { return group::start_coordinator(); });
  server_options opts;
  opts.listen = cfg.listeners.front();
  opts.max_frame_bytes = cfg.socket_request_max_bytes;
  opts.idle_timeout_ms = cfg.connections_max_idle_ms;
  opts.queued_max_bytes = cfg.queued_max_request_bytes < 0
                              ? -1
                              : std::max<int64_t>(1, cfg.queued_max_request_bytes / io::local().shard_count());
  opts.make_handler = [] { return make_kafka_handler(); };
  auto port = co_await start_server(opts);
  if (!port) {
    RT_LOG_ERROR("cannot listen on %s:%u: %s", opts.listen.host.c_str(), opts.listen.port,
                 port.error().message().c_str());
    for (unsigned s = 0; s < io::local().shard_count(); ++s)
      co_await io::submit_to(s, [] { return group::stop_coordinator(); });
    co_await ctrl.stop();
    set_controller(nullptr);
    co_return 1;
  }
  // Advertise what clients should connect to: advertised.listeners, else the listener
  // (with the real port when it was 0, and "localhost" when it binds every interface).
  if (!cfg.advertised_listeners.empty()) {
    ctx->advertised_host = cfg.advertised_listeners.front().host;
    ctx->advertised_port = cfg.advertised_listeners.front().port;
  } else {
    ctx->advertised_host = opts.listen.host.empty() || opts.listen.host == "0.0.0.0" ? "localhost" : opts.listen.host;
    ctx->advertised_port = *port;
  }
  const int64_t retention_interval = cfg.log_retention_check_interval_ms;
  for (unsigned s = 0; s < io::local().shard_count(); ++s)
    co_await io::submit_to(s, [retention_interval] { local_shard().start_retention(retention_interval); });

  RT_LOG_INFO("ringtail broker listening on %s:%u (%u shards, log.dirs=%s)",
              opts.listen.host.empty() ? "0.0.0.0" : opts.listen.host.c_str(), *port, io::local().shard_count(),
              cfg.log_dirs.front().c_str());
  auto sig = co_await io::wait_for_shutdown_signal();
  RT_LOG_INFO("signal %d: shutting down", sig ? *sig : -1);
  // Before the server: waiting JoinGroup/SyncGroup requests are answered so that their
  // connections can finish.
  for (unsigned s = 0; s < io::local().shard_count(); ++s)
    co_await io::submit_to(s, [] { return group::stop_coordinator(); });
  co_await stop_server();
  for (unsigned s = 0; s < io::local().shard_count(); ++s)
    co_await io::submit_to(s, [] { return local_shard().stop_retention(); });
  co_await ctrl.stop();
  set_controller(nullptr);
  RT_LOG_INFO("stopped");
  co_return 0;
}

}  // namespace

int run_broker_command(const std::vector<std::string>& args) {
  std::string config_path;
  std::vector<std::string> overrides;
  bool recover_metadata = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h") {
      broker_usage();
      return 0;
    }
    if ((a == "--config" || a == "--override") && i + 1 >= args.size()) {
      std::fprintf(stderr, "ringtail broker: %s needs a value\n", a.c_str());
      return 2;
    }
    if (a == "--recover-metadata") recover_metadata = true;
    else if (a == "--config") config_path = args[++i];
    else if (a == "--override") overrides.push_back(args[++i]);
    else if (i == 0 && a.find('=') == std::string::npos && a.rfind("--", 0) != 0) config_path = a;  // kafka-server-start style
    else {
      std::fprintf(stderr, "ringtail broker: unknown argument '%s'\n", a.c_str());
      broker_usage();
      return 2;
    }
  }
  auto cfg = load_broker_config(config_path, overrides);
  if (!cfg) {
    std::fprintf(stderr, "ringtail broker: invalid configuration: %s\n", cfg.error().c_str());
    return 2;
  }
  std::string lock_error;
  const int lock_fd = lock_log_dir(cfg->log_dirs.front(), lock_error);
  if (lock_fd < 0) {
    std::fprintf(stderr, "ringtail broker: cannot start: %s\n", lock_error.c_str());
    return 1;
  }
  struct lock_release {
    int fd;
    ~lock_release() { ::close(fd); }
  } release{lock_fd};
  try {
    broker_context ctx;
    ctx.config = *cfg;
    ctx.data_dir = cfg->log_dirs.front();
    ctx.recover_metadata = recover_metadata;
    set_broker(&ctx);
    io::runtime_config rc;
    rc.shards = cfg->num_shards;
    io::runtime rt(rc);
    broker_context* cp = &ctx;
    const int rcode = rt.run([cp]() { return broker_main(cp); });
    group::clear_coordinators();
    clear_shard_states();
    set_broker(nullptr);
    return rcode;
  } catch (const io::startup_error& e) {
    std::fprintf(stderr, "ringtail broker: cannot start: %s\n", e.what());
    return 1;
  }
}

}  // namespace ringtail::core
