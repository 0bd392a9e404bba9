#include "ringtail/codec/compression.h"

#include <lz4.h>
#include <snappy.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <limits>

namespace ringtail::codec {
namespace {

// Decompressors grow their output in steps: never more than the caller's limit (plus one
// byte to detect "more would follow"), and at least this much so small payloads do not
// loop through many tiny resizes.
constexpr size_t decompress_step_min_bytes = 16 * 1024;
constexpr size_t decompress_step_max_bytes = 4 * 1024 * 1024;
constexpr size_t max_output_limit_bytes = size_t{1} << 62;

// Grows `out` by the next step for a decompressor that has produced `produced` bytes so
// far; returns the writable span, empty when the limit (+1 sentinel byte) is reached.
std::span<std::byte> grow(byte_buffer& out, size_t base, size_t produced, size_t limit, size_t hint) {
  const size_t cap_left = produced <= limit ? limit - produced + 1 : 0;
  size_t step = std::clamp(std::max(hint, produced), decompress_step_min_bytes, decompress_step_max_bytes);
  step = std::min(step, cap_left);
  out.resize(base + produced + step);
  return {out.data() + base + produced, step};
}

const char* as_chars(const std::byte* p) { return reinterpret_cast<const char*>(p); }
char* as_chars(std::byte* p) { return reinterpret_cast<char*>(p); }

uint32_t load_le32(const std::byte* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return std::endian::native == std::endian::little ? v : __builtin_bswap32(v);
}
void store_le32(std::byte* p, uint32_t v) {
  if constexpr (std::endian::native != std::endian::little) v = __builtin_bswap32(v);
  std::memcpy(p, &v, 4);
}
uint32_t load_be32(const std::byte* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return std::endian::native == std::endian::little ? __builtin_bswap32(v) : v;
}
void store_be32(std::byte* p, uint32_t v) {
  if constexpr (std::endian::native == std::endian::little) v = __builtin_bswap32(v);
  std::memcpy(p, &v, 4);
}

void append(byte_buffer& out, const void* p, size_t n) {
  const size_t at = out.size();
  out.resize(at + n);
  if (n != 0) std::memcpy(out.data() + at, p, n);
}

// ---------------------------------------------------------------------------------------
// gzip (RFC 1952) via zlib. One deflate and one inflate stream per thread, reset between
// uses: deflateInit allocates ~256 KiB, too much to pay per batch.

constexpr int gzip_window_bits = 15 + 16;  // 32 KiB window, gzip wrapper
constexpr int gzip_default_level = 6;
constexpr int gzip_mem_level = 8;

struct deflate_stream {
  z_stream z{};
  int level = -100;
  bool ready = false;
  ~deflate_stream() {
    if (ready) deflateEnd(&z);
  }
  bool reset(int lvl) {
    if (ready && lvl == level) return deflateReset(&z) == Z_OK;
    if (ready) deflateEnd(&z);
    z = z_stream{};
    ready = deflateInit2(&z, lvl, Z_DEFLATED, gzip_window_bits, gzip_mem_level, Z_DEFAULT_STRATEGY) == Z_OK;
    level = lvl;
    return ready;
  }
};

struct inflate_stream {
  z_stream z{};
  bool ready = false;
  ~inflate_stream() {
    if (ready) inflateEnd(&z);
  }
  bool reset() {
    if (ready) return inflateReset(&z) == Z_OK;
    z = z_stream{};
    ready = inflateInit2(&z, gzip_window_bits) == Z_OK;
    return ready;
  }
};

result<void> gzip_compress(std::span<const std::byte> in, byte_buffer& out, int level) {
  thread_local deflate_stream ds;
  if (in.size() > std::numeric_limits<uInt>::max()) return unexpected{errc::length_too_large};
  if (!ds.reset(level == 0 ? gzip_default_level : level)) return unexpected{errc::invalid_value};
  const size_t base = out.size();
  const size_t bound = deflateBound(&ds.z, in.size());
  out.resize(base + bound);
  ds.z.next_in = reinterpret_cast<Bytef*>(const_cast<std::byte*>(in.data()));
  ds.z.avail_in = static_cast<uInt>(in.size());
  ds.z.next_out = reinterpret_cast<Bytef*>(out.data() + base);
  ds.z.avail_out = static_cast<uInt>(bound);
  const int rc = deflate(&ds.z, Z_FINISH);
  if (rc != Z_STREAM_END) {
    out.resize(base);
    return unexpected{errc::invalid_value};
  }
  out.resize(base + (bound - ds.z.avail_out));
  return {};
}

result<void> gzip_decompress(std::span<const std::byte> in, byte_buffer& out, size_t limit) {
  thread_local inflate_stream is;
  if (!is.reset()) return unexpected{errc::decompress_failed};
  z_stream& z = is.z;
  const size_t base = out.size();
  size_t produced = 0;
  z.next_in = reinterpret_cast<Bytef*>(const_cast<std::byte*>(in.data()));
  // Batches are far below 4 GiB; a larger input is malformed for our purposes.
  if (in.size() > std::numeric_limits<uInt>::max()) return unexpected{errc::decompress_failed};
  z.avail_in = static_cast<uInt>(in.size());
  auto fail = [&](errc e) {
    out.resize(base + std::min(produced, limit));
    return unexpected{e};
  };
  for (;;) {
    std::span<std::byte> w = grow(out, base, produced, limit, in.size() * 4);
    if (w.empty()) return fail(errc::output_limit);
    z.next_out = reinterpret_cast<Bytef*>(w.data());
    z.avail_out = static_cast<uInt>(w.size());
    const int rc = inflate(&z, Z_NO_FLUSH);
    produced += w.size() - z.avail_out;
    if (produced > limit) return fail(errc::output_limit);
    if (rc == Z_STREAM_END) {
      // Java's GZIPInputStream reads concatenated members; so do we. Anything else after
      // a member is garbage.
      if (z.avail_in == 0) break;
      if (inflateReset(&z) != Z_OK) return fail(errc::decompress_failed);
      continue;
    }
    if (rc == Z_OK) continue;
    if (rc == Z_BUF_ERROR && z.avail_out == 0) continue;  // needs more room
    return fail(errc::decompress_failed);  // Z_DATA_ERROR, or Z_BUF_ERROR on truncated input
  }
  out.resize(base + produced);
  return {};
}

// ---------------------------------------------------------------------------------------
// snappy: raw blocks, or the xerial framing (§6.3):
//   8 bytes magic 0x82 'SNAPPY' 0x00 | int32 BE version | int32 BE compatible version |
//   { int32 BE chunk length | raw snappy block } ...

constexpr std::byte xerial_magic[8] = {std::byte{0x82}, std::byte{'S'}, std::byte{'N'}, std::byte{'A'},
                                       std::byte{'P'},  std::byte{'P'}, std::byte{'Y'}, std::byte{0}};
constexpr size_t xerial_header_bytes = 16;
constexpr uint32_t xerial_version = 1;
constexpr uint32_t xerial_compatible_version = 1;
// kafka-python's choice; snappy-java's SnappyOutputStream default is 32 KiB too.
constexpr size_t xerial_chunk_input_bytes = 32 * 1024;

void snappy_raw_append(std::span<const std::byte> in, byte_buffer& out) {
  const size_t base = out.size();
  out.resize(base + snappy::MaxCompressedLength(in.size()));
  size_t n = 0;
  snappy::RawCompress(as_chars(in.data()), in.size(), as_chars(out.data() + base), &n);
  out.resize(base + n);
}

result<void> snappy_compress(std::span<const std::byte> in, byte_buffer& out, snappy_framing framing) {
  if (framing == snappy_framing::raw) {
    snappy_raw_append(in, out);
    return {};
  }
  append(out, xerial_magic, sizeof xerial_magic);
  std::byte v[8];
  store_be32(v, xerial_version);
  store_be32(v + 4, xerial_compatible_version);
  append(out, v, sizeof v);
  for (size_t off = 0; off < in.size(); off += xerial_chunk_input_bytes) {
    const size_t len_at = out.size();
    out.resize(len_at + 4);
    snappy_raw_append(in.subspan(off, std::min(xerial_chunk_input_bytes, in.size() - off)), out);
    store_be32(out.data() + len_at, static_cast<uint32_t>(out.size() - len_at - 4));
  }
  return {};
}

// One raw block; its preamble states the uncompressed length, so the limit is checked
// before anything is allocated.
result<void> snappy_raw_decompress(std::span<const std::byte> in, byte_buffer& out, size_t& produced,
                                   size_t limit) {
  size_t n = 0;
  if (!snappy::GetUncompressedLength(as_chars(in.data()), in.size(), &n))
    return unexpected{errc::decompress_failed};
  if (n > limit - produced) return unexpected{errc::output_limit};
  const size_t at = out.size();
  out.resize(at + n);
  if (!snappy::RawUncompress(as_chars(in.data()), in.size(), as_chars(out.data() + at))) {
    out.resize(at);
    return unexpected{errc::decompress_failed};
  }
  produced += n;
  return {};
}

result<void> snappy_decompress(std::span<const std::byte> in, byte_buffer& out, size_t limit) {
  const size_t base = out.size();
  size_t produced = 0;
  const bool xerial = in.size() >= sizeof xerial_magic && std::memcmp(in.data(), xerial_magic, sizeof xerial_magic) == 0;
  if (!xerial) return snappy_raw_decompress(in, out, produced, limit);
  if (in.size() < xerial_header_bytes) return unexpected{errc::decompress_failed};
  // Versions are not checked: snappy-java only ever wrote 1/1, and readers ignore them.
  size_t pos = xerial_header_bytes;
  while (pos < in.size()) {
    if (in.size() - pos < 4) {
      out.resize(base);
      return unexpected{errc::decompress_failed};
    }
    const uint32_t chunk = load_be32(in.data() + pos);
    pos += 4;
    if (chunk > in.size() - pos) {
      out.resize(base);
      return unexpected{errc::decompress_failed};
    }
    auto r = snappy_raw_decompress(in.subspan(pos, chunk), out, produced, limit);
    if (!r) {
      out.resize(base + produced);
      return r;
    }
    pos += chunk;
  }
  return {};
}

// ---------------------------------------------------------------------------------------
// lz4: the LZ4 frame format (§6.4), implemented on liblz4's block API so that the output
// limit, Kafka's header-checksum quirk and the block size rules are ours to control.
//
//   magic LE 0x184D2204 | FLG | BD | [content size LE64] | [dict id LE32] | HC |
//   { LE32 block size (bit 31: stored) | data | [LE32 xxh32(data)] } ... | LE32 0 |
//   [LE32 xxh32(content)]

constexpr uint32_t lz4_frame_magic = 0x184D2204;
constexpr uint32_t lz4_skippable_magic_mask = 0xFFFFFFF0;
constexpr uint32_t lz4_skippable_magic = 0x184D2A50;
constexpr uint8_t lz4_flg_version_mask = 0xC0;
constexpr uint8_t lz4_flg_version_01 = 0x40;
constexpr uint8_t lz4_flg_block_independence = 0x20;
constexpr uint8_t lz4_flg_block_checksum = 0x10;
constexpr uint8_t lz4_flg_content_size = 0x08;
constexpr uint8_t lz4_flg_content_checksum = 0x04;
constexpr uint8_t lz4_flg_reserved = 0x02;
constexpr uint8_t lz4_flg_dict_id = 0x01;
constexpr uint8_t lz4_bd_reserved = 0x8F;
constexpr uint32_t lz4_block_stored_bit = 0x80000000u;
constexpr size_t lz4_block_max_bytes_64k = 64 * 1024;
constexpr int lz4_bd_code_64k = 4;
constexpr size_t lz4_dict_bytes = 64 * 1024;  // window of linked blocks

// xxHash32 constants (the published algorithm).
constexpr uint32_t xxh_prime1 = 0x9E3779B1u;
constexpr uint32_t xxh_prime2 = 0x85EBCA77u;
constexpr uint32_t xxh_prime3 = 0xC2B2AE3Du;
constexpr uint32_t xxh_prime4 = 0x27D4EB2Fu;
constexpr uint32_t xxh_prime5 = 0x165667B1u;

uint32_t xxh_round(uint32_t acc, uint32_t lane) {
  acc += lane * xxh_prime2;
  acc = std::rotl(acc, 13);
  return acc * xxh_prime1;
}

uint8_t lz4_header_checksum_byte(const std::byte* from, size_t n) {
  return static_cast<uint8_t>((xxhash32({from, n}, 0) >> 8) & 0xFF);
}

result<void> lz4_compress(std::span<const std::byte> in, byte_buffer& out, bool legacy_hc) {
  std::byte header[7];
  store_le32(header, lz4_frame_magic);
  header[4] = std::byte{lz4_flg_version_01 | lz4_flg_block_independence};
  header[5] = std::byte{static_cast<uint8_t>(lz4_bd_code_64k << 4)};
  header[6] = legacy_hc ? std::byte{lz4_header_checksum_byte(header, 6)}
                        : std::byte{lz4_header_checksum_byte(header + 4, 2)};
  append(out, header, sizeof header);
  for (size_t off = 0; off < in.size(); off += lz4_block_max_bytes_64k) {
    const size_t n = std::min(lz4_block_max_bytes_64k, in.size() - off);
    const size_t len_at = out.size();
    const int bound = LZ4_compressBound(static_cast<int>(n));
    out.resize(len_at + 4 + static_cast<size_t>(bound));
    const int c = LZ4_compress_default(as_chars(in.data() + off), as_chars(out.data() + len_at + 4),
                                       static_cast<int>(n), bound);
    if (c <= 0 || static_cast<size_t>(c) >= n) {
      // Incompressible: store it, as Java does, so the frame never grows by more than the
      // block headers.
      store_le32(out.data() + len_at, static_cast<uint32_t>(n) | lz4_block_stored_bit);
      std::memcpy(out.data() + len_at + 4, in.data() + off, n);
      out.resize(len_at + 4 + n);
    } else {
      store_le32(out.data() + len_at, static_cast<uint32_t>(c));
      out.resize(len_at + 4 + static_cast<size_t>(c));
    }
  }
  std::byte end_mark[4] = {};
  append(out, end_mark, sizeof end_mark);
  return {};
}

result<void> lz4_decompress(std::span<const std::byte> in, byte_buffer& out, size_t limit, lz4_header_checksum hc) {
  const size_t base = out.size();
  size_t produced = 0;
  size_t pos = 0;
  auto fail = [&](errc e) {
    out.resize(base + produced);
    return unexpected{e};
  };
  auto need = [&](size_t n) { return in.size() - pos >= n; };
  // A payload may hold several frames back to back (and skippable frames); at least one.
  do {
    if (!need(4)) return fail(errc::decompress_failed);
    const uint32_t magic = load_le32(in.data() + pos);
    if ((magic & lz4_skippable_magic_mask) == lz4_skippable_magic) {
      if (!need(8)) return fail(errc::decompress_failed);
      const uint32_t skip = load_le32(in.data() + pos + 4);
      pos += 8;
      if (!need(skip)) return fail(errc::decompress_failed);
      pos += skip;
      continue;
    }
    if (magic != lz4_frame_magic || !need(7)) return fail(errc::decompress_failed);  // magic, FLG, BD, HC
    const size_t descriptor_at = pos + 4;
    const uint8_t flg = static_cast<uint8_t>(in[descriptor_at]);
    const uint8_t bd = static_cast<uint8_t>(in[descriptor_at + 1]);
    if ((flg & lz4_flg_version_mask) != lz4_flg_version_01 || (flg & lz4_flg_reserved) != 0 ||
        (flg & lz4_flg_dict_id) != 0 || (bd & lz4_bd_reserved) != 0)
      return fail(errc::decompress_failed);
    const int bd_code = (bd >> 4) & 0x7;
    if (bd_code < 4) return fail(errc::decompress_failed);
    const size_t block_max = size_t{1} << (8 + 2 * bd_code);  // 4:64K 5:256K 6:1M 7:4M
    size_t descriptor_bytes = 2 + ((flg & lz4_flg_content_size) ? 8 : 0);
    pos = descriptor_at;
    if (!need(descriptor_bytes + 1)) return fail(errc::decompress_failed);  // + the HC byte
    pos += descriptor_bytes;
    if (hc == lz4_header_checksum::verify &&
        static_cast<uint8_t>(in[pos]) != lz4_header_checksum_byte(in.data() + descriptor_at, descriptor_bytes))
      return fail(errc::decompress_failed);
    ++pos;
    const bool independent = (flg & lz4_flg_block_independence) != 0;
    const bool block_checksum = (flg & lz4_flg_block_checksum) != 0;
    const size_t frame_out_at = base + produced;
    for (;;) {
      if (!need(4)) return fail(errc::decompress_failed);
      const uint32_t word = load_le32(in.data() + pos);
      pos += 4;
      if (word == 0) break;  // end mark
      const size_t size = word & ~lz4_block_stored_bit;
      if (size > block_max || !need(size + (block_checksum ? 4 : 0))) return fail(errc::decompress_failed);
      const std::byte* src = in.data() + pos;
      if (block_checksum && load_le32(src + size) != xxhash32({src, size}, 0))
        return fail(errc::decompress_failed);
      if (word & lz4_block_stored_bit) {
        if (size > limit - produced) return fail(errc::output_limit);
        append(out, src, size);
        produced += size;
      } else {
        // Never give the decoder more room than the limit allows; a block that needs more
        // is then reported as over the limit (it may also be corrupt — either way it is
        // rejected).
        const size_t room = std::min(block_max, limit - produced);
        const size_t at = base + produced;
        out.resize(at + room);
        int n;
        if (independent || at == frame_out_at) {
          n = LZ4_decompress_safe(as_chars(src), as_chars(out.data() + at), static_cast<int>(size),
                                  static_cast<int>(room));
        } else {
          // Linked blocks may refer back up to 64 KiB into this frame's earlier output,
          // which sits right before `at` in the same buffer.
          const size_t dict = std::min(lz4_dict_bytes, at - frame_out_at);
          n = LZ4_decompress_safe_usingDict(as_chars(src), as_chars(out.data() + at), static_cast<int>(size),
                                            static_cast<int>(room), as_chars(out.data() + at - dict),
                                            static_cast<int>(dict));
        }
        if (n < 0) return fail(room < block_max ? errc::output_limit : errc::decompress_failed);
        produced += static_cast<size_t>(n);
        out.resize(base + produced);
      }
      pos += size + (block_checksum ? 4 : 0);
    }
    if (flg & lz4_flg_content_checksum) {
      if (!need(4)) return fail(errc::decompress_failed);
      const uint32_t want = load_le32(in.data() + pos);
      pos += 4;
      if (want != xxhash32({out.data() + frame_out_at, base + produced - frame_out_at}, 0))
        return fail(errc::decompress_failed);
    }
  } while (pos < in.size());
  return {};
}

// ---------------------------------------------------------------------------------------
// zstd: streaming decompression, because the frame content size may be absent (Java's
// zstd-jni streams) or wrong, and concatenated frames are legal.

constexpr int zstd_default_level = 3;
// Largest back-reference window a frame may ask for: decoder memory is ~ the window, so it
// is capped, but high enough for any producer level in practice (level 19 streams use 2^23).
constexpr int zstd_window_log_max = 24;

struct zstd_contexts {
  ZSTD_CCtx* c = nullptr;
  ZSTD_DCtx* d = nullptr;
  ~zstd_contexts() {
    ZSTD_freeCCtx(c);
    ZSTD_freeDCtx(d);
  }
};
thread_local zstd_contexts zstd_ctx;

result<void> zstd_compress(std::span<const std::byte> in, byte_buffer& out, int level) {
  if (zstd_ctx.c == nullptr) zstd_ctx.c = ZSTD_createCCtx();
  if (zstd_ctx.c == nullptr) return unexpected{errc::invalid_value};
  ZSTD_CCtx_reset(zstd_ctx.c, ZSTD_reset_session_and_parameters);
  ZSTD_CCtx_setParameter(zstd_ctx.c, ZSTD_c_compressionLevel, level == 0 ? zstd_default_level : level);
  const size_t base = out.size();
  const size_t bound = ZSTD_compressBound(in.size());
  out.resize(base + bound);
  const size_t n = ZSTD_compress2(zstd_ctx.c, out.data() + base, bound, in.data(), in.size());
  if (ZSTD_isError(n)) {
    out.resize(base);
    return unexpected{errc::invalid_value};
  }
  out.resize(base + n);
  return {};
}

result<void> zstd_decompress(std::span<const std::byte> in, byte_buffer& out, size_t limit) {
  if (zstd_ctx.d == nullptr) zstd_ctx.d = ZSTD_createDCtx();
  if (zstd_ctx.d == nullptr) return unexpected{errc::decompress_failed};
  ZSTD_DCtx* d = zstd_ctx.d;
  ZSTD_DCtx_reset(d, ZSTD_reset_session_and_parameters);
  ZSTD_DCtx_setParameter(d, ZSTD_d_windowLogMax, zstd_window_log_max);
  const size_t base = out.size();
  size_t produced = 0;
  auto fail = [&](errc e) {
    out.resize(base + std::min(produced, limit));
    return unexpected{e};
  };
  ZSTD_inBuffer ib{in.data(), in.size(), 0};
  size_t ret = 1;
  for (;;) {
    std::span<std::byte> w = grow(out, base, produced, limit, in.size() * 4);
    if (w.empty()) return fail(errc::output_limit);
    ZSTD_outBuffer ob{w.data(), w.size(), 0};
    const size_t r = ZSTD_decompressStream(d, &ob, &ib);
    if (ZSTD_isError(r)) return fail(errc::decompress_failed);
    produced += ob.pos;
    if (produced > limit) return fail(errc::output_limit);
    // 0: a frame is decoded and flushed. With no input left that is the end, even when its
    // last byte filled the window exactly (asking again would return the next frame
    // header's size hint, not 0, and read as "input ends inside a frame").
    if (r == 0 && ib.pos == ib.size) {
      ret = 0;
      break;
    }
    ret = r;
    // Otherwise done when every input byte is consumed and the decoder had room left over
    // (so it has nothing more buffered to flush).
    if (ib.pos == ib.size && ob.pos < ob.size) break;
  }
  out.resize(base + produced);
  if (ret != 0) return unexpected{errc::decompress_failed};  // input ends inside a frame
  return {};
}

}  // namespace

std::string_view to_string(compression_type c) noexcept {
  switch (c) {
    case compression_type::none: return "none";
    case compression_type::gzip: return "gzip";
    case compression_type::snappy: return "snappy";
    case compression_type::lz4: return "lz4";
    case compression_type::zstd: return "zstd";
  }
  return "invalid";
}

std::optional<compression_type> compression_type_from_name(std::string_view name) noexcept {
  for (uint8_t i = 0; i <= compression_type_max; ++i) {
    const auto c = static_cast<compression_type>(i);
    if (to_string(c) == name) return c;
  }
  return std::nullopt;
}

uint32_t xxhash32(std::span<const std::byte> bytes, uint32_t seed) noexcept {
  const std::byte* p = bytes.data();
  size_t n = bytes.size();
  uint32_t acc;
  if (n >= 16) {
    uint32_t v1 = seed + xxh_prime1 + xxh_prime2;
    uint32_t v2 = seed + xxh_prime2;
    uint32_t v3 = seed;
    uint32_t v4 = seed - xxh_prime1;
    while (n >= 16) {
      v1 = xxh_round(v1, load_le32(p));
      v2 = xxh_round(v2, load_le32(p + 4));
      v3 = xxh_round(v3, load_le32(p + 8));
      v4 = xxh_round(v4, load_le32(p + 12));
      p += 16;
      n -= 16;
    }
    acc = std::rotl(v1, 1) + std::rotl(v2, 7) + std::rotl(v3, 12) + std::rotl(v4, 18);
  } else {
    acc = seed + xxh_prime5;
  }
  acc += static_cast<uint32_t>(bytes.size());
  while (n >= 4) {
    acc += load_le32(p) * xxh_prime3;
    acc = std::rotl(acc, 17) * xxh_prime4;
    p += 4;
    n -= 4;
  }
  while (n > 0) {
    acc += static_cast<uint32_t>(static_cast<uint8_t>(*p)) * xxh_prime5;
    acc = std::rotl(acc, 11) * xxh_prime1;
    ++p;
    --n;
  }
  acc ^= acc >> 15;
  acc *= xxh_prime2;
  acc ^= acc >> 13;
  acc *= xxh_prime3;
  acc ^= acc >> 16;
  return acc;
}

result<void> compress(compression_type type, std::span<const std::byte> in, byte_buffer& out,
                      const compress_options& options) {
  switch (type) {
    case compression_type::none: append(out, in.data(), in.size()); return {};
    case compression_type::gzip: return gzip_compress(in, out, options.level);
    case compression_type::snappy: return snappy_compress(in, out, options.snappy);
    case compression_type::lz4: return lz4_compress(in, out, options.lz4_legacy_header_checksum);
    case compression_type::zstd: return zstd_compress(in, out, options.level);
  }
  return unexpected{errc::unsupported_compression};
}

result<void> decompress(compression_type type, std::span<const std::byte> in, byte_buffer& out,
                        size_t output_limit_bytes, lz4_header_checksum lz4_hc) {
  // Keeps `limit + 1` (the decoders' sentinel byte) from overflowing.
  output_limit_bytes = std::min(output_limit_bytes, max_output_limit_bytes);
  switch (type) {
    case compression_type::none:
      if (in.size() > output_limit_bytes) return unexpected{errc::output_limit};
      append(out, in.data(), in.size());
      return {};
    case compression_type::gzip: return gzip_decompress(in, out, output_limit_bytes);
    case compression_type::snappy: return snappy_decompress(in, out, output_limit_bytes);
    case compression_type::lz4: return lz4_decompress(in, out, output_limit_bytes, lz4_hc);
    case compression_type::zstd: return zstd_decompress(in, out, output_limit_bytes);
  }
  return unexpected{errc::unsupported_compression};
}

}  // namespace ringtail::codec
