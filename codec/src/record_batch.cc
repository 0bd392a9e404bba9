#include "ringtail/codec/record_batch.h"

#include <algorithm>
#include <limits>

#include "records_internal.h"
#include "ringtail/base/assert.h"
#include "ringtail/codec/crc32c.h"

namespace ringtail::codec {

using records_internal::cursor;
using records_internal::load_be;
using records_internal::store_be;

namespace {

// Smallest encoded record body: attributes, timestamp delta, offset delta, key length,
// value length, header count — one byte each.
constexpr size_t record_body_min_bytes = 6;
// Smallest encoded header: key length and value length, one byte each.
constexpr size_t header_min_bytes = 2;

result<void> check_frame(std::span<const std::byte> bytes) {
  if (bytes.size() < record_batch_header_bytes) return unexpected{errc::truncated};
  const auto length = load_be<int32_t>(bytes.data() + batch_layout::batch_length);
  if (length < batch_length_min) return unexpected{errc::invalid_record};
  if (static_cast<size_t>(length) != bytes.size() - log_overhead_bytes) return unexpected{errc::invalid_record};
  if (static_cast<int8_t>(bytes[batch_layout::magic]) != record_batch_magic) return unexpected{errc::bad_magic};
  return {};
}

}  // namespace

// ---------------------------------------------------------------------------------------
// Records

bool header_reader::next(record_header_view& out) {
  if (read_ >= count_) return false;
  cursor c(bytes_.subspan(pos_));
  const int32_t key_length = c.varint();
  const auto key = c.bytes(static_cast<size_t>(key_length));
  out.key = {reinterpret_cast<const char*>(key.data()), key.size()};
  out.value = c.nullable_varint_bytes();
  RT_ASSERT(c.ok(), "headers are validated by record_reader before they are iterated");
  pos_ = static_cast<size_t>(c.position() - bytes_.data());
  ++read_;
  return true;
}

result<std::optional<record_view>> record_reader::next() {
  if (read_ == record_count_) {
    // Kafka rejects a batch whose records area has bytes beyond the declared records.
    if (pos_ != bytes_.size()) return unexpected{errc::invalid_record};
    return std::optional<record_view>{};
  }
  if (read_ > record_count_ || pos_ == bytes_.size()) return unexpected{errc::invalid_record};

  cursor outer(bytes_.subspan(pos_));
  const int32_t length = outer.varint();
  if (!outer.ok()) return unexpected{outer.too_long() ? errc::varint_too_long : errc::truncated};
  if (length < static_cast<int32_t>(record_body_min_bytes) || static_cast<size_t>(length) > outer.remaining())
    return unexpected{errc::invalid_record};
  const std::byte* body = outer.position();
  const std::byte* record_start = bytes_.data() + pos_;

  record_view r;
  cursor c(body, static_cast<size_t>(length));
  r.attributes = c.fixed<int8_t>();
  r.timestamp_delta = c.varlong();
  r.offset_delta = c.varint();
  r.key = c.nullable_varint_bytes();
  r.value = c.nullable_varint_bytes();
  r.header_count = c.varint();
  if (!c.ok()) return unexpected{c.too_long() ? errc::varint_too_long : errc::invalid_record};
  if (r.header_count < 0 || static_cast<size_t>(r.header_count) > c.remaining() / header_min_bytes)
    return unexpected{errc::invalid_record};
  const std::byte* headers_start = c.position();
  for (int32_t i = 0; i < r.header_count; ++i) {
    const int32_t key_length = c.varint();
    if (key_length < 0) return unexpected{errc::invalid_record};  // header keys are never null
    (void)c.bytes(static_cast<size_t>(key_length));
    (void)c.nullable_varint_bytes();
    if (!c.ok()) return unexpected{c.too_long() ? errc::varint_too_long : errc::invalid_record};
  }
  r.header_bytes = {headers_start, static_cast<size_t>(c.position() - headers_start)};
  // The declared length must be exactly what the fields use.
  if (c.remaining() != 0) return unexpected{errc::invalid_record};
  if (r.offset_delta <= previous_offset_delta_ || r.offset_delta > last_offset_delta_)
    return unexpected{errc::invalid_record};

  const size_t record_bytes = static_cast<size_t>(body - record_start) + static_cast<size_t>(length);
  r.bytes = {record_start, record_bytes};
  pos_ += record_bytes;
  previous_offset_delta_ = r.offset_delta;
  ++read_;
  return std::optional<record_view>{r};
}

// ---------------------------------------------------------------------------------------
// Batches

result<record_batch_view> record_batch_view::parse(std::span<const std::byte> bytes) {
  RT_TRY(check_frame(bytes));
  return record_batch_view(bytes.data(), bytes.size());
}

int32_t record_batch_view::last_sequence() const {
  const int32_t base = base_sequence();
  if (base == no_sequence) return no_sequence;
  const int64_t last = static_cast<int64_t>(base) + last_offset_delta();
  // Sequences wrap from INT32_MAX to 0 (DefaultRecordBatch.incrementSequence).
  return static_cast<int32_t>(last > std::numeric_limits<int32_t>::max()
                                  ? last - std::numeric_limits<int32_t>::max() - 1
                                  : last);
}

uint32_t record_batch_view::compute_crc() const {
  return crc32c(data_ + batch_layout::crc_start, size_ - batch_layout::crc_start);
}

result<void> record_batch_view::validate(const batch_validation& rules) const {
  // parse() already checked the frame (size, batch_length, magic).
  if (compression_bits() > compression_type_max) return unexpected{errc::unsupported_compression};
  if (rules.verify_crc && compute_crc() != crc()) return unexpected{errc::bad_crc};
  const int32_t count = record_count();
  const int32_t last_delta = last_offset_delta();
  if (count <= 0 || last_delta < 0) return unexpected{errc::invalid_record};
  if (rules.require_dense_offsets ? static_cast<int64_t>(last_delta) + 1 != count
                                  : static_cast<int64_t>(last_delta) + 1 < count)
    return unexpected{errc::invalid_record};
  if (rules.from_client && is_control()) return unexpected{errc::invalid_record};
  if (rules.from_client && has_producer_id() && base_sequence() < 0) return unexpected{errc::invalid_record};
  // Every record takes at least 7 bytes (length + body), so a count that cannot fit is
  // rejected before anyone sizes a buffer by it. Compressed data may be smaller than the
  // count suggests, so this only applies uncompressed.
  if (!is_compressed() && static_cast<size_t>(count) > records_bytes().size() / (record_body_min_bytes + 1))
    return unexpected{errc::invalid_record};
  return {};
}

record_reader record_batch_view::records() const {
  RT_ASSERT(!is_compressed(), "records() without a buffer needs an uncompressed batch");
  return record_reader(records_bytes(), record_count(), last_offset_delta());
}

result<record_reader> record_batch_view::records(byte_buffer& scratch, size_t output_limit_bytes) const {
  if (!is_compressed()) return record_reader(records_bytes(), record_count(), last_offset_delta());
  if (compression_bits() > compression_type_max) return unexpected{errc::unsupported_compression};
  scratch.clear();
  RT_TRY(decompress(compression(), records_bytes(), scratch, output_limit_bytes));
  return record_reader({scratch.data(), scratch.size()}, record_count(), last_offset_delta());
}

result<void> record_batch_view::validate_records(byte_buffer& scratch, size_t output_limit_bytes) const {
  auto reader = records(scratch, output_limit_bytes);
  if (!reader) return unexpected{reader.error()};
  for (;;) {
    auto r = reader->next();
    if (!r) return unexpected{r.error()};
    if (!r->has_value()) break;
  }
  return {};
}

result<mutable_record_batch_view> mutable_record_batch_view::parse(std::span<std::byte> bytes) {
  RT_TRY(check_frame(bytes));
  return mutable_record_batch_view(bytes.data(), bytes.size());
}

record_batch_view mutable_record_batch_view::view() const {
  auto v = record_batch_view::parse({data_, size_});
  RT_ASSERT(v.has_value(), "a mutable batch view keeps a valid frame");
  return *v;
}

void mutable_record_batch_view::set_base_offset(int64_t base_offset) {
  store_be<int64_t>(data_ + batch_layout::base_offset, base_offset);
}

void mutable_record_batch_view::set_partition_leader_epoch(int32_t epoch) {
  store_be<int32_t>(data_ + batch_layout::partition_leader_epoch, epoch);
}

void mutable_record_batch_view::set_log_append_time(int64_t append_time_ms) {
  const auto attributes = load_be<uint16_t>(data_ + batch_layout::attributes);
  store_be<uint16_t>(data_ + batch_layout::attributes, static_cast<uint16_t>(attributes | attr_timestamp_type));
  store_be<int64_t>(data_ + batch_layout::max_timestamp, append_time_ms);
  update_crc();
}

void mutable_record_batch_view::set_max_timestamp(int64_t max_timestamp_ms) {
  store_be<int64_t>(data_ + batch_layout::max_timestamp, max_timestamp_ms);
  update_crc();
}

void mutable_record_batch_view::set_producer(int64_t producer_id, int16_t producer_epoch, int32_t base_sequence) {
  store_be<int64_t>(data_ + batch_layout::producer_id, producer_id);
  store_be<int16_t>(data_ + batch_layout::producer_epoch, producer_epoch);
  store_be<int32_t>(data_ + batch_layout::base_sequence, base_sequence);
  update_crc();
}

void mutable_record_batch_view::update_crc() {
  store_be<uint32_t>(data_ + batch_layout::crc,
                     crc32c(data_ + batch_layout::crc_start, size_ - batch_layout::crc_start));
}

result<std::optional<record_batch_view>> record_batch_reader::next() {
  const size_t left = blob_.size() - position_;
  if (left == 0) return std::optional<record_batch_view>{};
  if (left < log_overhead_bytes) {
    truncated_tail_ = true;
    return std::optional<record_batch_view>{};
  }
  const std::byte* p = blob_.data() + position_;
  const auto length = load_be<int32_t>(p + batch_layout::batch_length);
  if (length < batch_length_min) return unexpected{errc::invalid_record};
  // Check the magic as soon as it is there, so a legacy message set in a v2-only context is
  // reported as such rather than as a truncation.
  if (left > batch_layout::magic && static_cast<int8_t>(p[batch_layout::magic]) != record_batch_magic)
    return unexpected{errc::bad_magic};
  const size_t size = log_overhead_bytes + static_cast<size_t>(length);
  if (size > left) {
    truncated_tail_ = true;
    return std::optional<record_batch_view>{};
  }
  auto v = record_batch_view::parse({p, size});
  if (!v) return unexpected{v.error()};
  last_position_ = position_;
  position_ += size;
  return std::optional<record_batch_view>{*v};
}

std::optional<int8_t> peek_magic(std::span<const std::byte> blob) {
  if (blob.size() <= batch_layout::magic) return std::nullopt;
  return static_cast<int8_t>(blob[batch_layout::magic]);
}

// ---------------------------------------------------------------------------------------
// Control records

result<control_record_key> parse_control_record_key(std::optional<std::span<const std::byte>> key) {
  if (!key || key->size() < control_record_key_bytes) return unexpected{errc::invalid_record};
  control_record_key k;
  k.version = load_be<int16_t>(key->data());
  k.type = load_be<int16_t>(key->data() + 2);
  if (k.version < 0) return unexpected{errc::invalid_record};
  return k;
}

result<end_txn_marker> parse_end_txn_marker(std::optional<std::span<const std::byte>> value) {
  if (!value || value->size() < end_txn_marker_value_bytes) return unexpected{errc::invalid_record};
  end_txn_marker m;
  m.version = load_be<int16_t>(value->data());
  m.coordinator_epoch = load_be<int32_t>(value->data() + 2);
  if (m.version < 0) return unexpected{errc::invalid_record};
  return m;
}

// ---------------------------------------------------------------------------------------
// Builder

void record_batch_builder::reset() {
  out_.clear();
  records_.clear();
  // Room for the header, written by finish() once counts and timestamps are known.
  out_.resize(record_batch_header_bytes);
  records_size_bytes_ = 0;
  compression_ = compression_type::none;
  compress_options_ = {};
  base_offset_ = 0;
  partition_leader_epoch_ = no_partition_leader_epoch;
  attributes_ = 0;
  producer_id_ = no_producer_id;
  producer_epoch_ = no_producer_epoch;
  base_sequence_ = no_sequence;
  base_timestamp_ = no_timestamp;
  max_timestamp_ = no_timestamp;
  record_count_ = 0;
  finished_ = false;
}

void record_batch_builder::set_compression(compression_type type, const compress_options& options) {
  RT_ASSERT(record_count_ == 0 && !finished_, "compression is chosen before the first record");
  compression_ = type;
  compress_options_ = options;
}

void record_batch_builder::set_producer(int64_t producer_id, int16_t producer_epoch, int32_t base_sequence) {
  RT_ASSERT(!finished_, "set_producer after finish");
  producer_id_ = producer_id;
  producer_epoch_ = producer_epoch;
  base_sequence_ = base_sequence;
}

void record_batch_builder::set_transactional(bool transactional) {
  RT_ASSERT(!finished_, "set_transactional after finish");
  attributes_ = static_cast<uint16_t>(transactional ? attributes_ | attr_transactional
                                                    : attributes_ & ~attr_transactional);
}

void record_batch_builder::append(int64_t timestamp_ms, std::optional<std::span<const std::byte>> key,
                                  std::optional<std::span<const std::byte>> value,
                                  std::span<const record_header> headers) {
  using namespace records_internal;
  RT_ASSERT(!finished_, "append after finish");
  RT_ASSERT((attributes_ & attr_control) == 0, "a control batch holds only its marker");
  if (record_count_ == 0) base_timestamp_ = timestamp_ms;
  max_timestamp_ = record_count_ == 0 ? timestamp_ms : std::max(max_timestamp_, timestamp_ms);
  const int64_t timestamp_delta = timestamp_ms - base_timestamp_;
  const int32_t offset_delta = record_count_;

  auto nullable_size = [](const std::optional<std::span<const std::byte>>& b) {
    return b ? varint_size(static_cast<int32_t>(b->size())) + b->size() : varint_size(-1);
  };
  // Size the record first: its length prefix comes before it.
  size_t body = 1 + varlong_size(timestamp_delta) + varint_size(offset_delta) + nullable_size(key) +
                nullable_size(value) + varint_size(static_cast<int32_t>(headers.size()));
  for (const record_header& h : headers)
    body += varint_size(static_cast<int32_t>(h.key.size())) + h.key.size() + nullable_size(h.value);
  RT_ASSERT(body <= static_cast<size_t>(std::numeric_limits<int32_t>::max()), "record too large");
  const size_t total = varint_size(static_cast<int32_t>(body)) + body;

  byte_buffer& sink = records_sink();
  const size_t at = sink.size();
  sink.resize(at + total);  // amortised growth; no allocation once warm
  std::byte* p = sink.data() + at;
  auto put_nullable = [&p](const std::optional<std::span<const std::byte>>& b) {
    if (!b) {
      p += put_varint(p, -1);
      return;
    }
    p += put_varint(p, static_cast<int32_t>(b->size()));
    if (!b->empty()) std::memcpy(p, b->data(), b->size());
    p += b->size();
  };
  p += put_varint(p, static_cast<int32_t>(body));
  *p++ = std::byte{0};  // record attributes: unused
  p += put_varlong(p, timestamp_delta);
  p += put_varint(p, offset_delta);
  put_nullable(key);
  put_nullable(value);
  p += put_varint(p, static_cast<int32_t>(headers.size()));
  for (const record_header& h : headers) {
    p += put_varint(p, static_cast<int32_t>(h.key.size()));
    if (!h.key.empty()) std::memcpy(p, h.key.data(), h.key.size());
    p += h.key.size();
    put_nullable(h.value);
  }
  RT_ASSERT(p == sink.data() + at + total, "record size computed and written agree");
  records_size_bytes_ += total;
  ++record_count_;
}

void record_batch_builder::append_end_txn_marker(control_record_type type, int32_t coordinator_epoch,
                                                 int64_t timestamp_ms) {
  RT_ASSERT(record_count_ == 0, "a control batch holds exactly one record");
  RT_ASSERT(type == control_record_type::abort || type == control_record_type::commit,
            "end-transaction markers are ABORT or COMMIT");
  compression_ = compression_type::none;  // markers are never compressed (§5)
  base_sequence_ = no_sequence;
  std::byte key[control_record_key_bytes];
  store_be<int16_t>(key, control_record_key_version);
  store_be<int16_t>(key + 2, static_cast<int16_t>(type));
  std::byte value[end_txn_marker_value_bytes];
  store_be<int16_t>(value, end_txn_marker_version);
  store_be<int32_t>(value + 2, coordinator_epoch);
  append(timestamp_ms, std::span<const std::byte>(key), std::span<const std::byte>(value));
  attributes_ = static_cast<uint16_t>(attributes_ | attr_control | attr_transactional);
}

result<std::span<std::byte>> record_batch_builder::finish() {
  RT_ASSERT(!finished_, "finish() twice without reset()");
  RT_ASSERT(record_count_ > 0, "a batch holds at least one record");
  if (compression_ != compression_type::none) {
    out_.resize(record_batch_header_bytes);
    RT_TRY(compress(compression_, {records_.data(), records_.size()}, out_, compress_options_));
  }
  RT_ASSERT(out_.size() - log_overhead_bytes <= static_cast<size_t>(std::numeric_limits<int32_t>::max()),
            "batch too large");
  std::byte* h = out_.data();
  const auto attributes = static_cast<uint16_t>(attributes_ | static_cast<uint16_t>(compression_));
  store_be<int64_t>(h + batch_layout::base_offset, base_offset_);
  store_be<int32_t>(h + batch_layout::batch_length, static_cast<int32_t>(out_.size() - log_overhead_bytes));
  store_be<int32_t>(h + batch_layout::partition_leader_epoch, partition_leader_epoch_);
  h[batch_layout::magic] = std::byte{static_cast<uint8_t>(record_batch_magic)};
  store_be<uint16_t>(h + batch_layout::attributes, attributes);
  store_be<int32_t>(h + batch_layout::last_offset_delta, record_count_ - 1);
  store_be<int64_t>(h + batch_layout::base_timestamp, base_timestamp_);
  store_be<int64_t>(h + batch_layout::max_timestamp, max_timestamp_);
  store_be<int64_t>(h + batch_layout::producer_id, producer_id_);
  store_be<int16_t>(h + batch_layout::producer_epoch, producer_epoch_);
  store_be<int32_t>(h + batch_layout::base_sequence, base_sequence_);
  store_be<int32_t>(h + batch_layout::record_count, record_count_);
  store_be<uint32_t>(h + batch_layout::crc,
                     crc32c(h + batch_layout::crc_start, out_.size() - batch_layout::crc_start));
  finished_ = true;
  return std::span<std::byte>(out_.data(), out_.size());
}

}  // namespace ringtail::codec
