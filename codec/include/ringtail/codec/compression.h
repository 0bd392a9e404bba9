// Record compression codecs (RECORD_FORMAT.md §6): gzip, snappy (raw and xerial
// framing), lz4 (Kafka's LZ4 frame) and zstd.
//
// Every decompressor takes an output limit and stops with errc::output_limit as soon as
// the output would exceed it, without allocating beyond it: a producer can send a few KiB
// that inflate to gigabytes (a decompression bomb), and compressed sizes or declared
// content sizes in the payload are never trusted for allocation.
//
// Output goes to a caller-owned byte_buffer that is *appended to*, so a caller can keep one
// buffer per shard/connection and reuse its capacity (no allocation after warm-up), and the
// batch builder can compress straight after the header it has already written.
//
// Framings written by this codec (what the Kafka ecosystem reads, §6.3/§6.4):
// - snappy: raw (one snappy block, as librdkafka, sarama and kafka-go write). The Java
//   client and kafka-python write the xerial framing instead; every reader detects both,
//   and so does ours. snappy_framing::xerial is available for tests and for down-conversion
//   to exotic consumers.
// - lz4: the LZ4 frame as Java's KafkaLZ4BlockOutputStream writes it: independent 64 KiB
//   blocks, no block or content checksums, no content size.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <optional>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "ringtail/codec/errc.h"

namespace ringtail::codec {

// Codec ids of batch attribute bits 0-2 (§3). 5-7 are invalid.
enum class compression_type : uint8_t { none = 0, gzip = 1, snappy = 2, lz4 = 3, zstd = 4 };
inline constexpr uint8_t compression_type_max = 4;

std::string_view to_string(compression_type c) noexcept;
// The inverse, for `compression.type` values: "none", "gzip", "snappy", "lz4", "zstd".
std::optional<compression_type> compression_type_from_name(std::string_view name) noexcept;

// An allocator whose resize() leaves new bytes uninitialised: decompressors write every
// byte they expose, and zero-filling the buffer first would cost as much as a memcpy.
template <typename T>
struct default_init_allocator : std::allocator<T> {
  template <typename U>
  struct rebind {
    using other = default_init_allocator<U>;
  };
  using std::allocator<T>::allocator;
  template <typename U>
  void construct(U* p) noexcept {
    ::new (static_cast<void*>(p)) U;
  }
  template <typename U, typename... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};

// A growable byte buffer reused across batches.
using byte_buffer = std::vector<std::byte, default_init_allocator<std::byte>>;

enum class snappy_framing : uint8_t { raw, xerial };

// How to treat the LZ4 frame header checksum byte. Kafka clients before 0.10 computed it
// over the magic too (§6.4 "magic-0 quirk"); magic-0 wrapper messages must be read with
// `ignore`.
enum class lz4_header_checksum : uint8_t { verify, ignore };

struct compress_options {
  // Codec level; 0 = the codec's default (gzip 6, lz4 fast, zstd 3).
  int level = 0;
  snappy_framing snappy = snappy_framing::raw;
  // Write the pre-0.10 broken LZ4 header checksum (only for building magic-0 messages).
  bool lz4_legacy_header_checksum = false;
};

// Appends the compressed form of `in` to `out`. compression_type::none appends `in` as is.
[[nodiscard]] result<void> compress(compression_type type, std::span<const std::byte> in,
                                    byte_buffer& out, const compress_options& options = {});

// Appends the decompressed form of `in` to `out`. Fails with errc::output_limit as soon as
// more than `output_limit_bytes` would be appended (out is then left with at most that
// many extra bytes), with errc::decompress_failed for malformed or truncated input.
[[nodiscard]] result<void> decompress(compression_type type, std::span<const std::byte> in,
                                      byte_buffer& out, size_t output_limit_bytes,
                                      lz4_header_checksum lz4_hc = lz4_header_checksum::verify);

// xxHash32 (seed as given) as used by the LZ4 frame's header and block checksums.
[[nodiscard]] uint32_t xxhash32(std::span<const std::byte> bytes, uint32_t seed) noexcept;

}  // namespace ringtail::codec
