#include "ringtail/codec/murmur2.h"

#include <gtest/gtest.h>

#include <climits>
#include <string>

namespace ringtail::codec {
namespace {

struct vector_case {
  const char* key;
  int32_t murmur2;
  int32_t positive;
  int32_t mod3;
};

// Kafka's UtilsTest vectors (RECORD_FORMAT.md §8).
TEST(Murmur2, KafkaVectors) {
  const vector_case cases[] = {
      {"21", -973932308, 1173551340, 0},
      {"foobar", -790332482, 1357151166, 0},
      {"a-little-bit-long-string", -985981536, 1161502112, 2},
      {"a-little-bit-longer-string", -1486304829, 661178819, 2},
      {"lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971, 2088585677, 2},
      {"abc", 479470107, 479470107, 0},
      {"", 275646681, 275646681, 0},
  };
  for (const auto& c : cases) {
    const std::string_view key = c.key;
    EXPECT_EQ(murmur2(key), c.murmur2) << key;
    EXPECT_EQ(to_positive(murmur2(key)), c.positive) << key;
    EXPECT_EQ(murmur2_partition(std::as_bytes(std::span(key.data(), key.size())), 3), c.mod3) << key;
  }
}

TEST(Murmur2, ToPositiveIsNotAbs) {
  EXPECT_EQ(to_positive(-1), INT32_MAX);
  EXPECT_EQ(to_positive(INT32_MIN), 0);
  EXPECT_EQ(to_positive(5), 5);
}

TEST(JavaStringHash, AsciiMatchesJava) {
  EXPECT_EQ(java_string_hash(""), 0);
  EXPECT_EQ(java_string_hash("a"), 97);
  EXPECT_EQ(java_string_hash("hello"), 99162322);            // "hello".hashCode()
  // Expected values computed independently (Python over UTF-16BE units).
  EXPECT_EQ(java_string_hash("console-consumer-12345"), 158455506);
  EXPECT_EQ(java_string_hash("my-group"), -1906497762);
  // Overflow wraps like Java's int.
  EXPECT_EQ(java_string_hash("polygenelubricants"), INT32_MIN);  // a well-known MIN_VALUE hash
}

TEST(JavaStringHash, NonAsciiUsesUtf16Units) {
  // "é" U+00E9 is one UTF-16 unit: hash 233.
  EXPECT_EQ(java_string_hash("\xC3\xA9"), 233);
  // "€" U+20AC.
  EXPECT_EQ(java_string_hash("\xE2\x82\xAC"), 0x20AC);
  // U+1F600 is the surrogate pair D83D DE00: 0xD83D * 31 + 0xDE00.
  EXPECT_EQ(java_string_hash("\xF0\x9F\x98\x80"), 0xD83D * 31 + 0xDE00);
  EXPECT_EQ(java_string_hash("\xF0\x9F\x98\x80"), 1772899);
  EXPECT_EQ(java_string_hash("\xC3\xA9\xE2\x82\xAC"), 15587);
  // Invalid UTF-8 bytes each become U+FFFD (Java's decoder replacement).
  EXPECT_EQ(java_string_hash("\xFF"), 0xFFFD);
  EXPECT_EQ(java_string_hash("\xE2\x82"), 0xFFFD);  // truncated sequence: one replacement
}

TEST(CoordinatorPartition, KafkaAbsSemantics) {
  EXPECT_EQ(kafka_abs(INT32_MIN), 0);
  EXPECT_EQ(kafka_abs(-5), 5);
  EXPECT_EQ(kafka_abs(7), 7);
  // "polygenelubricants".hashCode() == Integer.MIN_VALUE: Utils.abs maps it to 0.
  EXPECT_EQ(coordinator_partition("polygenelubricants", 50), 0);
  EXPECT_EQ(coordinator_partition("hello", 50), 99162322 % 50);
  // Negative hashes: abs, then modulo.
  EXPECT_EQ(coordinator_partition("my-group", 50), 12);
  EXPECT_EQ(coordinator_partition("my-group-with-negative-hash-zzzzzzzzzz", 50), 37);
}

}  // namespace
}  // namespace ringtail::codec
