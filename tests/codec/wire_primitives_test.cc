// Wire primitives against hand-written bytes (Kafka protocol guide encodings).
#include <gtest/gtest.h>

#include <limits>
#include <vector>

#include "messages_test_bytes.h"
#include "ringtail/codec/wire.h"

namespace ringtail::codec {
namespace {

using test::bytes_builder;

std::vector<std::byte> as_vector(bytes_view b) { return {b.begin(), b.end()}; }

TEST(wire, fixed_width_big_endian) {
  writer w;
  w.write_int8(-2);
  w.write_int16(0x1234);
  w.write_int32(-1);
  w.write_int64(0x0102030405060708);
  w.write_uint16(0xfffe);
  w.write_uint32(0x80000000u);
  w.write_float64(1.5);
  w.write_bool(true);
  bytes_builder e;
  e.raw({0xfe, 0x12, 0x34, 0xff, 0xff, 0xff, 0xff, 1, 2, 3, 4, 5, 6, 7, 8, 0xff, 0xfe, 0x80, 0, 0, 0});
  e.raw({0x3f, 0xf8, 0, 0, 0, 0, 0, 0, 1});
  EXPECT_EQ(as_vector(w.bytes()), e.b);
  reader r(e.b);
  int8_t a;
  int16_t b;
  int32_t c;
  int64_t d;
  uint16_t f;
  uint32_t g;
  double h;
  bool i;
  ASSERT_TRUE(r.read_int8(a));
  ASSERT_TRUE(r.read_int16(b));
  ASSERT_TRUE(r.read_int32(c));
  ASSERT_TRUE(r.read_int64(d));
  ASSERT_TRUE(r.read_uint16(f));
  ASSERT_TRUE(r.read_uint32(g));
  ASSERT_TRUE(r.read_float64(h));
  ASSERT_TRUE(r.read_bool(i));
  EXPECT_EQ(a, -2);
  EXPECT_EQ(b, 0x1234);
  EXPECT_EQ(c, -1);
  EXPECT_EQ(d, 0x0102030405060708);
  EXPECT_EQ(f, 0xfffe);
  EXPECT_EQ(g, 0x80000000u);
  EXPECT_EQ(h, 1.5);
  EXPECT_TRUE(i);
  EXPECT_TRUE(r.empty());
  int8_t more;
  auto e2 = r.read_int8(more);
  ASSERT_FALSE(e2);
  EXPECT_EQ(e2.error(), errc::truncated);
}

TEST(wire, zigzag_varints_match_protocol_examples) {
  // (value, encoding) pairs: zig-zag maps 0,-1,1,-2,... to 0,1,2,3,...
  const std::vector<std::pair<int64_t, std::vector<unsigned>>> cases = {
      {0, {0x00}}, {-1, {0x01}}, {1, {0x02}}, {-2, {0x03}}, {63, {0x7e}}, {-64, {0x7f}},
      {64, {0x80, 0x01}}, {300, {0xd8, 0x04}},
      {std::numeric_limits<int32_t>::max(), {0xfe, 0xff, 0xff, 0xff, 0x0f}},
      {std::numeric_limits<int32_t>::min(), {0xff, 0xff, 0xff, 0xff, 0x0f}}};
  for (const auto& [v, enc] : cases) {
    bytes_builder e;
    for (unsigned x : enc) e.u8(x);
    writer w;
    w.write_varint(static_cast<int32_t>(v));
    EXPECT_EQ(as_vector(w.bytes()), e.b) << v;
    reader r(e.b);
    int32_t out = 0;
    ASSERT_TRUE(r.read_varint(out));
    EXPECT_EQ(out, v);
    writer wl;
    wl.write_varlong(v);
    EXPECT_EQ(as_vector(wl.bytes()), e.b) << v;
    reader rl(e.b);
    int64_t outl = 0;
    ASSERT_TRUE(rl.read_varlong(outl));
    EXPECT_EQ(outl, v);
  }
  for (int64_t v : {std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max(), int64_t{-1} << 40}) {
    writer w;
    w.write_varlong(v);
    reader r(w.bytes());
    int64_t out = 0;
    ASSERT_TRUE(r.read_varlong(out));
    EXPECT_EQ(out, v);
    EXPECT_TRUE(r.empty());
  }
}

TEST(wire, overlong_varints_are_rejected) {
  bytes_builder six;
  six.raw({0x80, 0x80, 0x80, 0x80, 0x80, 0x01});
  reader r(six.b);
  uint32_t u = 0;
  auto e = r.read_unsigned_varint(u);
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error(), errc::varint_too_long);
  bytes_builder too_big;  // 5th byte carries more than 32 bits
  too_big.raw({0xff, 0xff, 0xff, 0xff, 0x1f});
  reader r2(too_big.b);
  EXPECT_FALSE(r2.read_unsigned_varint(u));
  bytes_builder unterminated;
  unterminated.raw({0x80, 0x80});
  reader r3(unterminated.b);
  auto e3 = r3.read_unsigned_varint(u);
  ASSERT_FALSE(e3);
  EXPECT_EQ(e3.error(), errc::truncated);
}

TEST(wire, strings_classic_and_compact) {
  writer w;
  w.write_string("ab", false);
  w.write_nullable_string(std::nullopt, false);
  w.write_string("ab", true);
  w.write_nullable_string(std::nullopt, true);
  w.write_string("", true);
  bytes_builder e;
  e.str("ab").null_str().cstr("ab").null_cstr().cstr("");
  ASSERT_EQ(as_vector(w.bytes()), e.b);
  reader r(e.b);
  std::string_view s;
  std::optional<std::string_view> n;
  ASSERT_TRUE(r.read_string(s, false));
  EXPECT_EQ(s, "ab");
  EXPECT_EQ(s.data(), reinterpret_cast<const char*>(e.b.data() + 2)) << "zero-copy view";
  ASSERT_TRUE(r.read_nullable_string(n, false));
  EXPECT_FALSE(n.has_value());
  ASSERT_TRUE(r.read_string(s, true));
  EXPECT_EQ(s, "ab");
  auto e_null = r.read_string(s, true);  // null where not allowed
  ASSERT_FALSE(e_null);
  EXPECT_EQ(e_null.error(), errc::negative_length);
}

TEST(wire, lengths_are_bounded_by_remaining_bytes) {
  bytes_builder e;
  e.i32(5).raw("abc");
  reader r(e.b);
  bytes_view b;
  auto x = r.read_bytes(b, false);
  ASSERT_FALSE(x);
  EXPECT_EQ(x.error(), errc::truncated);

  bytes_builder neg;
  neg.i32(-2);
  reader r2(neg.b);
  auto y = r2.read_bytes(b, false);
  ASSERT_FALSE(y);
  EXPECT_EQ(y.error(), errc::negative_length);

  bytes_builder arr;
  arr.i32(3).i32(1).i32(2);  // three int32 claimed, two present
  reader r3(arr.b);
  int32_t count = 0;
  auto z = r3.read_array_length(count, false, false, sizeof(int32_t));
  ASSERT_FALSE(z);
  EXPECT_EQ(z.error(), errc::length_too_large);

  bytes_builder huge_compact;
  huge_compact.uvarint(0xffffffffu);
  reader r4(huge_compact.b);
  auto h = r4.read_array_length(count, true, true, 1);
  ASSERT_FALSE(h);
  EXPECT_EQ(h.error(), errc::length_too_large);
}

TEST(wire, uuid_and_size_prefix) {
  uuid u;
  for (size_t i = 0; i < 16; ++i) u.bytes[i] = static_cast<std::byte>(i);
  writer w;
  const size_t at = w.reserve_size_prefix();
  w.write_uuid(u);
  w.patch_size_prefix(at);
  bytes_builder e;
  e.i32(16);
  for (unsigned i = 0; i < 16; ++i) e.u8(i);
  ASSERT_EQ(as_vector(w.bytes()), e.b);
  reader r(e.b);
  int32_t size = 0;
  uuid back;
  ASSERT_TRUE(r.read_int32(size));
  ASSERT_TRUE(r.read_uuid(back));
  EXPECT_EQ(back, u);
}

TEST(wire, tagged_fields_unknown_kept_in_order) {
  bytes_builder e;
  e.uvarint(2).uvarint(1).uvarint(1).u8(9).uvarint(300).uvarint(0);
  reader r(e.b);
  std::vector<tagged_field> tags;
  ASSERT_TRUE(r.read_tagged_fields(tags));
  ASSERT_EQ(tags.size(), 2u);
  EXPECT_EQ(tags[0].tag, 1u);
  EXPECT_EQ(tags[1].tag, 300u);
  EXPECT_TRUE(tags[1].data.empty());
  writer w;
  w.write_tagged_fields(tags);
  EXPECT_EQ(as_vector(w.bytes()), e.b);

  bytes_builder bad;  // field size beyond the buffer
  bad.uvarint(1).uvarint(0).uvarint(10).u8(1);
  reader r2(bad.b);
  std::vector<tagged_field> t2;
  EXPECT_FALSE(r2.read_tagged_fields(t2));
}

}  // namespace
}  // namespace ringtail::codec
