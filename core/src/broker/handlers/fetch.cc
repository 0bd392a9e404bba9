// Fetch (1): reads whole batches from each partition's owner shard, within the
// partition and response byte limits (KIP-74: the first partition with data may exceed
// them by one batch so a consumer always progresses). When fewer than fetch.min.bytes
// are available, the request long-polls: every owner shard involved waits for an append
// to one of its partitions (io::event) or the deadline; the first to fire ends the wait
// for all. No fetch sessions: session_id 0 keeps clients on full fetches (KIP-227).
#include <chrono>
#include <map>

#include "ringtail/core/broker/broker.h"
#include "ringtail/core/broker/handlers.h"
#include "ringtail/core/broker/partition.h"
#include "ringtail/io/cross_shard.h"
#include "ringtail/io/timer.h"
#include "ringtail/io/when_all.h"

namespace ringtail::core {

namespace {

using codec::error_code;

struct fetch_item {
  std::string_view topic;
  int32_t index = 0;
  int64_t offset = 0;
  int32_t max_bytes = 0;
  codec::fetch_response::partition_data* out = nullptr;
  // Filled on the owner shard: the log's chunks when the owner is the connection's
  // shard (zero-copy), else a copy.
  std::vector<log::chunk> chunks;
  std::vector<std::byte> records;
  size_t size() const {
    size_t n = records.size();
    for (const auto& c : chunks) n += c.bytes.size();
    return n;
  }
};

struct fetch_round {
  std::map<unsigned, std::vector<fetch_item*>> by_shard;
  // Each owner shard's append_sequence() when this round's read there began.
  std::map<unsigned, uint64_t> seen;
  int32_t budget = 0;  // response max_bytes left
};

io::task<void> read_here(std::vector<fetch_item*>* items, int32_t* budget, bool* first_with_data, unsigned origin) {
  const bool copy = io::this_shard() != origin;
  for (fetch_item* it : *items) {
    partition* p = local_shard().find(it->topic, it->index);
    if (!p) {
      it->out->error_code = static_cast<int16_t>(error_code::not_leader_or_follower);
      continue;
    }
    const int32_t limit = std::min(it->max_bytes, std::max(*budget, 0));
    fetch_outcome r = co_await p->fetch(it->offset, limit, *first_with_data, copy);
    it->out->error_code = static_cast<int16_t>(r.error);
    it->out->high_watermark = r.high_watermark;
    it->out->last_stable_offset = r.last_stable_offset;
    it->out->log_start_offset = r.log_start_offset;
    it->records = std::move(r.records);
    it->chunks = std::move(r.chunks);
    if (const size_t n = it->size(); n > 0) {
      *first_with_data = false;
      *budget -= static_cast<int32_t>(n);
    }
  }
}

io::task<void> read_on(unsigned shard, std::vector<fetch_item*>* items, int32_t* budget, bool* first, uint64_t* seen) {
  // Shards are read one after another so the byte budget is shared exactly.
  const unsigned origin = io::this_shard();
  co_await io::submit_to(shard, [items, budget, first, origin, seen] {
    *seen = local_shard().append_sequence();
    return read_here(items, budget, first, origin);
  });
}

// Long-poll support: a wait on one owner shard, cancellable from the origin shard.
struct remote_wait {
  io::cancel_token* token = nullptr;  // set and used only on the owner shard
  bool cancelled = false;             // owner shard only
};

struct wait_group {
  io::event any_done;
  size_t left = 0;
  bool fired = false;
};

// On an owner shard: waits for any append on this shard (a spurious wake-up only costs
// a re-read) or the deadline, or until the origin cancels the wait.
io::task<void> wait_here(remote_wait* w, int64_t wait_ms, uint64_t seen) {
  if (w->cancelled) co_return;
  if (local_shard().append_sequence() != seen) co_return;  // appended since the read
  io::cancel_token token;
  w->token = &token;
  local_shard().add_append_waiter(&token);
  (void)co_await io::sleep_for(std::chrono::milliseconds(wait_ms), &token);
  local_shard().remove_append_waiter(&token);
  w->token = nullptr;
}

}  // namespace

namespace {

io::task<void> wait_on(unsigned shard, remote_wait* w, int64_t wait_ms, uint64_t seen, wait_group* g) {
  co_await io::submit_to(shard, [w, wait_ms, seen] { return wait_here(w, wait_ms, seen); });
  g->fired = true;
  --g->left;
  g->any_done.notify_all();
}

io::task<void> cancel_wait_here(remote_wait* w) {
  w->cancelled = true;
  if (w->token) w->token->cancel();
  co_return;
}

}  // namespace

io::task<codec::fetch_response> handle_fetch(request_context& ctx, const codec::fetch_request& req) {
  codec::fetch_response resp;
  resp.session_id = 0;
  std::vector<fetch_item> items;
  size_t count = 0;
  for (const auto& t : req.topics) count += t.partitions.size();
  items.reserve(count);
  resp.responses.reserve(req.topics.size());
  fetch_round round;
  for (const auto& t : req.topics) {
    auto& tout = resp.responses.emplace_back();
    tout.topic = t.topic;
    tout.partitions.reserve(t.partitions.size());
    for (const auto& fp : t.partitions) {
      auto& pout = tout.partitions.emplace_back();
      pout.partition_index = fp.partition;
      pout.high_watermark = -1;
      // Kafka sends empty (never null) records, errors included; librdkafka rejects a
      // null record set ("invalid MessageSetSize -1").
      pout.records = codec::bytes_view{};
      const partition_info* pi = local_shard().image().find(t.topic, fp.partition);
      if (!pi) {
        pout.error_code = static_cast<int16_t>(error_code::unknown_topic_or_partition);
        continue;
      }
      fetch_item& it = items.emplace_back();
      it.topic = t.topic;
      it.index = fp.partition;
      it.offset = fp.fetch_offset;
      it.max_bytes = fp.partition_max_bytes;
      it.out = &pout;
      round.by_shard[pi->shard].push_back(&it);
    }
  }
  // Fetch v0-2 had no response limit; v3+ carries max_bytes.
  const int32_t max_bytes = ctx.api_version >= 3 ? req.max_bytes : INT32_MAX;
  const auto deadline = io::clock::now() + std::chrono::milliseconds(std::max(req.max_wait_ms, 0));
  for (;;) {
    int32_t budget = max_bytes;
    bool first = true;
    for (auto& [shard, list] : round.by_shard) {
      uint64_t* seen = &round.seen[shard];
      co_await read_on(shard, &list, &budget, &first, seen);
    }
    int64_t total = 0;
    bool any_error = false;
    for (const auto& it : items) {
      total += static_cast<int64_t>(it.size());
      any_error = any_error || it.out->error_code != 0;
    }
    const auto now = io::clock::now();
    if (total >= req.min_bytes || any_error || now >= deadline || round.by_shard.empty() ||
        ctx.conn->stopping()) {
      break;
    }
    // Not enough yet: wait for an append on any involved partition, or the deadline.
    const int64_t wait_ms = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count() + 1;
    std::vector<remote_wait> waits(round.by_shard.size());
    wait_group g;
    g.left = round.by_shard.size();
    size_t i = 0;
    for (auto& [shard, list] : round.by_shard) io::spawn(wait_on(shard, &waits[i++], wait_ms, round.seen[shard], &g));
    while (!g.fired) (void)co_await g.any_done.wait();
    i = 0;
    for (auto& [shard, list] : round.by_shard) {
      remote_wait* w = &waits[i++];
      co_await io::submit_to(shard, [w] { return cancel_wait_here(w); });
    }
    while (g.left > 0) (void)co_await g.any_done.wait();
    for (auto& it : items) {
      it.records.clear();
      it.chunks.clear();
    }
  }
  // The response is encoded by the dispatcher after this coroutine ends, so the record
  // bytes move to the request context, which outlives the encoding.
  for (auto& it : items) {
    if (!it.records.empty()) {
      auto& kept = ctx.buffers.emplace_back(std::move(it.records));
      it.out->records = codec::bytes_view(kept);
    } else if (!it.chunks.empty()) {
      // A placeholder the dispatcher replaces with the chunks (never dereferenced). The
      // token is the address of the scatter entry itself, which the reply owns until it
      // is sent (a deque never moves its elements), so no other piece of the encoded
      // response can start there. It used to be &it, freed when this coroutine ends:
      // the encoder's own buffer could then be allocated at that address, get replaced
      // by the chunks, and the frame's bytes no longer matched its size prefix.
      const size_t n = it.size();
      auto& sc = ctx.scatter.emplace_back(request_context::scattered{nullptr, std::move(it.chunks)});
      sc.token = reinterpret_cast<const std::byte*>(&sc);
      it.out->records = codec::bytes_view(sc.token, n);
    }
  }
  co_return resp;
}

}  // namespace ringtail::core
