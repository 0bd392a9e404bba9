#include "ringtail/core/broker/broker.h"

#include "ringtail/core/broker/partition.h"
#include "ringtail/io/timer.h"

namespace ringtail::core {

namespace {
broker_context* g_broker = nullptr;
controller* g_controller = nullptr;
std::vector<std::unique_ptr<shard_state>> g_shards;
}  // namespace

broker_context& broker() {
  RT_ASSERT(g_broker != nullptr, "broker context not set");
  return *g_broker;
}
void set_broker(broker_context* b) { g_broker = b; }

controller& the_controller() {
  RT_ASSERT(g_controller != nullptr && io::this_shard() == 0, "the controller lives on shard 0");
  return *g_controller;
}
void set_controller(controller* c) { g_controller = c; }

shard_state& local_shard() { return *g_shards[io::this_shard()]; }

void init_shard_states(unsigned shard_count, uint64_t cache_bytes_per_shard) {
  g_shards.clear();
  for (unsigned i = 0; i < shard_count; ++i) g_shards.push_back(std::make_unique<shard_state>(cache_bytes_per_shard));
}

shard_state::shard_state(uint64_t cache_bytes) : cache_(cache_bytes) {}

shard_state::~shard_state() {
  // Partitions hold entries of the shard's cache: they go first.
  partitions_.clear();
}
void clear_shard_states() { g_shards.clear(); }

io::task<void> retention_loop(shard_state* s, int64_t interval_ms) {
  for (;;) {
    auto slept = co_await io::sleep_for(std::chrono::milliseconds(interval_ms), &s->retention_cancel_);
    if (!slept) break;
    for (partition* p : s->all()) co_await p->apply_retention();
  }
  s->retention_running_ = false;
  s->retention_done_.notify_all();
}

void shard_state::start_retention(int64_t interval_ms) {
  retention_running_ = true;
  io::spawn(retention_loop(this, interval_ms));
}

io::task<void> shard_state::stop_retention() {
  retention_cancel_.cancel();
  while (retention_running_) (void)co_await retention_done_.wait();
}

partition* shard_state::find(std::string_view topic, int32_t index) const {
  auto t = partitions_.find(topic);
  if (t == partitions_.end()) return nullptr;
  auto it = t->second.find(index);
  return it == t->second.end() ? nullptr : it->second.get();
}

void shard_state::add(std::unique_ptr<partition> p) {
  const std::string topic = p->topic();
  const int32_t index = p->index();
  partitions_[topic][index] = std::move(p);
}

std::unique_ptr<partition> shard_state::remove(std::string_view topic, int32_t index) {
  auto t = partitions_.find(topic);
  if (t == partitions_.end()) return nullptr;
  auto it = t->second.find(index);
  if (it == t->second.end()) return nullptr;
  auto p = std::move(it->second);
  t->second.erase(it);
  if (t->second.empty()) partitions_.erase(t);
  return p;
}

std::vector<partition*> shard_state::all() const {
  std::vector<partition*> out;
  for (const auto& [t, ps] : partitions_)
    for (const auto& [i, p] : ps) out.push_back(p.get());
  return out;
}

}  // namespace ringtail::core
