// `ringtail broker`: parse the configuration, start the shard runtime, serve until
// SIGINT/SIGTERM, then shut down in order (listeners, connections, shards).
#include <cstdio>
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
               "  --override K=V       set one property (repeatable; wins over the file)\n");
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
    if (a == "--config") config_path = args[++i];
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
  try {
    broker_context ctx;
    ctx.config = *cfg;
    ctx.data_dir = cfg->log_dirs.front();
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
