#include "ringtail/codec/compression.h"

#include <gtest/gtest.h>
#include <lz4.h>
#include <zstd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

namespace ringtail::codec {
namespace {

constexpr size_t mib = 1024 * 1024;
constexpr size_t gib = 1024 * mib;

std::span<const std::byte> as_bytes(std::string_view s) { return std::as_bytes(std::span(s.data(), s.size())); }
std::span<const std::byte> as_bytes(const byte_buffer& b) { return {b.data(), b.size()}; }

std::string json_records(size_t bytes) {
  std::string s;
  std::mt19937 rng(3);
  while (s.size() < bytes)
    s += "{\"user\":\"u" + std::to_string(rng() % 1000) + "\",\"event\":\"click\",\"ts\":" + std::to_string(rng()) +
         ",\"tags\":[\"a\",\"b\"]}\n";
  s.resize(bytes);
  return s;
}

std::string random_bytes(size_t n, uint32_t seed) {
  std::string s(n, '\0');
  std::mt19937 rng(seed);
  for (auto& c : s) c = static_cast<char>(rng());
  return s;
}

const compression_type all_codecs[] = {compression_type::none, compression_type::gzip, compression_type::snappy,
                                       compression_type::lz4, compression_type::zstd};

class Codec : public ::testing::TestWithParam<compression_type> {};

TEST(CompressionNames, RoundTripAndRejectUnknown) {
  for (uint8_t i = 0; i <= compression_type_max; ++i) {
    const auto c = static_cast<compression_type>(i);
    EXPECT_EQ(compression_type_from_name(to_string(c)), c);
  }
  EXPECT_FALSE(compression_type_from_name("LZ4").has_value());  // Kafka's names are lower case
  EXPECT_FALSE(compression_type_from_name("").has_value());
  EXPECT_FALSE(compression_type_from_name("brotli").has_value());
}

TEST_P(Codec, RoundTripsVariousPayloads) {
  for (const std::string& payload : {std::string(), std::string("x"), json_records(1000), json_records(200 * 1024),
                                     random_bytes(100 * 1024, 9), std::string(300 * 1024, '\0')}) {
    byte_buffer c, d;
    ASSERT_TRUE(compress(GetParam(), as_bytes(payload), c));
    auto r = decompress(GetParam(), as_bytes(c), d, payload.size());
    ASSERT_TRUE(r) << to_string(r.error()) << " size " << payload.size();
    ASSERT_EQ(d.size(), payload.size());
    EXPECT_TRUE(payload.empty() || std::memcmp(d.data(), payload.data(), payload.size()) == 0);
  }
}

// The decompressors grow their output in windows (16 KiB first); a payload whose last
// byte fills a window exactly must still come back, with a limit far above its size (the
// fuzzer found zstd failing at 16384 bytes: "input ends inside a frame").
TEST_P(Codec, PayloadsEndingExactlyOnAnOutputWindowRoundTrip) {
  for (const size_t n : {size_t{16384}, size_t{16383}, size_t{16385}, size_t{32768}, size_t{49152}, size_t{65536},
                         size_t{131072}, size_t{16384 + 32768 + 65536}}) {
    for (int pattern = 0; pattern < 3; ++pattern) {
      std::string payload = pattern == 0   ? std::string(n, '\0')
                            : pattern == 1 ? json_records(n * 2).substr(0, n)
                                           : random_bytes(n, static_cast<uint32_t>(n));
      payload.resize(n, 'x');
      byte_buffer c, d;
      ASSERT_TRUE(compress(GetParam(), as_bytes(payload), c));
      auto r = decompress(GetParam(), as_bytes(c), d, 4 * 1024 * 1024);
      ASSERT_TRUE(r) << to_string(r.error()) << " size " << n << " pattern " << pattern;
      ASSERT_EQ(d.size(), payload.size()) << "pattern " << pattern;
      EXPECT_EQ(std::memcmp(d.data(), payload.data(), payload.size()), 0) << "size " << n << " pattern " << pattern;
    }
  }
  // The fuzzer's input: two zstd frames of 8192 RLE bytes each.
  if (GetParam() == compression_type::zstd) {
    const unsigned char frames[] = {0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x1f, 0x03, 0x00, 0x01, 0x03,
                                    0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x1f, 0x03, 0x00, 0x01, 0x00};
    byte_buffer d;
    ASSERT_TRUE(decompress(compression_type::zstd, {reinterpret_cast<const std::byte*>(frames), sizeof frames}, d,
                           1 << 20));
    ASSERT_EQ(d.size(), 16384u);
    byte_buffer again, back;
    ASSERT_TRUE(compress(compression_type::zstd, {d.data(), d.size()}, again));
    auto r = decompress(compression_type::zstd, {again.data(), again.size()}, back, 1 << 20);
    ASSERT_TRUE(r) << to_string(r.error());
    EXPECT_EQ(back.size(), d.size());
  }
}

TEST_P(Codec, AppendsAfterExistingBytes) {
  const std::string payload = json_records(5000);
  byte_buffer c;
  c.resize(3, std::byte{0x55});
  ASSERT_TRUE(compress(GetParam(), as_bytes(payload), c));
  byte_buffer d;
  d.resize(2, std::byte{0x66});
  ASSERT_TRUE(decompress(GetParam(), std::span<const std::byte>(c).subspan(3), d, 1 << 20));
  ASSERT_EQ(d.size(), payload.size() + 2);
  EXPECT_EQ(d[0], std::byte{0x66});
  EXPECT_EQ(std::memcmp(d.data() + 2, payload.data(), payload.size()), 0);
}

TEST_P(Codec, OutputLimitIsExact) {
  const std::string payload = json_records(100000);
  byte_buffer c, d;
  ASSERT_TRUE(compress(GetParam(), as_bytes(payload), c));
  EXPECT_TRUE(decompress(GetParam(), as_bytes(c), d, payload.size()));
  d.clear();
  auto r = decompress(GetParam(), as_bytes(c), d, payload.size() - 1);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), errc::output_limit);
  EXPECT_LE(d.size(), payload.size() - 1);
}

