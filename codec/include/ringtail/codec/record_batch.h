// Kafka RecordBatch (magic 2): non-owning views for the broker's produce/fetch path, an
// in-place patcher, record iteration, control records and a reusable builder.
//
// Byte layout (RECORD_FORMAT.md §2; all integers big-endian):
//
//   offset size field
//        0    8 base_offset             assigned by the broker; outside the CRC
//        8    4 batch_length            bytes after this field (= batch size - 12)
//       12    4 partition_leader_epoch  stamped by the broker; outside the CRC
//       16    1 magic                   2
//       17    4 crc                     CRC-32C of bytes [21, end)
//       21    2 attributes              bits 0-2 codec, 3 timestamp type, 4 transactional,
//                                       5 control, 6 has delete horizon
//       23    4 last_offset_delta
//       27    8 base_timestamp
//       35    8 max_timestamp
//       43    8 producer_id             -1 = none
//       51    2 producer_epoch          -1 = none
//       53    4 base_sequence           -1 = none
//       57    4 record_count
//       61    … records (§4), or one compressed stream of them (§6)
//
// Record (inside the records area; varints are zig-zag):
//   length varint | attributes int8 | timestamp_delta varlong | offset_delta varint |
//   key_length varint (-1 null) | key | value_length varint (-1 null) | value |
//   header_count varint | { key_length varint | key | value_length varint (-1) | value }*
//
// Views hold a pointer and a size into bytes owned by someone else (the request buffer,
// the segment cache); they never allocate. They live on the shard that owns the bytes.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string_view>
#include <type_traits>

#include "ringtail/codec/compression.h"
#include "ringtail/codec/errc.h"

namespace ringtail::codec {

namespace detail {
// std::byteswap is C++23.
template <typename U>
constexpr U byteswap(U v) noexcept {
  static_assert(std::is_unsigned_v<U>);
  if constexpr (sizeof(U) == 1) return v;
  else if constexpr (sizeof(U) == 2) return __builtin_bswap16(v);
  else if constexpr (sizeof(U) == 4) return __builtin_bswap32(v);
  else return __builtin_bswap64(v);
}
// Big-endian load/store of an integer at p.
template <typename T>
inline T load_be(const std::byte* p) noexcept {
  std::make_unsigned_t<T> u;
  std::memcpy(&u, p, sizeof u);
  if constexpr (std::endian::native == std::endian::little) u = byteswap(u);
  return static_cast<T>(u);
}
template <typename T>
inline void store_be(std::byte* p, T v) noexcept {
  auto u = static_cast<std::make_unsigned_t<T>>(v);
  if constexpr (std::endian::native == std::endian::little) u = byteswap(u);
  std::memcpy(p, &u, sizeof u);
}
}  // namespace detail

// Field offsets within a batch.
namespace batch_layout {
inline constexpr size_t base_offset = 0;
inline constexpr size_t batch_length = 8;
inline constexpr size_t partition_leader_epoch = 12;
inline constexpr size_t magic = 16;
inline constexpr size_t crc = 17;
inline constexpr size_t attributes = 21;
inline constexpr size_t last_offset_delta = 23;
inline constexpr size_t base_timestamp = 27;
inline constexpr size_t max_timestamp = 35;
inline constexpr size_t producer_id = 43;
inline constexpr size_t producer_epoch = 51;
inline constexpr size_t base_sequence = 53;
inline constexpr size_t record_count = 57;
inline constexpr size_t records = 61;
// The CRC covers from `attributes` to the end of the batch.
inline constexpr size_t crc_start = attributes;
}  // namespace batch_layout

inline constexpr size_t record_batch_header_bytes = batch_layout::records;  // Java RECORD_BATCH_OVERHEAD
// base_offset + batch_length: the "log overhead" every entry of a blob starts with.
inline constexpr size_t log_overhead_bytes = 12;
// Smallest legal batch_length: the header after the log overhead, with no records.
inline constexpr int32_t batch_length_min = static_cast<int32_t>(record_batch_header_bytes - log_overhead_bytes);
inline constexpr int8_t record_batch_magic = 2;
static_assert(batch_layout::magic == 16, "magic sits at the same place in every format (§1)");

// Attribute bits (§3).
inline constexpr uint16_t attr_compression_mask = 0x07;
inline constexpr uint16_t attr_timestamp_type = 0x08;
inline constexpr uint16_t attr_transactional = 0x10;
inline constexpr uint16_t attr_control = 0x20;
inline constexpr uint16_t attr_delete_horizon = 0x40;

inline constexpr int64_t no_producer_id = -1;
inline constexpr int16_t no_producer_epoch = -1;
inline constexpr int32_t no_sequence = -1;
inline constexpr int32_t no_partition_leader_epoch = -1;
inline constexpr int64_t no_timestamp = -1;

enum class timestamp_type : uint8_t { create_time = 0, log_append_time = 1 };

// ---------------------------------------------------------------------------------------
// Records

// One header of a record. Keys are never null (§4).
struct record_header_view {
  std::string_view key;
  std::optional<std::span<const std::byte>> value;
};

// Iterates headers a record_reader has already validated; cannot fail.
class header_reader {
 public:
  header_reader() = default;
  header_reader(std::span<const std::byte> bytes, int32_t count) : bytes_(bytes), count_(count) {}
  // False after the last header.
  bool next(record_header_view& out);
  int32_t count() const { return count_; }

