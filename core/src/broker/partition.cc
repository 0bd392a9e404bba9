#include "ringtail/core/broker/partition.h"

#include <fcntl.h>

#include <charconv>
#include <sstream>

#include "ringtail/base/logging.h"
#include "ringtail/codec/record_batch.h"
#include "ringtail/core/broker/broker.h"
#include "ringtail/core/log/partition_log.h"
#include "ringtail/io/file.h"

namespace ringtail::core {

namespace {

using codec::error_code;

error_code to_kafka(log::errc e) {
  switch (e) {
    case log::errc::offset_out_of_range: return error_code::offset_out_of_range;
    case log::errc::invalid_batch: return error_code::corrupt_message;
    case log::errc::corrupt: return error_code::corrupt_message;  // damaged log data (Kafka: CorruptRecordException)
    case log::errc::batch_too_large: return error_code::record_list_too_large;
    case log::errc::closed: return error_code::not_leader_or_follower;
    default: return error_code::kafka_storage_error;
  }
}

error_code to_kafka(codec::errc e) {
  switch (e) {
    case codec::errc::bad_crc: return error_code::corrupt_message;
    case codec::errc::unsupported_compression: return error_code::unsupported_compression_type;
    case codec::errc::truncated:
    case codec::errc::length_too_large:
    case codec::errc::negative_length: return error_code::corrupt_message;
    default: return error_code::invalid_record;
  }
}

int64_t now_ms() { return local_shard().clock().now_ms(); }

// Decompressed records of a batch whose max timestamp must be recomputed are read here
// (one per shard: threads are shards).
constexpr size_t timestamp_scan_output_max = 64 << 20;

// The largest record timestamp of a CreateTime batch (base timestamp + largest delta),
// or nullopt if the records cannot be read.
std::optional<int64_t> max_record_timestamp(const codec::record_batch_view& b) {
  static thread_local codec::byte_buffer scratch;
  auto reader = b.records(scratch, timestamp_scan_output_max);
  if (!reader) return std::nullopt;
  int64_t max_delta = INT64_MIN;
  for (;;) {
    auto r = reader->next();
    if (!r) return std::nullopt;
    if (!*r) break;
    max_delta = std::max(max_delta, (*r)->timestamp_delta);
  }
  if (max_delta == INT64_MIN) return std::nullopt;
  return b.base_timestamp() + max_delta;
}

// Producer state snapshot, written at clean close and read at a clean open:
//   ringtail-producers 1 <log end offset>
//   <producer id> <epoch> <first seq> <last seq> <first offset> <last offset> <timestamp>
constexpr const char* producer_snapshot_name = "producer.snapshot";

}  // namespace

partition::partition(std::string topic, int32_t index) : topic_(std::move(topic)), index_(index) {}
partition::~partition() = default;

std::string partition::directory_for(const std::string& topic, int32_t index) {
  return broker().data_dir + "/" + topic + "-" + std::to_string(index);
}

io::task<result<std::unique_ptr<partition>, std::string>> partition::open(std::string topic, int32_t index,
                                                                           std::map<std::string, std::string> configs) {
  auto cfg = log::make_log_config(broker().config, configs);
  if (!cfg) co_return unexpected{cfg.error()};
  std::unique_ptr<partition> p(new partition(topic, index));
  p->configs_ = configs;
  const std::string dir = directory_for(topic, index);
  shard_state& sh = local_shard();
  auto l = co_await log::partition_log::open(dir, *cfg, sh.storage(), sh.clock(), &sh.cache());
  if (!l) co_return unexpected{dir + ": " + std::string(log::to_string(l.error()))};
  p->log_ = std::move(*l);
  co_await p->load_producer_state();
  co_return p;
}

io::task<void> partition::load_producer_state() {
  // A clean shutdown left a snapshot matching the log end: use it. Otherwise rebuild by
  // scanning the batch headers (idempotent producers' sequences live in them).
  if (log_->stats_at_open().clean) {
    const std::string path = log_->dir() + "/" + producer_snapshot_name;
    auto f = co_await io::file::open(path, O_RDONLY);
    if (f) {
      auto size = co_await f->size();
      std::string text(size ? *size : 0, '\0');
      auto n = co_await f->read_at(0, std::as_writable_bytes(std::span<char>(text)));
      (void)co_await f->close();
      std::istringstream in(text.substr(0, n ? *n : 0));
      std::string magic;
      int version = 0;
      int64_t leo = -1;
      in >> magic >> version >> leo;
      if (magic == "ringtail-producers" && version == 1 && leo == log_->log_end_offset()) {
        int64_t pid, first_off, last_off, ts;
        int32_t epoch, first_seq, last_seq;
        while (in >> pid >> epoch >> first_seq >> last_seq >> first_off >> last_off >> ts) {
          producers_.record(pid, static_cast<int16_t>(epoch), batch_sequence{first_seq, last_seq, first_off, last_off, ts});
        }
        producers_.evict_before(log_->log_start_offset());
        co_return;
      }
    }
  }
  producers_.clear();
  producer_state* ps = &producers_;
  auto r = co_await log_->for_each_batch(log_->log_start_offset(), [ps](const codec::record_batch_view& b) {
    if (b.has_producer_id() && !b.is_control()) {
      ps->record(b.producer_id(), b.producer_epoch(),
                 batch_sequence{b.base_sequence(), b.base_sequence() + b.last_offset_delta(), b.base_offset(),
                                b.last_offset(), b.max_timestamp()});
    }
    return true;
  });
  if (!r) RT_LOG_WARN("%s-%d: rebuilding producer state: %s", topic_.c_str(), index_, std::string(log::to_string(r.error())).c_str());
}

io::task<void> partition::save_producer_state() {
  std::ostringstream o;
  o << "ringtail-producers 1 " << log_->log_end_offset() << "\n";
  producers_.for_each([&o](int64_t pid, const producer_entry& e) {
    for (const auto& b : e.batches)
      o << pid << " " << e.epoch << " " << b.first_sequence << " " << b.last_sequence << " " << b.first_offset << " "
        << b.last_offset << " " << b.timestamp << "\n";
  });
  const std::string text = o.str();
  const std::string path = log_->dir() + "/" + producer_snapshot_name;
  const std::string tmp = path + ".tmp";
  auto f = co_await io::file::open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (!f) co_return;
  auto w = co_await f->write_at(0, std::as_bytes(std::span<const char>(text)));
  if (w) w = co_await f->fdatasync();
  (void)co_await f->close();
  if (w) (void)co_await io::rename(tmp, path);
}

int64_t partition::high_watermark() const noexcept { return log_->high_watermark(); }
int64_t partition::log_start_offset() const noexcept { return log_->log_start_offset(); }
int64_t partition::log_end_offset() const noexcept { return log_->log_end_offset(); }

io::task<produce_outcome> partition::produce(std::span<std::byte> records, int16_t acks, int16_t api_version) {
  produce_op op;
  enqueue_produce(op, records, acks, api_version);
  co_return co_await complete_produce(op);
}

void partition::enqueue_produce(produce_op& op, std::span<std::byte> records, int16_t acks, int16_t api_version) {
  produce_outcome& out = op.out;
  out.log_start_offset = log_->log_start_offset();
  const log::log_config& cfg = log_->config();
  // Validate every batch in place: whole v2 batches only (Produce v3+ carries exactly
  // one per partition), CRC, sizes, client rules.
  codec::record_batch_reader reader(records);
  int batches = 0;
  std::optional<codec::record_batch_view> first;
  for (;;) {
    auto next = reader.next();
    if (!next) {
      out.error = next.error() == codec::errc::bad_magic ? error_code::unsupported_version : to_kafka(next.error());
      return;
    }
    if (!next->has_value()) break;
    const codec::record_batch_view& b = **next;
    if (auto ok = b.validate(); !ok) {
      out.error = to_kafka(ok.error());
      return;
    }
    if (static_cast<int64_t>(b.size_bytes()) > cfg.max_message_bytes) {
      out.error = error_code::message_too_large;
      return;
    }
    if (b.compression() == codec::compression_type::zstd && api_version < 7) {
      out.error = error_code::unsupported_compression_type;
      return;
    }
    if (b.max_timestamp() == codec::no_timestamp && b.ts_type() == codec::timestamp_type::create_time &&
        b.record_count() > 0 && !b.is_control()) {
      // Some clients (sarama before 1.27) leave maxTimestamp at -1 although every record
      // has a timestamp; Kafka recomputes it on append, so its time index and
      // ListOffsets by time see the records. Only for such batches: others are trusted.
      if (auto ts = max_record_timestamp(b)) {
        auto m = codec::mutable_record_batch_view::parse(records.subspan(reader.last_position(), b.size_bytes()));
        if (m) m->set_max_timestamp(*ts);
      }
    }
    if (!first) first = b;
    ++batches;
  }
  if (reader.truncated_tail() || batches == 0 || (api_version >= 3 && batches != 1)) {
    out.error = batches == 0 && !reader.truncated_tail() ? error_code::invalid_record
                : reader.truncated_tail()                 ? error_code::corrupt_message
                                                          : error_code::invalid_record;
    return;
  }
  if (static_cast<int64_t>(records.size()) > cfg.segment_bytes) {
    out.error = error_code::record_list_too_large;
    return;
  }
  if (first->has_producer_id()) {
    // Checked by the log when the batch gets its offsets (sequence_admission): after
    // every batch queued before it, before any queued after it.
    const int32_t first_seq = first->base_sequence();
    op.admission.emplace(producers_, first->producer_id(), first->producer_epoch(), first_seq,
                         first_seq + first->last_offset_delta());
  }
  std::optional<int64_t> append_time;
  if (cfg.message_timestamp_type == codec::timestamp_type::log_append_time) append_time = now_ms();
  auto q = log_->enqueue(op.append, records, /*leader_epoch=*/0, append_time,
                         op.admission ? &*op.admission : nullptr);
  if (!q) {
    out.error = to_kafka(q.error());
    return;
  }
  op.queued = true;
  // acks=-1 with a single replica: the leader has it once written; the topic's flush
  // policy is applied by the log (flush.messages) before the append completes.
  (void)acks;
}

io::task<produce_outcome> partition::complete_produce(produce_op& op) {
  produce_outcome& out = op.out;
  if (!op.queued) co_return out;
  auto r = co_await log_->wait(op.append);
  if (!r && r.error() == log::errc::not_admitted) {
    const sequence_admission& a = *op.admission;
    if (const batch_sequence* dup = a.duplicate()) {
      // A retry of a batch we have: success with the original offsets (Kafka's rule).
      out.base_offset = dup->first_offset;
      out.log_append_time_ms =
          log_->config().message_timestamp_type == codec::timestamp_type::log_append_time ? dup->timestamp : -1;
    } else {
      // The sequence check's error; or the batch repeated one that was in the same
      // write, which failed: retriable, like the original's error.
      out.error = a.error() != error_code::none ? a.error() : error_code::kafka_storage_error;
    }
    co_return out;
  }
  if (!r) {
    out.error = to_kafka(r.error());
    co_return out;
  }
  out.base_offset = r->base_offset;
  out.log_append_time_ms = r->log_append_time_ms;
  out.log_start_offset = r->log_start_offset;
  appended_.notify_all();
  local_shard().notify_appended();
  co_return out;
}

io::task<result<int64_t, codec::error_code>> partition::append_internal(std::span<std::byte> batches) {
  auto r = co_await log_->append(batches, /*leader_epoch=*/0, std::nullopt);
  if (!r) co_return unexpected{to_kafka(r.error())};
  appended_.notify_all();
  local_shard().notify_appended();
  co_return r->base_offset;
}

io::task<result<void, codec::error_code>> partition::for_each_batch(
    int64_t from_offset, std::function<bool(const codec::record_batch_view&)> fn) {
  auto r = co_await log_->for_each_batch(from_offset, std::move(fn));
  if (!r) co_return unexpected{to_kafka(r.error())};
  co_return result<void, codec::error_code>{};
}

io::task<fetch_outcome> partition::fetch(int64_t offset, int32_t max_bytes, bool min_one, bool copy) {
  fetch_outcome out;
  auto r = co_await log_->read(offset, static_cast<size_t>(std::max(max_bytes, 0)), log_->high_watermark(), min_one);
  out.high_watermark = log_->high_watermark();
  out.last_stable_offset = out.high_watermark;  // no transactions yet
  out.log_start_offset = log_->log_start_offset();
  if (!r) {
    out.error = to_kafka(r.error());
    co_return out;
  }
  if (!copy) {
    out.chunks = std::move(r->chunks);
    co_return out;
  }
  out.records.reserve(r->size_bytes);
  for (const auto& c : r->chunks) out.records.insert(out.records.end(), c.bytes.begin(), c.bytes.end());
  co_return out;
}

io::task<result<std::pair<int64_t, int64_t>, codec::error_code>> partition::list_offset(int64_t timestamp) {
  if (timestamp == -2) co_return std::pair<int64_t, int64_t>{log_->log_start_offset(), -1};
  if (timestamp == -1) co_return std::pair<int64_t, int64_t>{log_->high_watermark(), -1};
  if (timestamp == -3) {
    auto r = co_await log_->max_timestamp_offset();
    if (!r) co_return unexpected{to_kafka(r.error())};
    if (!*r) co_return std::pair<int64_t, int64_t>{-1, -1};
    co_return std::pair<int64_t, int64_t>{(*r)->offset, (*r)->timestamp};
  }
  if (timestamp < 0) co_return unexpected{error_code::invalid_request};
  auto r = co_await log_->offset_for_timestamp(timestamp);
  if (!r) co_return unexpected{to_kafka(r.error())};
  if (!*r) co_return std::pair<int64_t, int64_t>{-1, -1};
  co_return std::pair<int64_t, int64_t>{(*r)->offset, (*r)->timestamp};
}

io::task<result<int64_t, codec::error_code>> partition::delete_records(int64_t before) {
  if (before == -1) before = log_->high_watermark();
  if (before < 0 || before > log_->high_watermark()) co_return unexpected{error_code::offset_out_of_range};
  auto r = co_await log_->delete_records_before(before);
  if (!r) co_return unexpected{to_kafka(r.error())};
  producers_.evict_before(log_->log_start_offset());
  co_return *r;
}

void partition::update_configs(const std::map<std::string, std::string>& configs) {
  configs_ = configs;
  auto cfg = log::make_log_config(broker().config, configs);
  if (cfg) log_->update_config(*cfg);
}

io::task<void> partition::close() {
  co_await save_producer_state_if_open();
  auto r = co_await log_->close();
  if (!r) RT_LOG_WARN("%s-%d: close: %s", topic_.c_str(), index_, std::string(log::to_string(r.error())).c_str());
}

io::task<void> partition::save_producer_state_if_open() {
  auto f = co_await log_->flush();
  if (f) co_await save_producer_state();
}

io::task<void> partition::remove() {
  auto r = co_await log_->remove();
  if (!r) RT_LOG_WARN("%s-%d: remove: %s", topic_.c_str(), index_, std::string(log::to_string(r.error())).c_str());
}

io::task<void> partition::apply_retention() {
  auto r = co_await log_->apply_retention();
  if (!r) RT_LOG_WARN("%s-%d: retention: %s", topic_.c_str(), index_, std::string(log::to_string(r.error())).c_str());
  producers_.evict_before(log_->log_start_offset());
}

}  // namespace ringtail::core
