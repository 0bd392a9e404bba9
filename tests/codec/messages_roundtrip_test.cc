// Every supported (api, version), request and response: a populated message survives
// encode -> decode -> encode byte for byte, decodes exactly to its end, fails cleanly on
// every truncation, and does not crash on corrupted bytes.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "ringtail/codec/gen/samples.h"
#include "ringtail/codec/messages.h"

namespace ringtail::codec {
namespace {

struct case_param {
  int16_t api_key;
  int16_t version;
  bool request;
};

std::string case_name(const testing::TestParamInfo<case_param>& info) {
  const auto* a = find_api(info.param.api_key);
  return std::string(a->name) + (info.param.request ? "Request" : "Response") + "V" +
         std::to_string(info.param.version);
}

std::vector<case_param> all_cases() {
  std::vector<case_param> out;
  for (const auto& a : supported_apis()) {
    for (int16_t v = a.min_version; v <= a.max_version; ++v) {
      out.push_back({static_cast<int16_t>(a.key), v, true});
      out.push_back({static_cast<int16_t>(a.key), v, false});
    }
  }
  return out;
}

std::vector<std::byte> encode_sample(const case_param& p) {
  writer w;
  if (p.request) {
    encode_body(w, samples::request(p.api_key, p.version), p.version);
  } else {
    encode_body(w, samples::response(p.api_key, p.version), p.version);
  }
  return w.release();
}

// Decodes `bytes` as the case's message; on success re-encodes into `out`.
result<void> decode_and_reencode(const case_param& p, bytes_view bytes, std::vector<std::byte>* out,
                                 size_t* left = nullptr) {
  reader r(bytes);
  writer w;
  if (p.request) {
    auto body = decode_request_body(r, p.api_key, p.version);
    if (!body) return unexpected{body.error()};
    encode_body(w, *body, p.version);
  } else {
    auto body = decode_response_body(r, p.api_key, p.version);
    if (!body) return unexpected{body.error()};
    encode_body(w, *body, p.version);
  }
  if (left != nullptr) *left = r.remaining();
  if (out != nullptr) *out = w.release();
  return {};
}

class messages_roundtrip : public testing::TestWithParam<case_param> {};

TEST_P(messages_roundtrip, encode_decode_encode_is_identity) {
  const auto& p = GetParam();
  const auto bytes = encode_sample(p);
  std::vector<std::byte> again;
  size_t left = 99;
  auto ok = decode_and_reencode(p, bytes, &again, &left);
  ASSERT_TRUE(ok) << to_string(ok.error());
  EXPECT_EQ(left, 0u) << "decoder must consume exactly the encoded bytes";
  EXPECT_EQ(again, bytes);
}

TEST_P(messages_roundtrip, every_truncation_is_an_error) {
  const auto& p = GetParam();
  const auto bytes = encode_sample(p);
  for (size_t n = 0; n < bytes.size(); ++n) {
    // Copy into an exact-size heap buffer so ASan catches any read past the end.
    std::vector<std::byte> prefix(bytes.begin(), bytes.begin() + static_cast<ptrdiff_t>(n));
    size_t left = 0;
    auto ok = decode_and_reencode(p, prefix, nullptr, &left);
    EXPECT_FALSE(ok) << "prefix of " << n << " / " << bytes.size() << " bytes decoded";
  }
}

TEST_P(messages_roundtrip, corrupted_bytes_never_crash) {
  const auto& p = GetParam();
  const auto bytes = encode_sample(p);
  if (bytes.empty()) GTEST_SKIP() << "empty body: nothing to corrupt";
  std::mt19937 rng(static_cast<uint32_t>(p.api_key * 1000 + p.version * 2 + (p.request ? 1 : 0)));
  constexpr int rounds = 200;
  for (int i = 0; i < rounds; ++i) {
    auto copy = bytes;
    const int flips = 1 + static_cast<int>(rng() % 4);
    for (int f = 0; f < flips; ++f) {
      copy[rng() % copy.size()] = static_cast<std::byte>(rng());
    }
    std::vector<std::byte> out;
    (void)decode_and_reencode(p, copy, &out);
  }
}

INSTANTIATE_TEST_SUITE_P(all_apis, messages_roundtrip, testing::ValuesIn(all_cases()), case_name);

TEST(messages_dispatch, unknown_key_and_unsupported_version_are_errors) {
  const std::byte none[1]{};
  reader r(bytes_view(none, 0));
  auto a = decode_request_body(r, 23, 0);  // OffsetForLeaderEpoch: not supported
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error(), errc::unknown_api);
  auto b = decode_request_body(r, 0, 8);  // Produce v8: above the supported max
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error(), errc::unsupported_version);
  auto c = decode_request_body(r, 18, -1);
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error(), errc::unsupported_version);
}

TEST(messages_dispatch, generated_ranges_match_api_table) {
  size_t n = 0;
  for (const auto& g : generated_api_ranges) {
    const api_info* a = find_api(g.api_key);
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(a->min_version, g.min_version) << a->name;
    EXPECT_EQ(a->max_version, g.max_version) << a->name;
    EXPECT_EQ(a->flexible_from, g.flexible_from) << a->name;
    ++n;
  }
  EXPECT_EQ(n, supported_apis().size());
}