 private:
  std::span<const std::byte> bytes_;
  int32_t count_ = 0;
  int32_t read_ = 0;
  size_t pos_ = 0;
};

// A record, decoded in place. Spans point into the batch (or the decompression buffer).
struct record_view {
  int8_t attributes = 0;
  int64_t timestamp_delta = 0;
  int32_t offset_delta = 0;
  std::optional<std::span<const std::byte>> key;    // nullopt = null
  std::optional<std::span<const std::byte>> value;  // nullopt = null (tombstone)
  int32_t header_count = 0;
  std::span<const std::byte> header_bytes;  // the encoded headers
  std::span<const std::byte> bytes;         // the whole record, length prefix included

  header_reader headers() const { return {header_bytes, header_count}; }
};

// Walks the records area of a batch. Checks every length against the bytes that remain,
// that each record's declared length is exactly what its fields use, that offset deltas
// strictly increase and stay <= last_offset_delta (for a fresh producer batch that is
// "< record_count"; compacted batches keep last_offset_delta but lose records), and that
// exactly record_count records fill the area.
class record_reader {
 public:
  record_reader() = default;
  record_reader(std::span<const std::byte> records, int32_t record_count, int32_t last_offset_delta)
      : bytes_(records), record_count_(record_count), last_offset_delta_(last_offset_delta) {}

  // The next record, std::nullopt after the last one; errc::invalid_record (or truncated,
  // varint_too_long) for malformed records.
  result<std::optional<record_view>> next();
  int32_t records_read() const { return read_; }

 private:
  std::span<const std::byte> bytes_;
  size_t pos_ = 0;
  int32_t record_count_ = 0;
  int32_t last_offset_delta_ = 0;
  int32_t read_ = 0;
  int32_t previous_offset_delta_ = -1;
};

// ---------------------------------------------------------------------------------------
// Batches

// What validate() enforces. The defaults are the broker's checks of a client's produce
// batch (Kafka's LogValidator).
struct batch_validation {
  bool verify_crc = true;
  // Kafka's AppendOrigin.CLIENT rules: no control batches (they come only from the
  // transaction coordinator, §5) and a producer id needs base_sequence >= 0. Off for
  // batches the broker writes itself (markers carry a producer id and sequence -1).
  bool from_client = true;
  // last_offset_delta + 1 == record_count. True for producer batches; false when reading
  // back compacted data, where records are gone but last_offset_delta is kept.
  bool require_dense_offsets = true;
};

class record_batch_view {
 public:
  // Wraps `bytes`, which must be exactly one batch: at least the 61-byte header, magic 2
  // and batch_length == bytes.size() - 12. Nothing else is checked (see validate()).
  static result<record_batch_view> parse(std::span<const std::byte> bytes);

