// Legacy message sets (magic 0 and 1, RECORD_FORMAT.md §7): read for old producers
// (sarama's defaults, kafka-go) and built for down-conversion on Fetch <= v3.
//
// Byte layout of one entry (big-endian); a message set is a plain concatenation:
//
//   offset size field
//        0    8 offset          absolute; in a v1 wrapper's inner set: relative (0..n-1)
//        8    4 message_size    bytes that follow (crc .. end of value)
//       12    4 crc             CRC-32 (IEEE) of [magic, end of value)
//       16    1 magic           0 or 1
//       17    1 attributes      bits 0-2 codec (none/gzip/snappy/lz4), bit 3 timestamp type (v1)
//       18    8 timestamp       magic 1 only
//   18 / 26   4 key_length      -1 = null, then the key
//             4 value_length    -1 = null, then the value
//
// A compressed ("wrapper") message has a null key and holds an inner message set of the
// same magic, compressed, as its value. v1 wrappers carry the absolute offset of the last
// inner message and inner messages carry relative offsets (§7.2).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "ringtail/codec/compression.h"
#include "ringtail/codec/errc.h"
#include "ringtail/codec/record_batch.h"

namespace ringtail::codec {

namespace legacy_layout {
inline constexpr size_t offset = 0;
inline constexpr size_t message_size = 8;
inline constexpr size_t crc = 12;
inline constexpr size_t magic = 16;
inline constexpr size_t attributes = 17;
inline constexpr size_t timestamp_v1 = 18;
inline constexpr size_t key_length_v0 = 18;
inline constexpr size_t key_length_v1 = 26;
}  // namespace legacy_layout

// Bytes of a message with empty key and value, offset and size included.
inline constexpr size_t legacy_message_overhead_v0_bytes = 12 + 14;
inline constexpr size_t legacy_message_overhead_v1_bytes = 12 + 22;
// message_size of a v0 message with null key and value: crc, magic, attributes, 2 lengths.
inline constexpr int32_t legacy_message_size_min = 14;
inline constexpr uint8_t legacy_attr_compression_mask = 0x07;
inline constexpr uint8_t legacy_attr_timestamp_type = 0x08;
inline constexpr uint8_t legacy_attr_unused_mask = 0xF0;

struct legacy_message_view {
  int64_t offset = 0;
  uint32_t crc = 0;
  int8_t magic = 0;
  uint8_t attributes = 0;
  int64_t timestamp = no_timestamp;  // magic 0 has none
  std::optional<std::span<const std::byte>> key;
  std::optional<std::span<const std::byte>> value;
  std::span<const std::byte> bytes;  // the whole entry, from `offset`

  compression_type compression() const { return static_cast<compression_type>(attributes & legacy_attr_compression_mask); }
  bool is_compressed() const { return (attributes & legacy_attr_compression_mask) != 0; }
  timestamp_type ts_type() const {
    return magic >= 1 && (attributes & legacy_attr_timestamp_type) ? timestamp_type::log_append_time
                                                                    : timestamp_type::create_time;
  }
  // CRC-32 over [magic, end), for comparison with crc.
  uint32_t compute_crc() const;
};

// Splits a legacy message set into messages, validating each: sizes, magic 0/1, CRC (if
// asked), attributes (codec 0-3, unused bits 0), lengths that exactly fill message_size.
// A truncated trailing message ends the iteration (truncated_tail()), as clients do.
class legacy_message_set_reader {
 public:
  explicit legacy_message_set_reader(std::span<const std::byte> blob, bool verify_crc = true)
      : blob_(blob), verify_crc_(verify_crc) {}

  // Errors: invalid_record, bad_magic, bad_crc, unsupported_compression.
  result<std::optional<legacy_message_view>> next();
  bool truncated_tail() const { return truncated_tail_; }

 private:
  std::span<const std::byte> blob_;
  size_t position_ = 0;
  bool verify_crc_ = true;
  bool truncated_tail_ = false;
};

// The inner messages of a compressed wrapper, with absolute offsets (v1: from the
// wrapper's offset and the relative ones) and, for a LogAppendTime wrapper, the wrapper's
// timestamp. The whole inner set is decompressed into `scratch` (capacity kept) and
// validated by open(): inner messages must have the wrapper's magic, must not be
// compressed, must not be truncated and (v1) must have increasing relative offsets.
class legacy_inner_reader {
 public:
  static result<legacy_inner_reader> open(const legacy_message_view& wrapper, byte_buffer& scratch,
                                          size_t output_limit_bytes);
  // Inner messages; std::nullopt after the last.
  std::optional<legacy_message_view> next();
  size_t count() const { return count_; }

 private:
  legacy_inner_reader(std::span<const std::byte> inner, const legacy_message_view& wrapper, int64_t offset_adjust,
                      size_t count)
      : reader_(inner, false), wrapper_(wrapper), offset_adjust_(offset_adjust), count_(count) {}
  legacy_message_set_reader reader_;
  legacy_message_view wrapper_;
  int64_t offset_adjust_ = 0;  // added to each inner offset
  size_t count_ = 0;
};

// Builds a magic-0 or magic-1 message set, optionally as one compressed wrapper (for
// down-conversion to Fetch <= v3 consumers). Buffers are reused across reset().
class legacy_message_set_builder {
 public:
  explicit legacy_message_set_builder(int8_t magic = 1, compression_type compression = compression_type::none) {
    reset(magic, compression);
  }
  // zstd is not allowed in legacy formats (§6.5).
  void reset(int8_t magic, compression_type compression = compression_type::none);

  // `offset` is absolute; `timestamp_ms` is dropped for magic 0.
  void append(int64_t offset, int64_t timestamp_ms, std::optional<std::span<const std::byte>> key,
              std::optional<std::span<const std::byte>> value);
  size_t count() const { return count_; }

  // The message set: the appended messages, or one wrapper holding them. The wrapper's
  // offset is the last inner offset, its timestamp the largest inner timestamp
  // (CreateTime). Valid until reset().
  result<std::span<const std::byte>> finish();

 private:
  byte_buffer out_;
  byte_buffer inner_;
  byte_buffer compressed_;
  int8_t magic_ = 1;
  compression_type compression_ = compression_type::none;
  int64_t first_offset_ = 0;
  int64_t last_offset_ = 0;
  int64_t max_timestamp_ = no_timestamp;
  size_t count_ = 0;
  bool finished_ = false;
};

}  // namespace ringtail::codec
