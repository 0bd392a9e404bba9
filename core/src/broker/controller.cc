#include "ringtail/core/broker/controller.h"

#include <fcntl.h>

#include <map>
#include <set>

#include "ringtail/base/logging.h"
#include "ringtail/core/broker/broker.h"
#include "ringtail/core/broker/partition.h"
#include "ringtail/core/broker/shard_router.h"
#include "ringtail/core/log/log_config.h"
#include "ringtail/io/cross_shard.h"
#include "ringtail/io/file.h"

namespace ringtail::core {

namespace {

using codec::error_code;

std::string metadata_path() { return broker().data_dir + "/ringtail.metadata"; }

// Kafka cluster ids are a random UUID in URL-safe base64 without padding (22 chars).
std::string new_cluster_id() {
  static const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const codec::uuid u = random_uuid();
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (auto b : u.bytes) {
    acc = (acc << 8) | std::to_integer<uint32_t>(b);
    bits += 8;
    while (bits >= 6) {
      out += alphabet[(acc >> (bits - 6)) & 63];
      bits -= 6;
    }
  }
  if (bits > 0) out += alphabet[(acc << (6 - bits)) & 63];
  return out;
}

io::task<result<std::string, io::error>> read_whole_file(std::string path) {
  auto f = co_await io::file::open(path, O_RDONLY);
  if (!f) co_return unexpected{f.error()};
  auto size = co_await f->size();
  if (!size) co_return unexpected{size.error()};
  std::string text(*size, '\0');
  auto n = co_await f->read_at(0, std::as_writable_bytes(std::span<char>(text)));
  (void)co_await f->close();
  if (!n) co_return unexpected{n.error()};
  text.resize(*n);
  co_return text;
}

// On the owner shard: opens the partition's log and registers it.
io::task<bool> open_and_add(const topic_info* t, int32_t index) {
  const std::string name = t->name;
  const std::map<std::string, std::string> configs = t->configs;
  auto p = co_await partition::open(name, index, configs);
  if (!p) {
    RT_LOG_ERROR("cannot open partition %s-%d: %s", name.c_str(), index, p.error().c_str());
    co_return false;
  }
  local_shard().add(std::move(*p));
  co_return true;
}

io::task<void> install_image(const metadata_image* image) {
  local_shard().install(std::make_unique<metadata_image>(*image));
  co_return;
}

io::task<void> close_here(std::string topic, int32_t index, bool remove) {
  auto p = local_shard().remove(topic, index);
  if (!p) co_return;
  if (remove) co_await p->remove();
  else co_await p->close();
}

io::task<void> update_configs_here(const topic_info* t) {
  for (const auto& p : t->partitions) {
    if (p.shard != io::this_shard()) continue;
    if (partition* part = local_shard().find(t->name, p.index)) part->update_configs(t->configs);
  }
  co_return;
}

// `<topic>-<index>` directories in the data directory (blocking listing: startup only).
std::map<std::string, std::set<int32_t>> find_partition_directories(const std::string& dir) {
  std::map<std::string, std::set<int32_t>> found;
  auto names = local_shard().storage().list_directory(dir);
  if (!names) return found;
  for (const std::string& n : *names) {
    const size_t dash = n.rfind('-');
    if (dash == std::string::npos || dash == 0 || dash + 1 >= n.size() || dash + 11 < n.size()) continue;
    const std::string topic = n.substr(0, dash);
    const std::string digits = n.substr(dash + 1);
    if (!valid_topic_name(topic) || digits.find_first_not_of("0123456789") != std::string::npos) continue;
    const int64_t index = std::stoll(digits);
    if (index >= max_partitions_per_topic) continue;
    if (!local_shard().storage().list_directory(dir + "/" + n)) continue;  // not a directory
    found[topic].insert(static_cast<int32_t>(index));
  }
  return found;
}

}  // namespace

void controller::rebuild_from_directories(const std::map<std::string, std::set<int32_t>>& found, unsigned shards) {
  for (const auto& [name, indexes] : found) {
    topic_info t;
    t.name = name;
    t.id = random_uuid();
    t.internal = name == "__consumer_offsets";
    if (t.internal) t.configs["cleanup.policy"] = "compact";
    const int32_t count = *indexes.rbegin() + 1;  // a gap becomes an empty partition
    for (int32_t i = 0; i < count; ++i) {
      partition_info p;
      p.index = i;
      p.shard = static_cast<unsigned>(i) % shards;
      t.partitions.push_back(p);
    }
    RT_LOG_WARN("--recover-metadata: topic %s rebuilt from its directories with %d partitions (new topic id, "
                "default configs)",
                name.c_str(), count);
    image_.topics.emplace(name, std::move(t));
  }
}

io::task<result<void, std::string>> controller::start() {
  const unsigned shards = io::local().shard_count();
  partitions_per_shard_.assign(shards, 0);
  const std::string dir = broker().data_dir;
  auto mk = co_await io::make_directory(dir);
  if (!mk) co_return unexpected{"cannot create log.dirs '" + dir + "': " + mk.error().message()};
  auto text = co_await read_whole_file(metadata_path());
  if (!text) {
    if (text.error().code != io::errc::not_found)
      co_return unexpected{"cannot read " + metadata_path() + ": " + text.error().message()};
    cluster_id_ = broker().config.properties.count("cluster.id") ? broker().config.cluster_id : new_cluster_id();
    // Partition directories without metadata: the file was lost, not a new cluster.
    // Starting empty would let a new topic of an old name adopt the old records.
    auto found = find_partition_directories(dir);
    if (!found.empty()) {
      if (!broker().recover_metadata) {
        std::string names;
        size_t n = 0;
        for (const auto& [topic, indexes] : found) {
          for (int32_t i : indexes) {
            if (n++ < 5) names += (names.empty() ? "" : ", ") + topic + "-" + std::to_string(i);
          }
        }
        co_return unexpected{metadata_path() + " is missing but " + dir + " holds " + std::to_string(n) +
                             " partition directories (" + names + (n > 5 ? ", ..." : "") +
                             "): refusing to start as a new cluster. If the metadata file was lost, start once "
                             "with `ringtail broker --recover-metadata ...` to rebuild it from the directories "
                             "(topic configs are not recovered; set them again with `ringtail configs`)"};
      }
      rebuild_from_directories(found, shards);
    }
    auto p = co_await persist();
    if (!p) co_return unexpected{p.error()};
  } else {
    auto d = decode_metadata(*text);
    if (!d) co_return unexpected{metadata_path() + ": " + d.error()};
    image_ = std::move(d->image);
    cluster_id_ = d->cluster_id;
    producer_id_block_end_ = d->producer_id_block_end;
    next_producer_id_ = producer_id_block_end_;  // never reuse an id possibly handed out
  }
  for (auto& [name, t] : image_.topics) {
    for (auto& p : t.partitions) {
      if (p.shard >= shards) {
        // Fewer shards than when the partition was created: move its ownership.
        p.shard = p.index % shards;
      }
      p.replicas = {broker().config.node_id};
      p.isr = {broker().config.node_id};
      ++partitions_per_shard_[p.shard];
    }
  }
  for (auto& [name, t] : image_.topics) co_await open_partitions(t, 0);
  co_await publish();
  co_return result<void, std::string>{};
}

io::task<void> controller::stop() {
  for (auto& [name, t] : image_.topics) {
    for (const auto& p : t.partitions) {
      const std::string* topic = &name;
      const int32_t index = p.index;
      co_await io::submit_to(p.shard, [topic, index] { return close_here(*topic, index, false); });
    }
  }
}

io::task<void> controller::open_partitions(const topic_info& t, int32_t from_index) {
  for (size_t i = static_cast<size_t>(from_index); i < t.partitions.size(); ++i) {
    const partition_info& p = t.partitions[i];
    const topic_info* tp = &t;
    const int32_t index = p.index;
    auto opened = co_await io::submit_to(p.shard, [tp, index]() -> io::task<bool> { return open_and_add(tp, index); });
    if (!opened) RT_LOG_ERROR("partition %s-%d could not be opened", t.name.c_str(), p.index);
  }
}

io::task<void> controller::publish() {
  ++image_.version;
  const metadata_image* img = &image_;
  for (unsigned s = 0; s < io::local().shard_count(); ++s) {
    co_await io::submit_to(s, [img] { return install_image(img); });
  }
}

io::task<result<void, std::string>> controller::persist() {
  const std::string text = encode_metadata(image_, cluster_id_, producer_id_block_end_);
  const std::string path = metadata_path();
  const std::string tmp = path + ".tmp";
  auto f = co_await io::file::open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (!f) co_return unexpected{"cannot write " + tmp + ": " + f.error().message()};
  auto w = co_await f->write_at(0, std::as_bytes(std::span<const char>(text)));
  if (w) w = co_await f->fdatasync();
  (void)co_await f->close();
  if (!w) co_return unexpected{"cannot write " + tmp + ": " + w.error().message()};
  auto r = co_await io::rename(tmp, path);
  if (!r) co_return unexpected{"cannot rename " + tmp + ": " + r.error().message()};
  // The rename is durable once the directory is.
  const std::string dir = broker().data_dir;
  auto d = co_await io::file::open(dir, O_RDONLY | O_DIRECTORY);
  if (d) {
    (void)co_await d->fsync();
    (void)co_await d->close();
  }
  co_return result<void, std::string>{};
}

io::task<admin_result> controller::create_topic(create_topic_args args) {
  co_await lock_.lock();
  admin_result r = co_await create_topic_locked(std::move(args));
  lock_.unlock();
  co_return r;
}

io::task<admin_result> controller::create_topic_locked(create_topic_args args) {
  const broker_config& cfg = broker().config;
  if (!valid_topic_name(args.name)) {
    co_return admin_result{error_code::invalid_topic_exception,
                           "Topic name '" + args.name + "' is illegal: it must be 1-249 characters of [a-zA-Z0-9._-]"};
  }
  if (image_.find(args.name)) {
    co_return admin_result{error_code::topic_already_exists, "Topic '" + args.name + "' already exists."};
  }
  if (args.partitions == -1) args.partitions = cfg.num_partitions;
  if (args.replication_factor == -1) args.replication_factor = cfg.default_replication_factor;
  if (args.partitions <= 0) {
    co_return admin_result{error_code::invalid_partitions, "Number of partitions must be larger than 0."};
  }
  if (args.partitions > max_partitions_per_topic) {
    co_return admin_result{error_code::invalid_partitions, "Number of partitions is too large (at most 100000)."};
  }
  if (args.replication_factor <= 0 || args.replication_factor > 1) {
    co_return admin_result{error_code::invalid_replication_factor,
                           "Replication factor: " + std::to_string(args.replication_factor) +
                               " larger than available brokers: 1."};
  }
  for (const auto& [k, v] : args.configs) {
    auto ok = log::validate_topic_config(k, v);
    if (!ok) co_return admin_result{error_code::invalid_config, ok.error()};
  }
  if (args.validate_only) co_return admin_result::ok();
  topic_info t;
  t.name = args.name;
  t.id = random_uuid();
  t.internal = args.internal;
  t.configs = args.configs;
  const auto shards = assign_shards(partitions_per_shard_, args.partitions);
  for (int32_t i = 0; i < args.partitions; ++i) {
    partition_info p;
    p.index = i;
    p.shard = shards[static_cast<size_t>(i)];
    p.replicas = {cfg.node_id};
    p.isr = {cfg.node_id};
    t.partitions.push_back(p);
  }
  image_.topics.emplace(t.name, t);
  auto saved = co_await persist();
  if (!saved) {
    image_.topics.erase(args.name);
    for (unsigned s : shards) --partitions_per_shard_[s];
    co_return admin_result{error_code::kafka_storage_error, saved.error()};
  }
  co_await open_partitions(*image_.find(args.name), 0);
  co_await publish();
  RT_LOG_INFO("created topic %s with %d partitions", args.name.c_str(), args.partitions);
  co_return admin_result::ok();
}

io::task<admin_result> controller::delete_topic(std::string name) {
  co_await lock_.lock();
  admin_result r = co_await delete_topic_locked(std::move(name));
  lock_.unlock();
  co_return r;
}

io::task<admin_result> controller::delete_topic_locked(std::string name) {
  const topic_info* t = image_.find(name);
  if (!t) co_return admin_result{error_code::unknown_topic_or_partition, "This server does not host this topic."};
  if (!broker().config.delete_topic_enable) {
    co_return admin_result{error_code::topic_deletion_disabled, "Topic deletion is disabled."};
  }
  topic_info removed = *t;
  image_.topics.erase(name);
  auto saved = co_await persist();
  if (!saved) {
    image_.topics.emplace(name, removed);
    co_return admin_result{error_code::kafka_storage_error, saved.error()};
  }
  co_await publish();  // no shard routes to it any more
  for (const auto& p : removed.partitions) {
    --partitions_per_shard_[p.shard];
    const std::string* topic = &removed.name;
    const int32_t index = p.index;
    co_await io::submit_to(p.shard, [topic, index] { return close_here(*topic, index, true); });
  }
  RT_LOG_INFO("deleted topic %s", name.c_str());
  co_return admin_result::ok();
}

io::task<admin_result> controller::create_partitions(std::string name, int32_t total, bool validate_only) {
  co_await lock_.lock();
  admin_result r = co_await create_partitions_locked(std::move(name), total, validate_only);
  lock_.unlock();
  co_return r;
}

io::task<admin_result> controller::create_partitions_locked(std::string name, int32_t total, bool validate_only) {
  auto it = image_.topics.find(name);
  if (it == image_.topics.end()) {
    co_return admin_result{error_code::unknown_topic_or_partition, "The topic '" + name + "' does not exist."};
  }
  topic_info& t = it->second;
  const int32_t current = static_cast<int32_t>(t.partitions.size());
  if (total < current) {
    co_return admin_result{error_code::invalid_partitions, "Topic currently has " + std::to_string(current) +
                                                               " partitions, which is higher than the requested " +
                                                               std::to_string(total) + "."};
  }
  if (total == current) {
    co_return admin_result{error_code::invalid_partitions,
                           "Topic already has " + std::to_string(current) + " partitions."};
  }
  if (total > max_partitions_per_topic) co_return admin_result{error_code::invalid_partitions, "Too many partitions."};
  if (validate_only) co_return admin_result::ok();
  const auto shards = assign_shards(partitions_per_shard_, total - current);
  for (int32_t i = current; i < total; ++i) {
    partition_info p;
    p.index = i;
    p.shard = shards[static_cast<size_t>(i - current)];
    p.replicas = {broker().config.node_id};
    p.isr = {broker().config.node_id};
    t.partitions.push_back(p);
  }
  auto saved = co_await persist();
  if (!saved) {
    t.partitions.resize(static_cast<size_t>(current));
    for (unsigned s : shards) --partitions_per_shard_[s];
    co_return admin_result{error_code::kafka_storage_error, saved.error()};
  }
  co_await open_partitions(t, current);
  co_await publish();
  co_return admin_result::ok();
}

io::task<admin_result> controller::set_topic_configs(std::string name, std::map<std::string, std::string> configs,
                                                     bool validate_only) {
  co_await lock_.lock();
  admin_result r = co_await set_topic_configs_locked(std::move(name), std::move(configs), validate_only);
  lock_.unlock();
  co_return r;
}

io::task<admin_result> controller::set_topic_configs_locked(std::string name,
                                                            std::map<std::string, std::string> configs,
                                                            bool validate_only) {
  auto it = image_.topics.find(name);
  if (it == image_.topics.end()) {
    co_return admin_result{error_code::unknown_topic_or_partition, "Topic '" + name + "' does not exist."};
  }
  for (const auto& [k, v] : configs) {
    auto ok = log::validate_topic_config(k, v);
    if (!ok) co_return admin_result{error_code::invalid_config, ok.error()};
  }
  if (validate_only) co_return admin_result::ok();
  auto old = it->second.configs;
  it->second.configs = std::move(configs);
  auto saved = co_await persist();
  if (!saved) {
    it->second.configs = std::move(old);
    co_return admin_result{error_code::kafka_storage_error, saved.error()};
  }
  const topic_info* tp = &it->second;
  for (unsigned s = 0; s < io::local().shard_count(); ++s) co_await io::submit_to(s, [tp] { return update_configs_here(tp); });
  co_await publish();
  co_return admin_result::ok();
}

io::task<result<int64_t, codec::error_code>> controller::allocate_producer_id() {
  co_await lock_.lock();
  auto r = co_await allocate_producer_id_locked();
  lock_.unlock();
  co_return r;
}

io::task<result<int64_t, codec::error_code>> controller::allocate_producer_id_locked() {
  if (next_producer_id_ >= producer_id_block_end_) {
    // Reserve the next block durably before handing out any id from it.
    const int64_t old_end = producer_id_block_end_;
    producer_id_block_end_ = next_producer_id_ + producer_id_block_size;
    auto saved = co_await persist();
    if (!saved) {
      producer_id_block_end_ = old_end;
      co_return unexpected{error_code::kafka_storage_error};
    }
  }
  co_return next_producer_id_++;
}

}  // namespace ringtail::core