  int64_t base_offset() const { return load<int64_t>(batch_layout::base_offset); }
  int32_t batch_length() const { return load<int32_t>(batch_layout::batch_length); }
  int32_t partition_leader_epoch() const { return load<int32_t>(batch_layout::partition_leader_epoch); }
  int8_t magic() const { return load<int8_t>(batch_layout::magic); }
  uint32_t crc() const { return load<uint32_t>(batch_layout::crc); }
  uint16_t attributes() const { return load<uint16_t>(batch_layout::attributes); }
  int32_t last_offset_delta() const { return load<int32_t>(batch_layout::last_offset_delta); }
  int64_t base_timestamp() const { return load<int64_t>(batch_layout::base_timestamp); }
  int64_t max_timestamp() const { return load<int64_t>(batch_layout::max_timestamp); }
  int64_t producer_id() const { return load<int64_t>(batch_layout::producer_id); }
  int16_t producer_epoch() const { return load<int16_t>(batch_layout::producer_epoch); }
  int32_t base_sequence() const { return load<int32_t>(batch_layout::base_sequence); }
  int32_t record_count() const { return load<int32_t>(batch_layout::record_count); }

  // Codec bits as stored; 5-7 are invalid (validate() rejects them).
  uint8_t compression_bits() const { return static_cast<uint8_t>(attributes() & attr_compression_mask); }
  // Only meaningful after validate() (or a check that compression_bits() <= 4).
  compression_type compression() const { return static_cast<compression_type>(compression_bits()); }
  bool is_compressed() const { return compression_bits() != 0; }
  timestamp_type ts_type() const {
    return (attributes() & attr_timestamp_type) ? timestamp_type::log_append_time : timestamp_type::create_time;
  }
  bool is_transactional() const { return (attributes() & attr_transactional) != 0; }
  bool is_control() const { return (attributes() & attr_control) != 0; }
  bool has_delete_horizon() const { return (attributes() & attr_delete_horizon) != 0; }
  bool has_producer_id() const { return producer_id() != no_producer_id; }

  int64_t last_offset() const { return base_offset() + last_offset_delta(); }
  int64_t next_offset() const { return last_offset() + 1; }
  // Sequence of the last record, wrapping from INT32_MAX to 0 as Kafka does.
  int32_t last_sequence() const;

  size_t size_bytes() const { return size_; }
  std::span<const std::byte> bytes() const { return {data_, size_}; }
  // Everything after the header: the records, or their compressed stream.
  std::span<const std::byte> records_bytes() const {
    return {data_ + record_batch_header_bytes, size_ - record_batch_header_bytes};
  }

  // CRC-32C over [attributes, end), for comparison with crc().
  uint32_t compute_crc() const;

  // The broker's checks of a batch, without decoding records: magic, CRC, codec,
  // offset/record counts, control flag, producer id vs sequence. Errors: bad_magic,
  // bad_crc, unsupported_compression, invalid_record.
  result<void> validate(const batch_validation& rules = {}) const;

  // Records of an uncompressed batch (precondition: !is_compressed()).
  record_reader records() const;
  // Records of any batch: uncompressed ones are read in place; compressed ones are
  // decompressed into `scratch` (cleared first, capacity kept) with at most
  // `output_limit_bytes` of output, and read from there.
  result<record_reader> records(byte_buffer& scratch, size_t output_limit_bytes) const;
  // Full decode: every record is parsed (decompressing if needed) and must match
  // record_count / last_offset_delta. Use when the records must be trusted individually
  // (compacted topics, recompression); the produce path does not need it.
  result<void> validate_records(byte_buffer& scratch, size_t output_limit_bytes) const;

