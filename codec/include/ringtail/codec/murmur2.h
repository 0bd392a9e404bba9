// The hashes Kafka uses to route keys and groups (RECORD_FORMAT.md §8, DESIGN.md "Groups").
//
// - murmur2: Kafka's variant of MurmurHash2 (seed 0x9747b28c), used by the Java producer's
//   default partitioner: partition = to_positive(murmur2(key)) % num_partitions.
// - java_string_hash: java.lang.String.hashCode() over UTF-16 code units, used by the group
//   coordinator: partition = Utils.abs(groupId.hashCode()) % offsets.topic.num.partitions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace ringtail::codec {

inline constexpr uint32_t murmur2_seed = 0x9747b28cu;

// Kafka's Utils.murmur2, as a signed int32 like Java's.
[[nodiscard]] int32_t murmur2(std::span<const std::byte> key) noexcept;
[[nodiscard]] int32_t murmur2(std::string_view key) noexcept;

// Kafka's Utils.toPositive: clears the sign bit (NOT abs).
[[nodiscard]] constexpr int32_t to_positive(int32_t h) noexcept { return h & 0x7fffffff; }

// The Java producer's partition for a non-null key.
[[nodiscard]] int32_t murmur2_partition(std::span<const std::byte> key, int32_t num_partitions) noexcept;

// String.hashCode(): s[0]*31^(n-1) + ... + s[n-1] in wrapping int32 arithmetic, where s
// are UTF-16 code units. `utf8` is decoded to code points, and code points above U+FFFF
// contribute their two surrogates, as Java's String holds them. Bytes that are not valid
// UTF-8 each count as U+FFFD, which is what Java's UTF-8 decoder substitutes (Kafka decodes
// group ids from the wire as UTF-8).
[[nodiscard]] int32_t java_string_hash(std::string_view utf8) noexcept;

// Kafka's Utils.abs: Math.abs except that INT32_MIN maps to 0 (Math.abs would stay
// negative).
[[nodiscard]] constexpr int32_t kafka_abs(int32_t n) noexcept {
  return n == INT32_MIN ? 0 : (n < 0 ? -n : n);
}

// Partition of __consumer_offsets that coordinates `group_id`
// (GroupMetadataManager.partitionFor).
[[nodiscard]] int32_t coordinator_partition(std::string_view group_id, int32_t num_partitions) noexcept;

}  // namespace ringtail::codec
