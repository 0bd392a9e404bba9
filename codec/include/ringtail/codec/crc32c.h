// Checksums of the Kafka record formats.
//
// - CRC-32C (Castagnoli, reflected polynomial 0x82F63B78) covers magic-2 record batches
//   from `attributes` to the end of the batch (RECORD_FORMAT.md §2). It is on the produce
//   path for every byte a client sends, so it runs on the SSE4.2 `crc32` instruction with
//   three independent streams interleaved (the instruction has a latency of 3 cycles and a
//   throughput of 1 per cycle, so one dependent chain uses a third of the unit). CPUs
//   without SSE4.2 get a slicing-by-8 table implementation; the choice is made once, at
//   start, from cpuid.
// - CRC-32 (IEEE, zlib's polynomial) covers legacy magic-0/1 messages (§7.1); zlib's
//   implementation is used.
//
// Both follow zlib's convention for the `crc` argument: pass the previous result to extend
// a checksum over more bytes, so crc(a ++ b) == crc(b, crc(a)). Start with 0.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace ringtail::codec {

// CRC-32C of `size` bytes at `data`, continuing from `crc` (0 to start).
// Check value: crc32c("123456789") == 0xE3069283.
[[nodiscard]] uint32_t crc32c(const void* data, size_t size, uint32_t crc = 0) noexcept;
[[nodiscard]] inline uint32_t crc32c(std::span<const std::byte> bytes, uint32_t crc = 0) noexcept {
  return crc32c(bytes.data(), bytes.size(), crc);
}

// CRC-32 (IEEE 802.3 / zlib) for legacy message sets.
[[nodiscard]] uint32_t crc32_ieee(const void* data, size_t size, uint32_t crc = 0) noexcept;
[[nodiscard]] inline uint32_t crc32_ieee(std::span<const std::byte> bytes, uint32_t crc = 0) noexcept {
  return crc32_ieee(bytes.data(), bytes.size(), crc);
}

// The two CRC-32C implementations, exposed for tests and benchmarks. crc32c() dispatches
// to one of them.
namespace crc32c_impl {
[[nodiscard]] uint32_t portable(const void* data, size_t size, uint32_t crc) noexcept;
// Only callable when sse42_available(); aborts otherwise.
[[nodiscard]] uint32_t sse42(const void* data, size_t size, uint32_t crc) noexcept;
[[nodiscard]] bool sse42_available() noexcept;
}  // namespace crc32c_impl

}  // namespace ringtail::codec