  // Absolute offset and timestamp of a record of this batch. With LogAppendTime every
  // record's timestamp is the batch's max_timestamp (§3).
  int64_t offset_of(const record_view& r) const { return base_offset() + r.offset_delta; }
  int64_t timestamp_of(const record_view& r) const {
    return ts_type() == timestamp_type::log_append_time ? max_timestamp() : base_timestamp() + r.timestamp_delta;
  }

 private:
  record_batch_view(const std::byte* data, size_t size) : data_(data), size_(size) {}
  template <typename T>
  T load(size_t at) const;

  const std::byte* data_ = nullptr;
  size_t size_ = 0;
};

template <typename T>
inline T record_batch_view::load(size_t at) const {
  return detail::load_be<T>(data_ + at);
}

// Patches a batch in place, e.g. in the produce request's receive buffer before it is
// appended to the log.
class mutable_record_batch_view {
 public:
  // Same checks as record_batch_view::parse.
  static result<mutable_record_batch_view> parse(std::span<std::byte> bytes);

  record_batch_view view() const;
  std::span<std::byte> bytes() const { return {data_, size_}; }

  // Outside the CRC: no recomputation (the point of the v2 layout).
  void set_base_offset(int64_t base_offset);
  void set_partition_leader_epoch(int32_t epoch);
  // For message.timestamp.type=LogAppendTime: sets the timestamp-type attribute and
  // max_timestamp to the broker's clock, then recomputes the CRC.
  void set_log_append_time(int64_t append_time_ms);
  // Stores a CreateTime batch's max_timestamp (recomputed from its records when a client
  // sent -1, as Kafka's broker does), then recomputes the CRC.
  void set_max_timestamp(int64_t max_timestamp_ms);
  // Re-stamps an idempotent batch (a producer that got a new id or epoch renumbers its
  // unsent batches), then recomputes the CRC.
  void set_producer(int64_t producer_id, int16_t producer_epoch, int32_t base_sequence);
  // Recomputes and stores the CRC after attributes..records were changed.
  void update_crc();

 private:
  mutable_record_batch_view(std::byte* data, size_t size) : data_(data), size_(size) {}
  std::byte* data_ = nullptr;
  size_t size_ = 0;
};

// Splits a blob of concatenated batches (a produce request's or fetch response's
// `records`) into batch views. A fetch response may end in a truncated batch (§1): next()
// then returns std::nullopt and truncated_tail() tells; whether that is an error is the
// caller's call (it is one in a produce request).
class record_batch_reader {
 public:
  explicit record_batch_reader(std::span<const std::byte> blob) : blob_(blob) {}

  // The next complete batch; std::nullopt at the end of the blob or at a truncated
  // trailing batch. Errors: invalid_record (batch_length < 49), bad_magic (magic != 2).
  result<std::optional<record_batch_view>> next();
  // The blob ended inside a batch (incl. fewer than 17 bytes left over).
  bool truncated_tail() const { return truncated_tail_; }
  // Position in the blob of the batch next() returned last (to patch it in a mutable blob).
  size_t last_position() const { return last_position_; }
  size_t position() const { return position_; }

