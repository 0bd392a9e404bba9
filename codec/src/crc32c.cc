#include "ringtail/codec/crc32c.h"

#include <zlib.h>

#include <array>
#include <bit>
#include <cstring>

#include "ringtail/base/assert.h"

#if defined(__x86_64__)
#include <nmmintrin.h>
#endif

namespace ringtail::codec {
namespace {

static_assert(std::endian::native == std::endian::little, "the word loops assume a little-endian host");

// Reflected CRC-32C polynomial.
constexpr uint32_t castagnoli_poly = 0x82F63B78u;

// Stream lengths of the 3-way interleaved hardware loop. Long chunks amortise the cost of
// combining the streams; the short ones keep batches of a few KiB on the interleaved path.
constexpr size_t interleave_long_bytes = 4096;
constexpr size_t interleave_short_bytes = 256;
static_assert(interleave_long_bytes % 8 == 0 && interleave_short_bytes % 8 == 0);
static_assert(interleave_short_bytes < interleave_long_bytes);

using byte_table = std::array<uint32_t, 256>;

// All CRC state below is "raw": no pre/post inversion, exactly what the crc32 instruction
// keeps in its register. crc32c() inverts on entry and exit.
constexpr uint32_t raw_byte_step(const byte_table& t, uint32_t c, uint8_t b) {
  return t[(c ^ b) & 0xFF] ^ (c >> 8);
}

constexpr std::array<byte_table, 8> make_slicing_tables() {
  std::array<byte_table, 8> t{};
  for (uint32_t v = 0; v < 256; ++v) {
    uint32_t c = v;
    for (int bit = 0; bit < 8; ++bit) c = (c & 1) ? (c >> 1) ^ castagnoli_poly : c >> 1;
    t[0][v] = c;
  }
  for (size_t k = 1; k < 8; ++k)
    for (uint32_t v = 0; v < 256; ++v) t[k][v] = (t[k - 1][v] >> 8) ^ t[0][t[k - 1][v] & 0xFF];
  return t;
}
constexpr std::array<byte_table, 8> slicing = make_slicing_tables();

// Appending n zero bytes to a message multiplies its raw CRC by x^(8n) mod P, a linear map
// over GF(2), stored as the images of the 32 unit vectors. The one-byte map comes from the
// byte table; the n-byte map (n a power of two) by squaring it log2(n) times. For the hot
// loop the map is then split by the four bytes of the state into 256-entry tables.
using gf2_operator = std::array<uint32_t, 32>;

constexpr uint32_t gf2_apply(const gf2_operator& op, uint32_t v) {
  uint32_t r = 0;
  for (int i = 0; v != 0; ++i, v >>= 1)
    if (v & 1) r ^= op[i];
  return r;
}

constexpr gf2_operator zero_bytes_operator(size_t zero_bytes) {
  gf2_operator op{};
  for (int i = 0; i < 32; ++i) op[i] = raw_byte_step(slicing[0], 1u << i, 0);
  for (size_t n = 1; n < zero_bytes; n *= 2) {
    gf2_operator squared{};
    for (int i = 0; i < 32; ++i) squared[i] = gf2_apply(op, op[i]);
    op = squared;
  }
  return op;
}

using shift_tables = std::array<byte_table, 4>;
constexpr shift_tables make_shift_tables(size_t zero_bytes) {
  const gf2_operator op = zero_bytes_operator(zero_bytes);
  shift_tables t{};
  for (int k = 0; k < 4; ++k)
    for (uint32_t v = 0; v < 256; ++v) t[k][v] = gf2_apply(op, v << (8 * k));
  return t;
}
static_assert(std::has_single_bit(interleave_long_bytes) && std::has_single_bit(interleave_short_bytes),
              "the shift operators are built by squaring");
constexpr shift_tables shift_long = make_shift_tables(interleave_long_bytes);
constexpr shift_tables shift_short = make_shift_tables(interleave_short_bytes);

inline uint32_t shift(const shift_tables& t, uint32_t c) {
  return t[0][c & 0xFF] ^ t[1][(c >> 8) & 0xFF] ^ t[2][(c >> 16) & 0xFF] ^ t[3][c >> 24];
}

inline uint64_t load_u64(const unsigned char* p) {
  uint64_t w;
  std::memcpy(&w, p, sizeof w);
  return w;
}

uint32_t raw_portable(const unsigned char* p, size_t n, uint32_t c) {
  while (n >= 8) {
    const uint64_t w = load_u64(p);
    const uint32_t lo = static_cast<uint32_t>(w) ^ c;
    const uint32_t hi = static_cast<uint32_t>(w >> 32);
    c = slicing[7][lo & 0xFF] ^ slicing[6][(lo >> 8) & 0xFF] ^ slicing[5][(lo >> 16) & 0xFF] ^
        slicing[4][lo >> 24] ^ slicing[3][hi & 0xFF] ^ slicing[2][(hi >> 8) & 0xFF] ^
        slicing[1][(hi >> 16) & 0xFF] ^ slicing[0][hi >> 24];
    p += 8;
    n -= 8;
  }
  while (n--) c = raw_byte_step(slicing[0], c, *p++);
  return c;
}

#if defined(__x86_64__)
// Three streams of `stream_bytes` each, starting at p; returns the raw CRC of all 3*len
// bytes continuing from c0.
template <size_t stream_bytes>
__attribute__((target("sse4.2"), always_inline)) inline uint32_t raw_sse42_3way(
    const unsigned char* p, uint32_t c0, const shift_tables& t) {
  uint64_t a = c0, b = 0, c = 0;
  const unsigned char* p1 = p + stream_bytes;
  const unsigned char* p2 = p + 2 * stream_bytes;
  for (size_t i = 0; i < stream_bytes; i += 8) {
    a = _mm_crc32_u64(a, load_u64(p + i));
    b = _mm_crc32_u64(b, load_u64(p1 + i));
    c = _mm_crc32_u64(c, load_u64(p2 + i));
  }
  // crc(A ++ B) = shift(crc(A), |B|) ^ crc_from_zero(B), by linearity.
  uint32_t r = shift(t, static_cast<uint32_t>(a)) ^ static_cast<uint32_t>(b);
  return shift(t, r) ^ static_cast<uint32_t>(c);
}

__attribute__((target("sse4.2"))) uint32_t raw_sse42(const unsigned char* p, size_t n, uint32_t c) {
  // Align to 8 bytes so the word loads never straddle a cache line needlessly.
  while (n > 0 && (reinterpret_cast<uintptr_t>(p) & 7) != 0) {
    c = _mm_crc32_u8(c, *p++);
    --n;
  }
  while (n >= 3 * interleave_long_bytes) {
    c = raw_sse42_3way<interleave_long_bytes>(p, c, shift_long);
    p += 3 * interleave_long_bytes;
    n -= 3 * interleave_long_bytes;
  }
  while (n >= 3 * interleave_short_bytes) {
    c = raw_sse42_3way<interleave_short_bytes>(p, c, shift_short);
    p += 3 * interleave_short_bytes;
    n -= 3 * interleave_short_bytes;
  }
  uint64_t c64 = c;
  while (n >= 8) {
    c64 = _mm_crc32_u64(c64, load_u64(p));
    p += 8;
    n -= 8;
  }
  c = static_cast<uint32_t>(c64);
  while (n--) c = _mm_crc32_u8(c, *p++);
  return c;
}
#endif

bool detect_sse42() noexcept {
#if defined(__x86_64__)
  return __builtin_cpu_supports("sse4.2");
#else
  return false;
#endif
}

using raw_fn = uint32_t (*)(const unsigned char*, size_t, uint32_t);

raw_fn select_impl() noexcept {
#if defined(__x86_64__)
  if (detect_sse42()) return &raw_sse42;
#endif
  return &raw_portable;
}

// Chosen once during static initialisation; crc32c() before main (from another static
// initialiser) falls back to selecting on the spot.
const raw_fn selected_impl = select_impl();

}  // namespace

uint32_t crc32c(const void* data, size_t size, uint32_t crc) noexcept {
  raw_fn f = selected_impl != nullptr ? selected_impl : select_impl();
  return ~f(static_cast<const unsigned char*>(data), size, ~crc);
}

uint32_t crc32_ieee(const void* data, size_t size, uint32_t crc) noexcept {
  return static_cast<uint32_t>(::crc32_z(crc, static_cast<const Bytef*>(data), size));
}

namespace crc32c_impl {

uint32_t portable(const void* data, size_t size, uint32_t crc) noexcept {
  return ~raw_portable(static_cast<const unsigned char*>(data), size, ~crc);
}

uint32_t sse42(const void* data, size_t size, uint32_t crc) noexcept {
#if defined(__x86_64__)
  RT_ASSERT(detect_sse42(), "crc32c_impl::sse42 called on a CPU without SSE4.2");
  return ~raw_sse42(static_cast<const unsigned char*>(data), size, ~crc);
#else
  RT_ASSERT(false, "crc32c_impl::sse42 called on a non-x86 build");
  return crc;
#endif
}

bool sse42_available() noexcept { return detect_sse42(); }

}  // namespace crc32c_impl
}  // namespace ringtail::codec
