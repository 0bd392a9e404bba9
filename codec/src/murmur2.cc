#include "ringtail/codec/murmur2.h"

#include <cstring>

namespace ringtail::codec {
namespace {

constexpr uint32_t murmur2_m = 0x5bd1e995u;
constexpr int murmur2_r = 24;
constexpr uint32_t replacement_character = 0xFFFD;
constexpr uint32_t java_hash_multiplier = 31;

int32_t murmur2_bytes(const unsigned char* data, size_t length) {
  // Java hashes an int length; keys are far below 2 GiB.
  uint32_t h = murmur2_seed ^ static_cast<uint32_t>(length);
  const size_t groups = length / 4;
  for (size_t i = 0; i < groups; ++i) {
    const unsigned char* b = data + 4 * i;
    uint32_t k = uint32_t{b[0]} | uint32_t{b[1]} << 8 | uint32_t{b[2]} << 16 | uint32_t{b[3]} << 24;
    k *= murmur2_m;
    k ^= k >> murmur2_r;
    k *= murmur2_m;
    h *= murmur2_m;
    h ^= k;
  }
  const size_t base = length & ~size_t{3};
  switch (length % 4) {
    case 3: h ^= uint32_t{data[base + 2]} << 16; [[fallthrough]];
    case 2: h ^= uint32_t{data[base + 1]} << 8; [[fallthrough]];
    case 1:
      h ^= uint32_t{data[base]};
      h *= murmur2_m;
  }
  h ^= h >> 13;
  h *= murmur2_m;
  h ^= h >> 15;
  return static_cast<int32_t>(h);
}

// Decodes one code point at s[i..n), advancing i. Malformed input yields U+FFFD and
// consumes the maximal valid prefix of the sequence (at least one byte), the Unicode
// "maximal subpart" practice that Java's and Python's decoders follow.
uint32_t next_code_point(const unsigned char* s, size_t n, size_t& i) {
  const unsigned char b0 = s[i];
  if (b0 < 0x80) {
    ++i;
    return b0;
  }
  size_t extra;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  uint32_t cp;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    extra = 1;
    cp = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    extra = 2;
    cp = b0 & 0x0F;
    if (b0 == 0xE0) lo = 0xA0;  // no overlong forms
    if (b0 == 0xED) hi = 0x9F;  // no encoded surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    extra = 3;
    cp = b0 & 0x07;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;  // nothing above U+10FFFF
  } else {
    ++i;
    return replacement_character;
  }
  ++i;
  for (size_t k = 0; k < extra; ++k) {
    const unsigned char lower = k == 0 ? lo : 0x80;
    const unsigned char upper = k == 0 ? hi : 0xBF;
    if (i == n || s[i] < lower || s[i] > upper) return replacement_character;
    cp = (cp << 6) | (s[i] & 0x3F);
    ++i;
  }
  return cp;
}

}  // namespace

int32_t murmur2(std::span<const std::byte> key) noexcept {
  return murmur2_bytes(reinterpret_cast<const unsigned char*>(key.data()), key.size());
}

int32_t murmur2(std::string_view key) noexcept {
  return murmur2_bytes(reinterpret_cast<const unsigned char*>(key.data()), key.size());
}

int32_t murmur2_partition(std::span<const std::byte> key, int32_t num_partitions) noexcept {
  return to_positive(murmur2(key)) % num_partitions;
}

int32_t java_string_hash(std::string_view utf8) noexcept {
  const auto* s = reinterpret_cast<const unsigned char*>(utf8.data());
  const size_t n = utf8.size();
  uint32_t h = 0;  // unsigned: Java's int overflow wraps
  size_t i = 0;
  while (i < n) {
    const uint32_t cp = next_code_point(s, n, i);
    if (cp >= 0x10000) {
      const uint32_t v = cp - 0x10000;
      h = h * java_hash_multiplier + (0xD800 + (v >> 10));
      h = h * java_hash_multiplier + (0xDC00 + (v & 0x3FF));
    } else {
      h = h * java_hash_multiplier + cp;
    }
  }
  return static_cast<int32_t>(h);
}

int32_t coordinator_partition(std::string_view group_id, int32_t num_partitions) noexcept {
  return kafka_abs(java_string_hash(group_id)) % num_partitions;
}

}  // namespace ringtail::codec
