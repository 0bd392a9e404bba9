// Group coordinator benchmarks (docs/PERFORMANCE.md, "Groups"):
//   - BM_group_stabilise/10: the state machine alone (core/group/group.h, fake clock,
//     store acknowledging at once): 10 members join an empty group, the join phase ends,
//     every member syncs, the group is Stable — the coordinator's CPU cost of forming
//     a 10-member group. BM_group_rejoin/10: a Stable 10-member group, one member leaves
//     and comes back (two rebalances to Stable again).
//   - BM_offset_commit_e2e: OffsetCommit requests per second answered by one coordinator
//     shard of the real broker ($RINGTAIL_BINARY, started on a random port with
//     num.shards=2): one connection, 64 requests in flight, each committing one partition
//     (written to __consumer_offsets and acknowledged after the append).
//
//   RINGTAIL_BINARY=build/rel-grp/app/ringtail build/rel-grp/bench/bench_core
//       --benchmark_filter='group|offset_commit' --benchmark_repetitions=3   (one line)
#include <arpa/inet.h>
#include <benchmark/benchmark.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <optional>

#include "../tests/support/broker_process.h"
#include "ringtail/codec/messages.h"
#include "ringtail/core/group/group.h"

namespace {

namespace grp = ringtail::core::group;
namespace codec = ringtail::codec;

class instant_store final : public grp::group_store {
 public:
  void store_group(const grp::group_snapshot&, std::function<void(codec::error_code)> done) override {
    done(codec::error_code::none);
  }
};

grp::join_request member_request(std::string id) {
  grp::join_request r;
  r.member_id = std::move(id);
  r.client_id = "bench";
  r.client_host = "/127.0.0.1";
  r.session_timeout_ms = 10000;
  r.rebalance_timeout_ms = 30000;
  r.protocol_type = "consumer";
  r.protocols = {{"range", std::string(40, 'm')}, {"roundrobin", std::string(40, 'r')}};
  return r;
}

// Drives one complete rebalance: every member in `ids` joins, in order (ids[i] == "" for a
// new member), the join phase ends, everyone syncs. Returns the member ids.
std::vector<std::string> rebalance(grp::group& g, ringtail::core::log::fake_clock& clock, std::vector<std::string> ids) {
  std::vector<std::optional<grp::join_result>> joins(ids.size());
  for (size_t i = 0; i < ids.size(); ++i) {
    auto* slot = &joins[i];
    g.join(member_request(ids[i]), [slot](grp::join_result r) { *slot = std::move(r); });
  }
  if (!joins[0]) {
    clock.advance_ms(1);
    g.on_timer();  // the (zero) initial delay ends
    g.on_timer();
  }
  std::vector<std::string> out;
  std::string leader;
  for (auto& j : joins) {
    out.push_back(j->member_id);
    leader = j->leader_id;
  }
  std::map<std::string, std::string> assignment;
  for (const auto& id : out) assignment[id] = std::string(32, 'a');
  int synced = 0;
  for (const auto& id : out) {
    if (id == leader) continue;
    g.sync(id, std::nullopt, g.generation_id(), {}, [&synced](grp::sync_result) { ++synced; });
  }
  g.sync(leader, std::nullopt, g.generation_id(), std::move(assignment), [&synced](grp::sync_result) { ++synced; });
  if (g.state() != grp::group_state::stable || synced != static_cast<int>(out.size())) std::abort();
  return out;
}

void BM_group_stabilise(benchmark::State& state) {
  const auto members = static_cast<size_t>(state.range(0));
  grp::group_config cfg;
  cfg.initial_rebalance_delay_ms = 0;
  ringtail::core::log::fake_clock clock;
  instant_store store;
  for (auto _ : state) {
    auto g = std::make_shared<grp::group>("bench-group", cfg, clock, store);
    auto ids = rebalance(*g, clock, std::vector<std::string>(members));
    benchmark::DoNotOptimize(ids.data());
    for (const auto& id : ids) (void)g->leave(id, std::nullopt);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_group_stabilise)->Arg(10)->Arg(100);

void BM_group_rejoin(benchmark::State& state) {
  const auto members = static_cast<size_t>(state.range(0));
  grp::group_config cfg;
  cfg.initial_rebalance_delay_ms = 0;
  ringtail::core::log::fake_clock clock;
  instant_store store;
  auto g = std::make_shared<grp::group>("bench-group", cfg, clock, store);
  auto ids = rebalance(*g, clock, std::vector<std::string>(members));
  for (auto _ : state) {
    (void)g->leave(ids.back(), std::nullopt);
    ids.pop_back();
    ids = rebalance(*g, clock, ids);  // the others rejoin without it
    ids.insert(ids.begin(), "");      // a new member first (a Stable group's followers
    ids = rebalance(*g, clock, ids);  // rejoining first would just get their assignment)
  }
  for (const auto& id : ids) (void)g->leave(id, std::nullopt);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_group_rejoin)->Arg(10);

// ---------------------------------------------------------------------------------------
// End to end: OffsetCommit against the real broker.

class blocking_client {
 public:
  explicit blocking_client(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) throw std::runtime_error("connect");
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  ~blocking_client() { ::close(fd_); }
  void send(const std::vector<std::byte>& b) {
    size_t done = 0;
    while (done < b.size()) {
      const ssize_t n = ::write(fd_, b.data() + done, b.size() - done);
      if (n <= 0) throw std::runtime_error("write");
      done += static_cast<size_t>(n);
    }
  }
  // One response frame (without the size prefix).
  std::vector<std::byte> receive() {
    std::byte size_bytes[4];
    read_exact(size_bytes, 4);
    const uint32_t size = ntohl(*reinterpret_cast<uint32_t*>(size_bytes));
    std::vector<std::byte> body(size);
    read_exact(body.data(), size);
    return body;
  }

 private:
  void read_exact(std::byte* p, size_t n) {
    size_t done = 0;
    while (done < n) {
      const ssize_t r = ::read(fd_, p + done, n - done);
      if (r <= 0) throw std::runtime_error("read");
      done += static_cast<size_t>(r);
    }
  }
  int fd_ = -1;
};

template <typename Request>
std::vector<std::byte> frame(int32_t correlation_id, int16_t version, const Request& req) {
  codec::writer w(256);
  codec::encode_request_frame(w, correlation_id, "bench", version, req);
  return w.release();
}

void BM_offset_commit_e2e(benchmark::State& state) {
  if (ringtail::testing::broker_binary().empty()) {
    state.SkipWithError("RINGTAIL_BINARY is not set");
    return;
  }
  ringtail::testing::broker_process broker;
  if (auto err = broker.start({"log.flush.interval.messages=9223372036854775807"}); !err.empty()) {
    state.SkipWithError(err.c_str());
    return;
  }
  blocking_client c(broker.port());
  int32_t corr = 0;
  // The topic the offsets are for, and the coordinator (creates __consumer_offsets).
  codec::create_topics_request ct;
  auto& t = ct.topics.emplace_back();
  t.name = "bench-commits";
  t.num_partitions = 8;
  t.replication_factor = 1;
  ct.timeout_ms = 10000;
  c.send(frame(++corr, 0, ct));
  (void)c.receive();
  codec::find_coordinator_request fc;
  fc.key = "bench-group";
  c.send(frame(++corr, 0, fc));
  (void)c.receive();

  codec::offset_commit_request oc;
  oc.group_id = "bench-group";
  oc.generation_id_or_member_epoch = -1;
  oc.member_id = "";
  auto& ot = oc.topics.emplace_back();
  ot.name = "bench-commits";
  auto& op = ot.partitions.emplace_back();
  op.partition_index = 0;
  op.committed_metadata = "";
  constexpr int16_t version = 2;
  constexpr int window = 64;
  int in_flight = 0;
  int64_t offset = 0;
  int64_t errors = 0;
  for (auto _ : state) {
    while (in_flight < window) {
      op.committed_offset = ++offset;
      op.partition_index = static_cast<int32_t>(offset % 8);
      c.send(frame(++corr, version, oc));
      ++in_flight;
    }
    auto body = c.receive();
    --in_flight;
    codec::reader r(body);
    int32_t cid = 0;
    (void)r.read_int32(cid);
    codec::offset_commit_response resp;
    if (!resp.decode(r, version) || resp.topics.empty() || resp.topics[0].partitions.empty() ||
        resp.topics[0].partitions[0].error_code != 0)
      ++errors;
  }
  while (in_flight-- > 0) (void)c.receive();
  state.counters["errors"] = static_cast<double>(errors);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  (void)broker.stop();
}
BENCHMARK(BM_offset_commit_e2e)->UseRealTime()->MinTime(3.0);

}  // namespace