TEST_P(Codec, TruncatedAndCorruptInputsFailCleanly) {
  if (GetParam() == compression_type::none) GTEST_SKIP() << "no framing to break";
  const std::string payload = json_records(20000);
  byte_buffer c;
  ASSERT_TRUE(compress(GetParam(), as_bytes(payload), c));
  for (size_t cut = 0; cut < c.size(); cut += (cut < 64 ? 1 : 97)) {
    byte_buffer d;
    auto r = decompress(GetParam(), {c.data(), cut}, d, 1 << 20);
    EXPECT_FALSE(r) << "cut " << cut;
  }
  std::mt19937 rng(5);
  for (int i = 0; i < 500; ++i) {
    byte_buffer bad = c;
    bad[rng() % bad.size()] ^= static_cast<std::byte>(1 + rng() % 255);
    byte_buffer d;
    (void)decompress(GetParam(), as_bytes(bad), d, 1 << 20);  // any outcome but a crash
    EXPECT_LE(d.size(), size_t{1} << 20);
  }
}

INSTANTIATE_TEST_SUITE_P(All, Codec, ::testing::ValuesIn(all_codecs),
                         [](const auto& info) { return std::string(to_string(info.param)); });

// --- Decompression bombs: 1 GiB of zeros behind a small payload, limit 1 MiB. Each
// payload is assembled from small repeated pieces so the test never holds 1 GiB either.

void expect_bomb_rejected(compression_type type, const byte_buffer& bomb, lz4_header_checksum hc = lz4_header_checksum::verify) {
  byte_buffer out;
  const auto start = std::chrono::steady_clock::now();
  auto r = decompress(type, as_bytes(bomb), out, mib, hc);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), errc::output_limit);
  EXPECT_LE(out.size(), mib);
  EXPECT_LE(out.capacity(), 8 * mib) << "buffer grew far beyond the limit";
  EXPECT_LT(std::chrono::duration_cast<std::chrono::seconds>(elapsed).count(), 5);
}

TEST(DecompressionBomb, Gzip) {
  // gzip members may be concatenated; 1024 members of 1 MiB zeros each.
  const std::string zeros(mib, '\0');
  byte_buffer member;
  ASSERT_TRUE(compress(compression_type::gzip, as_bytes(zeros), member, {.level = 9}));
  byte_buffer bomb;
  for (size_t i = 0; i < gib / mib; ++i) bomb.insert(bomb.end(), member.begin(), member.end());
  expect_bomb_rejected(compression_type::gzip, bomb);
}

