// Private helpers of the record codecs (record_batch.cc, legacy_message_set.cc): the
// zig-zag varints of RECORD_FORMAT.md §0 and big-endian fixed-width fields, over raw
// byte pointers with explicit bounds. Not installed; not part of the codec's API.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <type_traits>

#include "ringtail/codec/compression.h"
#include "ringtail/codec/record_batch.h"

namespace ringtail::codec::records_internal {

// The longest encodings Kafka accepts (ByteUtils.readVarint / readVarlong).
inline constexpr size_t varint_max_bytes = 5;
inline constexpr size_t varlong_max_bytes = 10;

using detail::load_be;
using detail::store_be;

inline uint32_t zigzag32(int32_t v) { return (static_cast<uint32_t>(v) << 1) ^ static_cast<uint32_t>(v >> 31); }
inline uint64_t zigzag64(int64_t v) { return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63); }
inline int32_t unzigzag32(uint32_t u) { return static_cast<int32_t>((u >> 1) ^ (~(u & 1) + 1)); }
inline int64_t unzigzag64(uint64_t u) { return static_cast<int64_t>((u >> 1) ^ (~(u & 1) + 1)); }

inline size_t uvarint_size(uint64_t u) {
  // 7 payload bits per byte; 0 still takes one byte.
  return u == 0 ? 1 : (static_cast<size_t>(std::bit_width(u)) + 6) / 7;
}
inline size_t varint_size(int32_t v) { return uvarint_size(zigzag32(v)); }
inline size_t varlong_size(int64_t v) { return uvarint_size(zigzag64(v)); }

// Writes an unsigned LEB128 value at p (room checked by the caller); returns bytes written.
inline size_t put_uvarint(std::byte* p, uint64_t u) {
  size_t n = 0;
  while (u >= 0x80) {
    p[n++] = std::byte{static_cast<uint8_t>(u | 0x80)};
    u >>= 7;
  }
  p[n++] = std::byte{static_cast<uint8_t>(u)};
  return n;
}
inline size_t put_varint(std::byte* p, int32_t v) { return put_uvarint(p, zigzag32(v)); }
inline size_t put_varlong(std::byte* p, int64_t v) { return put_uvarint(p, zigzag64(v)); }

// A forward-only reader over a bounded range. Any failed read leaves ok() false and all
// later reads return zeros, so a parser checks once at the end of a unit.
class cursor {
 public:
  cursor(const std::byte* p, size_t n) : p_(p), end_(p + n) {}
  explicit cursor(std::span<const std::byte> s) : cursor(s.data(), s.size()) {}

  bool ok() const { return ok_; }
  bool too_long() const { return too_long_; }
  size_t remaining() const { return static_cast<size_t>(end_ - p_); }
  const std::byte* position() const { return p_; }

  std::optional<uint64_t> uvarint(size_t max_bytes) {
    uint64_t u = 0;
    for (size_t i = 0; i < max_bytes; ++i) {
      if (p_ == end_) return fail();
      const auto b = static_cast<uint8_t>(*p_++);
      u |= static_cast<uint64_t>(b & 0x7F) << (7 * i);
      if ((b & 0x80) == 0) return u;
    }
    too_long_ = true;
    return fail();
  }
  // Like Java's ByteUtils.readVarint, bits beyond 32 in a 5th byte are dropped.
  int32_t varint() {
    auto u = uvarint(varint_max_bytes);
    return u ? unzigzag32(static_cast<uint32_t>(*u)) : 0;
  }
  int64_t varlong() {
    auto u = uvarint(varlong_max_bytes);
    return u ? unzigzag64(*u) : 0;
  }
  template <typename T>
  T fixed() {
    if (remaining() < sizeof(T)) {
      fail();
      return T{};
    }
    T v = load_be<T>(p_);
    p_ += sizeof(T);
    return v;
  }
  std::span<const std::byte> bytes(size_t n) {
    if (remaining() < n) {
      fail();
      return {};
    }
    std::span<const std::byte> s{p_, n};
    p_ += n;
    return s;
  }
  // A varint length (-1 = null) then that many bytes. Lengths below -1 fail.
  std::optional<std::span<const std::byte>> nullable_varint_bytes() {
    const int32_t n = varint();
    if (!ok_) return std::nullopt;
    if (n == -1) return std::nullopt;
    if (n < -1) {
      fail();
      return std::nullopt;
    }
    return bytes(static_cast<size_t>(n));
  }

 private:
  std::nullopt_t fail() {
    ok_ = false;
    p_ = end_;
    return std::nullopt;
  }
  const std::byte* p_;
  const std::byte* end_;
  bool ok_ = true;
  bool too_long_ = false;
};

inline void append_bytes(byte_buffer& out, const void* p, size_t n) {
  const size_t at = out.size();
  out.resize(at + n);
  if (n != 0) std::memcpy(out.data() + at, p, n);
}

}  // namespace ringtail::codec::records_internal