 private:
  std::span<const std::byte> blob_;
  size_t position_ = 0;
  size_t last_position_ = 0;
  bool truncated_tail_ = false;
};

// ---------------------------------------------------------------------------------------
// Control records (§5)

enum class control_record_type : int16_t {
  abort = 0,
  commit = 1,
  leader_change = 2,
  snapshot_header = 3,
  snapshot_footer = 4,
  kraft_version = 5,
  kraft_voters = 6,
};

// Key: version int16 | type int16. Value of abort/commit: version int16 | coordinator_epoch int32.
inline constexpr size_t control_record_key_bytes = 4;
inline constexpr size_t end_txn_marker_value_bytes = 6;
inline constexpr int16_t control_record_key_version = 0;
inline constexpr int16_t end_txn_marker_version = 0;

struct control_record_key {
  int16_t version = control_record_key_version;
  int16_t type = 0;  // a control_record_type; unknown values are kept (readers ignore them)
};
struct end_txn_marker {
  int16_t version = end_txn_marker_version;
  int32_t coordinator_epoch = 0;
};

// Readers accept higher key versions and parse them as v0 (trailing bytes ignored).
result<control_record_key> parse_control_record_key(std::optional<std::span<const std::byte>> key);
result<end_txn_marker> parse_end_txn_marker(std::optional<std::span<const std::byte>> value);

// ---------------------------------------------------------------------------------------
// Builder

struct record_header {
  std::string_view key;
  std::optional<std::span<const std::byte>> value;
};

// Builds one batch at a time for the producer side (client, load generator, CLI) and for
// the broker's own batches (transaction markers, __consumer_offsets). Owns two buffers that
// are reused across batches: after warm-up, append() and finish() do not allocate (except
// inside the compression library). One builder per producer/shard; not thread-safe.
//
// Lifecycle: reset() → set_*() → append()… → finish() → use the bytes → reset() …
class record_batch_builder {
 public:
  record_batch_builder() { reset(); }

  // Starts a new batch with default settings (no producer id, no compression,
  // CreateTime), keeping buffer capacity.
  void reset();

  // Settings; only before the first append().
  void set_compression(compression_type type, const compress_options& options = {});
  void set_producer(int64_t producer_id, int16_t producer_epoch, int32_t base_sequence);
  void set_transactional(bool transactional);
  void set_base_offset(int64_t base_offset) { base_offset_ = base_offset; }
  void set_partition_leader_epoch(int32_t epoch) { partition_leader_epoch_ = epoch; }

  // Appends a record; offsets are consecutive. The first record's timestamp becomes the
  // batch's base_timestamp.
  void append(int64_t timestamp_ms, std::optional<std::span<const std::byte>> key,
              std::optional<std::span<const std::byte>> value, std::span<const record_header> headers = {});
  // Makes this a control batch holding one COMMIT/ABORT marker (§5): transactional and
  // control flags set, uncompressed, base_sequence -1. Must be the only record.
  void append_end_txn_marker(control_record_type type, int32_t coordinator_epoch, int64_t timestamp_ms);

  int32_t record_count() const { return record_count_; }
  bool empty() const { return record_count_ == 0; }
  // Size of the batch if it were finished uncompressed now (for linger/batch.size decisions).
  size_t uncompressed_size_bytes() const { return record_batch_header_bytes + records_size_bytes_; }

  // Compresses if asked, writes the header (lengths, counts, timestamps, CRC) and returns
  // the batch. The bytes stay valid until reset(). Precondition: at least one record.
  result<std::span<std::byte>> finish();

 private:
  byte_buffer& records_sink() { return compression_ == compression_type::none ? out_ : records_; }

  byte_buffer out_;      // header + records (uncompressed) or header + compressed stream
  byte_buffer records_;  // uncompressed records, only when compressing
  size_t records_size_bytes_ = 0;
  compression_type compression_ = compression_type::none;
  compress_options compress_options_{};
  int64_t base_offset_ = 0;
  int32_t partition_leader_epoch_ = no_partition_leader_epoch;
  uint16_t attributes_ = 0;
  int64_t producer_id_ = no_producer_id;
  int16_t producer_epoch_ = no_producer_epoch;
  int32_t base_sequence_ = no_sequence;
  int64_t base_timestamp_ = no_timestamp;
  int64_t max_timestamp_ = no_timestamp;
  int32_t record_count_ = 0;
  bool finished_ = false;
};

// Peeks at the magic byte of the entry at the start of `blob` (offset 16 in every format,
// §1); std::nullopt if fewer than 17 bytes.
std::optional<int8_t> peek_magic(std::span<const std::byte> blob);

}  // namespace ringtail::codec