TEST(DecompressionBomb, SnappyRawAndXerial) {
  // Raw: one block declaring 1 GiB is refused from its preamble alone. Build the preamble
  // by hand: varint 2^30 then a literal that cannot matter.
  byte_buffer raw = {std::byte{0x80}, std::byte{0x80}, std::byte{0x80}, std::byte{0x80}, std::byte{0x04}};
  expect_bomb_rejected(compression_type::snappy, raw);
  // Xerial: many chunks of 64 KiB zeros each.
  const std::string zeros(64 * 1024, '\0');
  byte_buffer one;
  ASSERT_TRUE(compress(compression_type::snappy, as_bytes(zeros), one, {.snappy = snappy_framing::xerial}));
  byte_buffer bomb(one.begin(), one.end());
  const size_t chunk_at = 16;
  for (size_t i = 1; i < gib / zeros.size(); ++i) bomb.insert(bomb.end(), one.begin() + chunk_at, one.end());
  expect_bomb_rejected(compression_type::snappy, bomb);
}

TEST(DecompressionBomb, Lz4) {
  // One frame of independent blocks: repeat the first compressed 64 KiB block.
  const std::string zeros(64 * 1024, '\0');
  byte_buffer one;
  ASSERT_TRUE(compress(compression_type::lz4, as_bytes(zeros), one));
  const size_t header = 7;
  byte_buffer bomb(one.begin(), one.begin() + header);
  for (size_t i = 0; i < gib / zeros.size(); ++i) bomb.insert(bomb.end(), one.begin() + header, one.end() - 4);
  for (int i = 0; i < 4; ++i) bomb.push_back(std::byte{0});
  expect_bomb_rejected(compression_type::lz4, bomb);
}

TEST(DecompressionBomb, ZstdSingleFrameWithoutContentSize) {
  // A streamed frame (no content size), as Java's zstd-jni writes it.
  ZSTD_CCtx* cctx = ZSTD_createCCtx();
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, 1);
  const std::string zeros(mib, '\0');
  std::vector<char> out(ZSTD_CStreamOutSize());
  byte_buffer bomb;
  for (size_t i = 0; i < gib / mib; ++i) {
    ZSTD_inBuffer in{zeros.data(), zeros.size(), 0};
    const bool last = i + 1 == gib / mib;
    for (;;) {
      ZSTD_outBuffer ob{out.data(), out.size(), 0};
      const size_t rem = ZSTD_compressStream2(cctx, &ob, &in, last ? ZSTD_e_end : ZSTD_e_continue);
      ASSERT_FALSE(ZSTD_isError(rem));
      bomb.insert(bomb.end(), reinterpret_cast<std::byte*>(out.data()), reinterpret_cast<std::byte*>(out.data()) + ob.pos);
      if (last ? rem == 0 : in.pos == in.size) break;
    }
  }
  ZSTD_freeCCtx(cctx);
  EXPECT_LT(bomb.size(), 200 * 1024u);
  EXPECT_EQ(ZSTD_getFrameContentSize(bomb.data(), bomb.size()), ZSTD_CONTENTSIZE_UNKNOWN);
  expect_bomb_rejected(compression_type::zstd, bomb);
}

TEST(DecompressionBomb, ZstdLyingContentSize) {
  // A frame that declares 10 bytes but holds 4 MiB must not slip past the limit.
  const std::string zeros(4 * mib, '\0');
  byte_buffer c;
  ASSERT_TRUE(compress(compression_type::zstd, as_bytes(zeros), c));
  byte_buffer out;
  auto r = decompress(compression_type::zstd, as_bytes(c), out, mib);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), errc::output_limit);
}

// --- Framing details

