// The broker's process-wide state and each shard's slice of it.
//
//  - broker_context: immutable after start (configuration, advertised endpoint).
//  - shard_state (one per shard, touched only by its shard): the installed metadata
//    image, the partitions this shard owns, and per-shard services.
//  - controller (shard 0 only): the mutable metadata; see controller.h.
//
// A partition's owner shard is recorded in the metadata; only the owner touches its log
// and producer state. Other shards reach it with io::submit_to(owner, ...).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ringtail/core/broker/metadata.h"
#include "ringtail/core/config.h"
#include "ringtail/core/log/clock.h"
#include "ringtail/core/log/recent_append_cache.h"
#include "ringtail/core/log/storage.h"
#include "ringtail/io/cancel.h"
#include "ringtail/io/event.h"
#include "ringtail/io/reactor.h"
#include "ringtail/io/task.h"

namespace ringtail::core {

class partition;   // partition.h
class controller;  // controller.h

struct broker_context {
  broker_config config;
  std::string advertised_host;
  int32_t advertised_port = 0;
  std::string data_dir;  // log.dirs[0]
  // `ringtail broker --recover-metadata`: with partition directories but no metadata
  // file, rebuild the metadata from the directories instead of refusing to start.
  bool recover_metadata = false;
};

class shard_state {
 public:
  explicit shard_state(uint64_t cache_bytes);
  ~shard_state();

  log::storage& storage() noexcept { return storage_; }
  log::clock& clock() noexcept { return clock_; }
  log::recent_append_cache& cache() noexcept { return cache_; }

  const metadata_image& image() const noexcept { return *image_; }
  void install(std::unique_ptr<const metadata_image> image) { image_ = std::move(image); }

  partition* find(std::string_view topic, int32_t index) const;
  void add(std::unique_ptr<partition> p);
  std::unique_ptr<partition> remove(std::string_view topic, int32_t index);
  std::vector<partition*> all() const;

  // Retention (log.retention.check.interval.ms): one timer task per shard walks the
  // shard's partitions. stop_retention() cancels it and waits for it to end.
  void start_retention(int64_t interval_ms);
  io::task<void> stop_retention();

  // Long-polling fetches on this shard: each waits in a cancellable sleep until its
  // deadline and registers its token here; every append cancels them all (ending the
  // sleeps early). A sleep has no notify-vs-timeout race: cancelling a fired timer is a
  // no-op, unlike waking an event waiter whose timeout also fired.
  void add_append_waiter(io::cancel_token* t) { append_waiters_.push_back(t); }
  void remove_append_waiter(io::cancel_token* t) {
    std::erase(append_waiters_, t);
  }
  // Bumped by every append; a fetch notes it before reading so that an append landing
  // between its read and its wait (while either is suspended) ends the wait at once.
  uint64_t append_sequence() const noexcept { return append_sequence_; }
  void notify_appended() {
    ++append_sequence_;
    auto waiters = std::move(append_waiters_);
    append_waiters_.clear();
    for (io::cancel_token* t : waiters) t->cancel();
  }

 private:
  std::unique_ptr<const metadata_image> image_ = std::make_unique<metadata_image>();
  std::vector<io::cancel_token*> append_waiters_;
  uint64_t append_sequence_ = 0;
  log::uring_storage storage_;
  log::real_clock clock_;
  log::recent_append_cache cache_;
  io::cancel_token retention_cancel_;
  io::event retention_done_;
  bool retention_running_ = false;
  friend io::task<void> retention_loop(shard_state* s, int64_t interval_ms);
  std::map<std::string, std::map<int32_t, std::unique_ptr<partition>>, std::less<>> partitions_;
};

// Set once at start (on the main thread, before shards run) and cleared at exit.
broker_context& broker();
void set_broker(broker_context* b);

// This shard's state. Valid on shard threads while the broker runs.
shard_state& local_shard();
void init_shard_states(unsigned shard_count, uint64_t cache_bytes_per_shard);
void clear_shard_states();

// The controller (call only on shard 0).
controller& the_controller();
void set_controller(controller* c);

}  // namespace ringtail::core
