#include "ringtail/codec/crc32c.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cstring>
#include <random>
#include <string_view>
#include <vector>

namespace ringtail::codec {
namespace {

// Bit-at-a-time reference, independent of both table layouts.
uint32_t crc32c_bitwise(const unsigned char* p, size_t n) {
  uint32_t c = 0xFFFFFFFFu;
  for (size_t i = 0; i < n; ++i) {
    c ^= p[i];
    for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
  }
  return ~c;
}

TEST(Crc32c, CheckValue) {
  constexpr std::string_view s = "123456789";
  EXPECT_EQ(crc32c(s.data(), s.size()), 0xE3069283u);
  EXPECT_EQ(crc32c_impl::portable(s.data(), s.size(), 0), 0xE3069283u);
  if (crc32c_impl::sse42_available()) {
    EXPECT_EQ(crc32c_impl::sse42(s.data(), s.size(), 0), 0xE3069283u);
  }
}

TEST(Crc32c, EmptyIsZero) {
  EXPECT_EQ(crc32c(nullptr, 0), 0u);
  EXPECT_EQ(crc32c(nullptr, 0, 0x12345678u), 0x12345678u);
}

// RFC 3720 (iSCSI) appendix B.4 test vectors.
TEST(Crc32c, Rfc3720Vectors) {
  std::vector<unsigned char> buf(32, 0);
  EXPECT_EQ(crc32c(buf.data(), buf.size()), 0x8A9136AAu);
  std::fill(buf.begin(), buf.end(), 0xFF);
  EXPECT_EQ(crc32c(buf.data(), buf.size()), 0x62A8AB43u);
  for (int i = 0; i < 32; ++i) buf[i] = static_cast<unsigned char>(i);
  EXPECT_EQ(crc32c(buf.data(), buf.size()), 0x46DD794Eu);
  for (int i = 0; i < 32; ++i) buf[i] = static_cast<unsigned char>(31 - i);
  EXPECT_EQ(crc32c(buf.data(), buf.size()), 0x113FDB5Cu);
}

TEST(Crc32c, ImplementationsAgreeOnRandomLengthsAndAlignments) {
  std::mt19937_64 rng(42);
  std::vector<unsigned char> buf(200 * 1024 + 64);
  for (auto& b : buf) b = static_cast<unsigned char>(rng());
  const bool hw = crc32c_impl::sse42_available();
  // Lengths around the interleaving thresholds (3x256, 3x4096) and random ones.
  std::vector<size_t> lengths = {0, 1, 7, 8, 9, 767, 768, 769, 12287, 12288, 12289, 24576 + 768 + 5, 200 * 1024};
  for (int i = 0; i < 300; ++i) lengths.push_back(rng() % (buf.size() - 64));
  for (size_t len : lengths) {
    const size_t align = rng() % 64;
    const unsigned char* p = buf.data() + align;
    const uint32_t seed = static_cast<uint32_t>(rng());
    const uint32_t portable = crc32c_impl::portable(p, len, seed);
    if (hw) {
      ASSERT_EQ(crc32c_impl::sse42(p, len, seed), portable) << "len " << len << " align " << align;
    }
    ASSERT_EQ(crc32c(p, len, seed), portable);
    if (len < 5000) {
      ASSERT_EQ(crc32c_impl::portable(p, len, 0), crc32c_bitwise(p, len));
    }
  }
}

TEST(Crc32c, ExtendsLikeOneCall) {
  std::vector<unsigned char> buf(50000);
  std::mt19937 rng(7);
  for (auto& b : buf) b = static_cast<unsigned char>(rng());
  const uint32_t whole = crc32c(buf.data(), buf.size());
  for (size_t split : {size_t{0}, size_t{1}, size_t{13}, size_t{4096}, size_t{33333}, buf.size()}) {
    const uint32_t a = crc32c(buf.data(), split);
    EXPECT_EQ(crc32c(buf.data() + split, buf.size() - split, a), whole) << split;
  }
}

TEST(Crc32Ieee, MatchesZlibCheckValue) {
  constexpr std::string_view s = "123456789";
  EXPECT_EQ(crc32_ieee(s.data(), s.size()), 0xCBF43926u);
}

}  // namespace
}  // namespace ringtail::codec