TEST(Snappy, XerialFramingIsDetectedAndWrittenLikeSnappyJava) {
  const std::string payload = json_records(100 * 1024);
  byte_buffer x;
  ASSERT_TRUE(compress(compression_type::snappy, as_bytes(payload), x, {.snappy = snappy_framing::xerial}));
  const unsigned char header[16] = {0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0, 0, 0, 0, 1, 0, 0, 0, 1};
  ASSERT_GE(x.size(), 16u);
  EXPECT_EQ(std::memcmp(x.data(), header, 16), 0);
  byte_buffer d;
  ASSERT_TRUE(decompress(compression_type::snappy, as_bytes(x), d, payload.size()));
  ASSERT_EQ(d.size(), payload.size());
  EXPECT_EQ(std::memcmp(d.data(), payload.data(), payload.size()), 0);
  // Raw (our producer's choice) has no header.
  byte_buffer raw;
  ASSERT_TRUE(compress(compression_type::snappy, as_bytes(payload), raw));
  EXPECT_NE(std::memcmp(raw.data(), header, 8), 0);
}

TEST(Snappy, XerialWithTruncatedChunkFails) {
  const std::string payload = json_records(70 * 1024);
  byte_buffer x;
  ASSERT_TRUE(compress(compression_type::snappy, as_bytes(payload), x, {.snappy = snappy_framing::xerial}));
  x.pop_back();
  byte_buffer d;
  EXPECT_FALSE(decompress(compression_type::snappy, as_bytes(x), d, 1 << 20));
}

TEST(Lz4, FrameHeaderIsKafkasAndLegacyChecksumNeedsIgnore) {
  const std::string payload = json_records(1000);
  byte_buffer c;
  ASSERT_TRUE(compress(compression_type::lz4, as_bytes(payload), c));
  ASSERT_GE(c.size(), 7u);
  EXPECT_EQ(c[0], std::byte{0x04});
  EXPECT_EQ(c[3], std::byte{0x18});
  EXPECT_EQ(c[4], std::byte{0x60});
  EXPECT_EQ(c[5], std::byte{0x40});
  EXPECT_EQ(static_cast<uint8_t>(c[6]), (xxhash32(std::span<const std::byte>(c).subspan(4, 2), 0) >> 8) & 0xFF);
  // Pre-0.10 header checksum (over magic too): rejected when verifying, read when ignoring.
  byte_buffer legacy;
  ASSERT_TRUE(compress(compression_type::lz4, as_bytes(payload), legacy, {.lz4_legacy_header_checksum = true}));
  EXPECT_EQ(static_cast<uint8_t>(legacy[6]), (xxhash32(std::span<const std::byte>(legacy).first(6), 0) >> 8) & 0xFF);
  ASSERT_NE(legacy[6], c[6]);
  byte_buffer d;
  auto strict = decompress(compression_type::lz4, as_bytes(legacy), d, 1 << 20);
  EXPECT_FALSE(strict);
  d.clear();
  ASSERT_TRUE(decompress(compression_type::lz4, as_bytes(legacy), d, 1 << 20, lz4_header_checksum::ignore));
  EXPECT_EQ(d.size(), payload.size());
}

TEST(Lz4, TruncatedDescriptorWithContentSize) {
  // Found by fuzz_decompress: FLG announces an 8-byte content size the input lacks.
  const byte_buffer frame = {std::byte{0x04}, std::byte{0x22}, std::byte{0x4D}, std::byte{0x18},
                             std::byte{0x68}, std::byte{0x40}, std::byte{0x00}};
  for (size_t n = 0; n <= frame.size(); ++n) {
    byte_buffer d;
    EXPECT_FALSE(decompress(compression_type::lz4, {frame.data(), n}, d, 1 << 20));
  }
}

TEST(XxHash32, KnownValues) {
  EXPECT_EQ(xxhash32({}, 0), 0x02CC5D05u);
  EXPECT_EQ(xxhash32(as_bytes("a"), 0), 0x550D7456u);
  EXPECT_EQ(xxhash32(as_bytes("abc"), 0), 0x32D153FFu);
  EXPECT_EQ(xxhash32(as_bytes("Nobody inspects the spammish repetition"), 0), 0xE2293B2Fu);
}

// --- Interop with independent implementations (skipped when the tool is absent).

std::filesystem::path temp_dir() {
  auto d = std::filesystem::temp_directory_path() / ("ringtail-compression-" + std::to_string(::getpid()));
  std::filesystem::create_directories(d);
  return d;
}

