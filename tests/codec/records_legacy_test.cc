#include "ringtail/codec/legacy_message_set.h"

#include "ringtail/codec/crc32c.h"

#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace ringtail::codec {
namespace {

std::span<const std::byte> as_bytes(std::string_view s) { return std::as_bytes(std::span(s.data(), s.size())); }
std::string as_string(std::span<const std::byte> b) { return {reinterpret_cast<const char*>(b.data()), b.size()}; }

// A magic-1 message by hand (offset 5, timestamp 1000, key "k", value "hello"); CRC-32 of
// the bytes from magic on, checked against zlib's crc32 of the same bytes by Python:
//   zlib.crc32(bytes.fromhex("0100" "00000000000003e8" "00000001" "6b" "00000005" "68656c6c6f"))
TEST(LegacyMessageSet, GoldenV1Message) {
  const unsigned char bytes[] = {
      0, 0, 0, 0, 0, 0, 0, 5,                  // offset
      0, 0, 0, 28,                             // message_size
      0x80, 0x6a, 0x82, 0x45,                  // crc
      1, 0,                                    // magic, attributes
      0, 0, 0, 0, 0, 0, 0x03, 0xe8,            // timestamp
      0, 0, 0, 1, 'k',                         // key
      0, 0, 0, 5, 'h', 'e', 'l', 'l', 'o'};    // value
  legacy_message_set_builder b(1);
  b.append(5, 1000, as_bytes("k"), as_bytes("hello"));
  auto out = b.finish();
  ASSERT_TRUE(out);
  ASSERT_EQ(out->size(), sizeof bytes);
  EXPECT_EQ(std::memcmp(out->data(), bytes, sizeof bytes), 0);
  legacy_message_set_reader reader(*out);
  auto m = reader.next();
  ASSERT_TRUE(m && m->has_value());
  EXPECT_EQ((*m)->offset, 5);
  EXPECT_EQ((*m)->magic, 1);
  EXPECT_EQ((*m)->timestamp, 1000);
  EXPECT_EQ(as_string(*(*m)->key), "k");
  EXPECT_EQ(as_string(*(*m)->value), "hello");
  EXPECT_EQ((*m)->crc, (*m)->compute_crc());
}

TEST(LegacyMessageSet, V0RoundTripWithNulls) {
  legacy_message_set_builder b(0);
  b.append(10, 999, std::nullopt, as_bytes("v1"));
  b.append(11, 999, as_bytes("k2"), std::nullopt);
  auto out = b.finish();
  ASSERT_TRUE(out);
  EXPECT_EQ(out->size(), 2 * legacy_message_overhead_v0_bytes + 2 + 2);
  legacy_message_set_reader reader(*out);
  auto a = reader.next();
  ASSERT_TRUE(a && a->has_value());
  EXPECT_EQ((*a)->magic, 0);
  EXPECT_EQ((*a)->timestamp, no_timestamp);
  EXPECT_FALSE((*a)->key.has_value());
  auto c = reader.next();
  ASSERT_TRUE(c && c->has_value());
  EXPECT_EQ((*c)->offset, 11);
  EXPECT_FALSE((*c)->value.has_value());
  auto end = reader.next();
  ASSERT_TRUE(end);
  EXPECT_FALSE(end->has_value());
  EXPECT_FALSE(reader.truncated_tail());
}

struct wrapper_case {
  int8_t magic;
  compression_type type;
};
class LegacyWrapper : public ::testing::TestWithParam<wrapper_case> {};

TEST_P(LegacyWrapper, CompressedRoundTripWithAbsoluteOffsets) {
  const auto [magic, type] = GetParam();
  legacy_message_set_builder b(magic, type);
  for (int i = 0; i < 10; ++i)
    b.append(100 + 2 * i, 5000 + i, as_bytes("k" + std::to_string(i)), as_bytes("value number " + std::to_string(i)));
  auto out = b.finish();
  ASSERT_TRUE(out);
  legacy_message_set_reader reader(*out);
  auto w = reader.next();
  ASSERT_TRUE(w && w->has_value());
  EXPECT_TRUE((*w)->is_compressed());
  EXPECT_EQ((*w)->compression(), type);
  EXPECT_EQ((*w)->offset, 118);  // the last inner offset
  byte_buffer scratch;
  auto inner = legacy_inner_reader::open(**w, scratch, 1 << 20);
  ASSERT_TRUE(inner) << to_string(inner.error());
  EXPECT_EQ(inner->count(), 10u);
  for (int i = 0; i < 10; ++i) {
    auto m = inner->next();
    ASSERT_TRUE(m);
    EXPECT_EQ(m->offset, 100 + 2 * i);
    EXPECT_EQ(as_string(*m->value), "value number " + std::to_string(i));
    if (magic == 1) {
      EXPECT_EQ(m->timestamp, 5000 + i);
    }
  }
  EXPECT_FALSE(inner->next());
  // Bomb protection applies.
  auto limited = legacy_inner_reader::open(**w, scratch, 50);
  ASSERT_FALSE(limited);
  EXPECT_EQ(limited.error(), errc::output_limit);
}

INSTANTIATE_TEST_SUITE_P(All, LegacyWrapper,
                         ::testing::Values(wrapper_case{0, compression_type::gzip}, wrapper_case{0, compression_type::snappy},
                                           wrapper_case{0, compression_type::lz4}, wrapper_case{1, compression_type::gzip},
                                           wrapper_case{1, compression_type::snappy}, wrapper_case{1, compression_type::lz4}));

TEST(LegacyMessageSet, V1WrapperRelativeOffsetsFromAProducer) {
  // A v1 producer writes inner offsets 0..n-1 and wrapper offset n-1; the broker then
  // rewrites only the wrapper offset (here to 1000), so inner absolute = 998, 999, 1000.
  legacy_message_set_builder b(1, compression_type::gzip);
  for (int i = 0; i < 3; ++i) b.append(i, 7, std::nullopt, as_bytes("x"));
  auto out = b.finish();
  ASSERT_TRUE(out);
  std::vector<std::byte> set(out->begin(), out->end());
  detail::store_be<int64_t>(set.data(), 1000);  // outside the CRC
  legacy_message_set_reader reader(set);
  auto w = reader.next();
  ASSERT_TRUE(w && w->has_value());
  byte_buffer scratch;
  auto inner = legacy_inner_reader::open(**w, scratch, 1 << 20);
  ASSERT_TRUE(inner);
  EXPECT_EQ(inner->next()->offset, 998);
  EXPECT_EQ(inner->next()->offset, 999);
  EXPECT_EQ(inner->next()->offset, 1000);
}

TEST(LegacyMessageSet, LogAppendTimeWrapperOverridesInnerTimestamps) {
  legacy_message_set_builder b(1, compression_type::snappy);
  b.append(0, 1, std::nullopt, as_bytes("a"));
  b.append(1, 2, std::nullopt, as_bytes("b"));
  auto out = b.finish();
  std::vector<std::byte> set(out->begin(), out->end());
  // Set the wrapper's timestamp type and time, then fix its CRC.
  set[legacy_layout::attributes] |= std::byte{legacy_attr_timestamp_type};
  detail::store_be<int64_t>(set.data() + legacy_layout::timestamp_v1, 777);
  detail::store_be<uint32_t>(set.data() + legacy_layout::crc,
                             crc32_ieee(set.data() + legacy_layout::magic, set.size() - legacy_layout::magic));
  legacy_message_set_reader reader(set);
  auto w = reader.next();
  ASSERT_TRUE(w && w->has_value()) << (w ? "" : to_string(w.error()));
  byte_buffer scratch;
  auto inner = legacy_inner_reader::open(**w, scratch, 1 << 20);
  ASSERT_TRUE(inner);
  EXPECT_EQ(inner->next()->timestamp, 777);
  EXPECT_EQ(inner->next()->timestamp, 777);
}

TEST(LegacyMessageSet, Validation) {
  legacy_message_set_builder b(1);
  b.append(0, 0, as_bytes("key"), as_bytes("value"));
  auto out = b.finish();
  const std::vector<std::byte> good(out->begin(), out->end());
  auto error_of = [](const std::vector<std::byte>& s) {
    legacy_message_set_reader r(s);
    auto m = r.next();
    return m ? errc::ok : m.error();
  };
  EXPECT_EQ(error_of(good), errc::ok);
  {
    auto s = good;
    s.back() ^= std::byte{1};
    EXPECT_EQ(error_of(s), errc::bad_crc);
  }
  {
    auto s = good;
    s[legacy_layout::magic] = std::byte{2};
    EXPECT_EQ(error_of(s), errc::bad_magic);
  }
  {
    auto s = good;
    s[legacy_layout::attributes] = std::byte{4};  // zstd is not allowed in magic 0/1
    EXPECT_EQ(error_of(s), errc::unsupported_compression);
  }
  {
    auto s = good;
    detail::store_be<int32_t>(s.data() + legacy_layout::key_length_v1, 4);  // lengths no longer fill the message
    EXPECT_NE(error_of(s), errc::ok);
  }
  {
    auto s = good;
    detail::store_be<int32_t>(s.data() + legacy_layout::message_size, 3);
    EXPECT_EQ(error_of(s), errc::invalid_record);
  }
  for (size_t cut = 0; cut < good.size(); ++cut) {
    std::span<const std::byte> partial(good.data(), cut);
    legacy_message_set_reader r(partial);
    auto m = r.next();
    if (m) {
      EXPECT_FALSE(m->has_value());
      EXPECT_EQ(r.truncated_tail(), cut != 0);
    }
  }
}

TEST(LegacyMessageSet, RandomCorruptionNeverCrashes) {
  legacy_message_set_builder b(1, compression_type::lz4);
  for (int i = 0; i < 20; ++i) b.append(i, i, as_bytes("k"), as_bytes(std::string(40, 'a' + i)));
  auto out = b.finish();
  const std::vector<std::byte> good(out->begin(), out->end());
  std::mt19937 rng(99);
  byte_buffer scratch;
  for (int i = 0; i < 3000; ++i) {
    auto s = good;
    for (int f = 0; f < 3; ++f) s[rng() % s.size()] = static_cast<std::byte>(rng());
    legacy_message_set_reader r(s, false);
    for (int k = 0; k < 3; ++k) {
      auto m = r.next();
      if (!m || !m->has_value()) break;
      if ((*m)->is_compressed()) {
        auto inner = legacy_inner_reader::open(**m, scratch, 1 << 20);
        if (inner)
          while (inner->next()) {
          }
      }
    }
  }
}

}  // namespace
}  // namespace ringtail::codec