TEST(messages_dispatch, api_key_of_matches_alternative) {
  for (const auto& a : supported_apis()) {
    EXPECT_EQ(api_key_of(samples::request(static_cast<int16_t>(a.key))), static_cast<int16_t>(a.key));
    EXPECT_EQ(api_key_of(samples::response(static_cast<int16_t>(a.key))), static_cast<int16_t>(a.key));
  }
  EXPECT_EQ(api_key_of(request_body{}), -1);
}

TEST(messages_embedded, consumer_protocol_round_trips) {
  for (int16_t v = 0; v <= 3; ++v) {
    const auto sub = samples::consumer_protocol_subscription_sample();
    writer w;
    sub.encode(w, v);
    reader r(w.bytes());
    consumer_protocol_subscription back;
    ASSERT_TRUE(back.decode(r, v));
    EXPECT_TRUE(r.empty());
    writer w2;
    back.encode(w2, v);
    EXPECT_EQ(std::vector<std::byte>(w.bytes().begin(), w.bytes().end()),
              std::vector<std::byte>(w2.bytes().begin(), w2.bytes().end()));

    const auto asg = samples::consumer_protocol_assignment_sample();
    writer w3;
    asg.encode(w3, v);
    reader r3(w3.bytes());
    consumer_protocol_assignment back3;
    ASSERT_TRUE(back3.decode(r3, v));
    EXPECT_TRUE(r3.empty());
    EXPECT_EQ(back3.assigned_partitions.size(), 2u);
  }
}

}  // namespace
}  // namespace ringtail::codec

namespace ringtail::codec {
namespace {

// Refreshes the fuzz seed corpus (tests/fuzz/corpus/request/) when
// RINGTAIL_FUZZ_SEEDS_WRITE=1: one frame (header + body, no size prefix) per API at its
// lowest and highest version, plus the captured client frames.
TEST(messages_fuzz_seeds, write_when_asked) {
  if (std::getenv("RINGTAIL_FUZZ_SEEDS_WRITE") == nullptr) GTEST_SKIP() << "set RINGTAIL_FUZZ_SEEDS_WRITE=1";
  namespace fs = std::filesystem;
  const fs::path tests_dir = fs::path(__FILE__).parent_path().parent_path();
  const fs::path out = tests_dir / "fuzz" / "corpus" / "request";
  fs::create_directories(out);
  auto write = [](const fs::path& p, bytes_view b) {
    std::ofstream f(p, std::ios::binary);
    f.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
  };
  for (const auto& a : supported_apis()) {
    for (int16_t v : {a.min_version, a.max_version}) {
      request_header h;
      h.request_api_key = static_cast<int16_t>(a.key);
      h.request_api_version = v;
      h.correlation_id = 1;
      h.client_id = "seed";
      writer w;
      encode_request_header(w, h);
      encode_body(w, samples::request(h.request_api_key, v), v);
      write(out / (std::string(a.name) + "_v" + std::to_string(v) + ".bin"), w.bytes());
    }
  }
  for (const char* name : {"kcat_api_versions_v3.bin", "kafka_python_api_versions_v0.bin",
                           "kafka_python_metadata_v0.bin"}) {
    std::ifstream in(tests_dir / "codec" / "corpus" / name, std::ios::binary);
    std::vector<char> c((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    ASSERT_GT(c.size(), 4u);
    write(out / name, bytes_view(reinterpret_cast<const std::byte*>(c.data()) + 4, c.size() - 4));
  }
}

}  // namespace
}  // namespace ringtail::codec

namespace ringtail::codec {
namespace {

template <typename T>
void expect_round_trip(const T& m, int16_t version) {
  writer w;
  m.encode(w, version);
  reader r(w.bytes());
  T back;
  ASSERT_TRUE(back.decode(r, version)) << r.error_field();
  EXPECT_TRUE(r.empty());
  writer w2;
  back.encode(w2, version);
  EXPECT_TRUE(std::equal(w.bytes().begin(), w.bytes().end(), w2.bytes().begin(), w2.bytes().end()));
  for (size_t n = 0; n < w.size(); ++n) {
    std::vector<std::byte> prefix(w.bytes().begin(), w.bytes().begin() + static_cast<ptrdiff_t>(n));
    reader pr(prefix);
    T t;
    EXPECT_FALSE(t.decode(pr, version)) << n;
  }
}

TEST(messages_embedded, consumer_offsets_records_round_trip) {
  for (int16_t v = 0; v <= 1; ++v) expect_round_trip(samples::offset_commit_key_sample(), v);
  for (int16_t v = 0; v <= 4; ++v) expect_round_trip(samples::offset_commit_value_sample(), v);
  expect_round_trip(samples::group_metadata_key_sample(), 2);
  for (int16_t v = 0; v <= 4; ++v) expect_round_trip(samples::group_metadata_value_sample(), v);
}

}  // namespace
}  // namespace ringtail::codec
