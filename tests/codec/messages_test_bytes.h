// A tiny byte builder for expected wire bytes, written independently of codec::writer
// (the code under test) so golden vectors do not share its bugs. Each method appends one
// Kafka primitive exactly as the protocol guide describes it.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string_view>
#include <vector>

namespace ringtail::codec::test {

struct bytes_builder {
  std::vector<std::byte> b;

  bytes_builder& u8(unsigned v) {
    b.push_back(static_cast<std::byte>(v & 0xff));
    return *this;
  }
  bytes_builder& i8(int v) { return u8(static_cast<unsigned>(v) & 0xff); }
  bytes_builder& i16(int v) {
    const auto u = static_cast<uint16_t>(v);
    return u8(u >> 8).u8(u);
  }
  bytes_builder& i32(int64_t v) {
    const auto u = static_cast<uint32_t>(v);
    return u8(u >> 24).u8(u >> 16).u8(u >> 8).u8(u);
  }
  bytes_builder& i64(int64_t v) {
    const auto u = static_cast<uint64_t>(v);
    return i32(static_cast<int64_t>(u >> 32)).i32(static_cast<int64_t>(u & 0xffffffffu));
  }
  bytes_builder& uvarint(uint64_t v) {
    while (v >= 0x80) {
      u8(static_cast<unsigned>(v & 0x7f) | 0x80);
      v >>= 7;
    }
    return u8(static_cast<unsigned>(v));
  }
  bytes_builder& raw(std::string_view s) {
    for (char c : s) u8(static_cast<unsigned char>(c));
    return *this;
  }
  bytes_builder& raw(std::initializer_list<unsigned> bytes) {
    for (unsigned v : bytes) u8(v);
    return *this;
  }
  // STRING: int16 length + bytes. NULLABLE_STRING null: int16 -1.
  bytes_builder& str(std::string_view s) { return i16(static_cast<int>(s.size())).raw(s); }
  bytes_builder& null_str() { return i16(-1); }
  // COMPACT_STRING: uvarint length + 1. COMPACT_NULLABLE_STRING null: 0.
  bytes_builder& cstr(std::string_view s) { return uvarint(s.size() + 1).raw(s); }
  bytes_builder& null_cstr() { return uvarint(0); }
  // ARRAY: int32 count; COMPACT_ARRAY: uvarint count + 1.
  bytes_builder& arr(int32_t n) { return i32(n); }
  bytes_builder& carr(uint32_t n) { return uvarint(n + 1); }
  // BYTES: int32 length; COMPACT_BYTES: uvarint length + 1.
  bytes_builder& bytes(std::string_view s) { return i32(static_cast<int64_t>(s.size())).raw(s); }
  bytes_builder& cbytes(std::string_view s) { return uvarint(s.size() + 1).raw(s); }
  // FLOAT64: the IEEE 754 binary64 bits, big-endian.
  bytes_builder& f64(double v) { return i64(static_cast<int64_t>(std::bit_cast<uint64_t>(v))); }
  // UUID: 16 raw bytes.
  bytes_builder& uuid16(const unsigned char (&v)[16]) {
    for (unsigned char c : v) u8(c);
    return *this;
  }
  // An empty tagged-field section.
  bytes_builder& no_tags() { return uvarint(0); }
};

inline std::vector<std::byte> to_bytes(std::string_view s) {
  std::vector<std::byte> out;
  for (char c : s) out.push_back(static_cast<std::byte>(c));
  return out;
}

}  // namespace ringtail::codec::test