void write_file(const std::filesystem::path& p, std::span<const std::byte> b) {
  std::ofstream f(p, std::ios::binary);
  f.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
}
byte_buffer read_file(const std::filesystem::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::string s((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  byte_buffer b(s.size());
  if (!s.empty()) std::memcpy(b.data(), s.data(), s.size());
  return b;
}
bool have(const char* tool) { return std::system((std::string("command -v ") + tool + " >/dev/null 2>&1").c_str()) == 0; }
int run(const std::string& cmd) { return std::system(cmd.c_str()); }

struct interop_case {
  compression_type type;
  const char* tool;
  const char* compress_cmd;    // {in} -> {out}
  const char* decompress_cmd;  // {in} -> {out}
};

std::string fill(std::string s, const std::filesystem::path& in, const std::filesystem::path& out) {
  s.replace(s.find("{in}"), 4, in.string());
  s.replace(s.find("{out}"), 5, out.string());
  return s;
}

class Interop : public ::testing::TestWithParam<interop_case> {};

TEST_P(Interop, BothDirections) {
  const interop_case& ic = GetParam();
  if (!have(ic.tool)) GTEST_SKIP() << ic.tool << " not installed";
  const auto dir = temp_dir();
  const std::string payload = json_records(300 * 1024);
  const auto plain = dir / "plain";
  const auto theirs = dir / "theirs";
  const auto ours = dir / "ours";
  const auto back = dir / "back";
  write_file(plain, as_bytes(payload));
  // Theirs -> us.
  ASSERT_EQ(run(fill(ic.compress_cmd, plain, theirs)), 0);
  byte_buffer d;
  auto r = decompress(ic.type, as_bytes(read_file(theirs)), d, 1 << 20);
  ASSERT_TRUE(r) << to_string(r.error());
  ASSERT_EQ(d.size(), payload.size());
  EXPECT_EQ(std::memcmp(d.data(), payload.data(), payload.size()), 0);
  // Us -> theirs.
  byte_buffer c;
  ASSERT_TRUE(compress(ic.type, as_bytes(payload), c));
  write_file(ours, as_bytes(c));
  ASSERT_EQ(run(fill(ic.decompress_cmd, ours, back)), 0);
  byte_buffer b = read_file(back);
  ASSERT_EQ(b.size(), payload.size());
  EXPECT_EQ(std::memcmp(b.data(), payload.data(), payload.size()), 0);
  std::filesystem::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(
    Tools, Interop,
    ::testing::Values(
        interop_case{compression_type::gzip, "/usr/bin/python3",
                     "/usr/bin/python3 -c \"import gzip,sys; open(sys.argv[2],'wb').write(gzip.compress(open(sys.argv[1],'rb').read()))\" {in} {out}",
                     "/usr/bin/python3 -c \"import gzip,sys; open(sys.argv[2],'wb').write(gzip.decompress(open(sys.argv[1],'rb').read()))\" {in} {out}"},
        // Default lz4 CLI frames carry a content checksum; -BX adds block checksums and -BD
        // linked blocks, all of which the reader must accept.
        interop_case{compression_type::lz4, "lz4", "lz4 -q -f {in} {out}", "lz4 -q -d -f {in} {out}"},
        interop_case{compression_type::lz4, "lz4", "lz4 -q -f -BD -BX -B4 --content-size {in} {out}", "lz4 -q -d -f {in} {out}"},
        interop_case{compression_type::zstd, "zstd", "zstd -q -f {in} -o {out}", "zstd -q -d -f {in} -o {out}"},
        interop_case{compression_type::zstd, "zstd", "cat {in} | zstd -q -19 > {out}", "zstd -q -d -f {in} -o {out}"}),
    [](const auto& info) { return std::string(to_string(info.param.type)) + std::to_string(info.index); });

TEST(InteropGzip, ZlibMultiMemberFromPython) {
  if (!have("/usr/bin/python3")) GTEST_SKIP();
  const auto dir = temp_dir();
  const auto out = dir / "multi.gz";
  ASSERT_EQ(run("/usr/bin/python3 -c \"import gzip,sys; open(sys.argv[1],'wb').write(gzip.compress(b'hello ')+gzip.compress(b'world'))\" " + out.string()), 0);
  byte_buffer d;
  ASSERT_TRUE(decompress(compression_type::gzip, as_bytes(read_file(out)), d, 100));
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(d.data()), d.size()), "hello world");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace ringtail::codec
