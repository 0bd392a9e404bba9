#include "ringtail/core/tools/runner.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <exception>

#include "ringtail/core/client/connection.h"
#include "ringtail/core/tools/options.h"
#include "ringtail/io/runtime.h"
#include "ringtail/io/signals.h"
#include "ringtail/io/timer.h"

namespace ringtail::core::tools {

namespace {

// A tool holds a handful of connections: a small ring and few receive buffers.
constexpr unsigned tool_ring_entries = 256;
constexpr unsigned tool_recv_buffers = 64;
constexpr auto probe_backoff = std::chrono::milliseconds(200);

struct run_state {
  std::string name;
  std::function<io::task<int>(tool_context&)>* main = nullptr;
  tool_context ctx;
  // Cancelled when the tool finishes, so the watcher stops waiting for signals. It lives
  // here rather than in the watcher's frame: a token cancelled before the watcher first
  // waits on it makes that wait fail at once.
  io::cancel_token stop;
  bool watcher_exited = false;
};

io::task<void> watch_signals(run_state* st) {
  for (;;) {
    auto sig = co_await io::wait_for_shutdown_signal(&st->stop);
    if (!sig) break;  // cancelled: the tool is done
    if (st->ctx.interrupted || !st->ctx.on_interrupt) {
      // A second Ctrl-C, or a tool with nothing to close: leave now.
      std::fflush(stdout);
      std::_Exit(exit_interrupted);
    }
    st->ctx.interrupted = true;
    st->ctx.on_interrupt();
  }
  st->watcher_exited = true;
}

io::task<int> tool_main(run_state* st) {
  io::spawn(watch_signals(st));
  int rc = exit_error;
  try {
    rc = co_await (*st->main)(st->ctx);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ringtail %s: error: %s\n", st->name.c_str(), e.what());
    rc = exit_error;
  }
  std::fflush(stdout);
  st->stop.cancel();
  while (!st->watcher_exited) (void)co_await io::sleep_for(std::chrono::milliseconds(1));
  co_return rc;
}

}  // namespace

int run_tool(const std::string& name, std::function<io::task<int>(tool_context&)> main) {
  run_state st;
  st.name = name;
  st.main = &main;
  int rc = exit_error;
  try {
    io::runtime_config cfg;
    cfg.shards = 1;
    cfg.pin_threads = false;
    cfg.reactor.ring_entries = tool_ring_entries;
    cfg.reactor.recv_buffer_count = tool_recv_buffers;
    io::runtime rt(cfg);
    run_state* stp = &st;
    rc = rt.run([stp]() -> io::task<int> { return tool_main(stp); });
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ringtail %s: error: %s\n", name.c_str(), e.what());
    rc = exit_error;
  }
  std::fflush(stdout);
  return rc;
}

client::client_config tool_client_config(const std::string& bootstrap, const std::string& client_id, int timeout_ms) {
  client::client_config cc;
  if (auto bs = client::parse_bootstrap(bootstrap)) cc.bootstrap_servers = *bs;
  cc.connection.client_id = client_id;
  cc.connection.max_in_flight = 5;
  cc.connection.connect_timeout_ms = std::clamp(timeout_ms, 1, 10'000);
  // Kafka's request.timeout.ms is 30 s; a tool's own deadline is shorter when asked.
  cc.connection.request_timeout_ms = std::clamp(timeout_ms, 1'000, 30'000);
  cc.retry_backoff_ms = 100;
  cc.retries = 10;
  return cc;
}

io::task<std::optional<std::string>> connect_cluster(client::cluster& c, std::string bootstrap, int timeout_ms) {
  auto endpoints = client::parse_bootstrap(bootstrap);
  if (!endpoints) co_return "invalid --bootstrap-server '" + bootstrap + "' (expected HOST:PORT[,HOST:PORT...])";
  const auto until = io::clock::now() + std::chrono::milliseconds(timeout_ms);
  client::error last = client::error::of(client::errc::network);
  bool reached = false;
  // Kafka's clients retry unreachable bootstrap servers until their timeout (the broker
  // may be starting); so do we, trying each server in turn with what time is left.
  while (!reached) {
    for (const auto& ep : *endpoints) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - io::clock::now()).count();
      if (left <= 0) break;
      client::connection_config cfg = c.config().connection;
      cfg.connect_timeout_ms = static_cast<int>(left);
      cfg.request_timeout_ms = static_cast<int>(left);
      client::broker_connection probe(-1, ep, cfg);
      auto r = co_await probe.connect();
      co_await probe.close();
      if (r) {
        reached = true;
        break;
      }
      last = r.error();
    }
    if (reached || io::clock::now() >= until) break;
    const auto left = until - io::clock::now();
    const auto nap = std::min<io::clock::duration>(left, probe_backoff);
    (void)co_await io::sleep_for(nap);
  }
  if (!reached) {
    co_return "cannot reach bootstrap server(s) " + bootstrap + " within " + std::to_string(timeout_ms) +
        " ms: " + last.message();
  }
  auto r = co_await c.bootstrap();
  if (!r) co_return "cannot load cluster metadata from " + bootstrap + ": " + r.error().message();
  co_return std::nullopt;
}

io::task<int> run_connected(client::cluster& c, std::string bootstrap, int timeout_ms,
                            void (*print_error)(const std::string&),
                            std::function<io::task<int>(client::cluster&)> body) {
  int rc = exit_error;
  if (auto err = co_await connect_cluster(c, bootstrap, timeout_ms)) {
    print_error(*err);
  } else {
    rc = co_await body(c);
  }
  co_await c.close();
  co_return rc;
}

namespace {

struct admin_run {
  std::string client_id;
  std::string bootstrap;
  int timeout_ms = 0;
  void (*print_error)(const std::string&) = nullptr;
  admin_tool_body body;
};

io::task<int> with_admin(client::cluster& c, const admin_run* r) {
  client::admin admin(c, r->timeout_ms);
  co_return co_await r->body(admin);
}

io::task<int> admin_main(const admin_run* r) {
  client::cluster c(tool_client_config(r->bootstrap, r->client_id, r->timeout_ms));
  auto body = [r](client::cluster& connected) { return with_admin(connected, r); };
  co_return co_await run_connected(c, r->bootstrap, r->timeout_ms, r->print_error, body);
}

}  // namespace

int run_with_admin(const std::string& name, const std::string& bootstrap, int timeout_ms,
                   void (*print_error)(const std::string&), admin_tool_body body) {
  const admin_run r{"ringtail-" + name, bootstrap, timeout_ms, print_error, std::move(body)};
  const admin_run* rp = &r;
  return run_tool(name, [rp](tool_context&) { return admin_main(rp); });
}

}  // namespace ringtail::core::tools
