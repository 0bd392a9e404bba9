// Request/response headers: version choice per API and the ApiVersions special cases.
#include <gtest/gtest.h>

#include <vector>

#include "messages_test_bytes.h"
#include "ringtail/codec/api.h"
#include "ringtail/codec/error_code.h"
#include "ringtail/codec/headers.h"

namespace ringtail::codec {
namespace {

using test::bytes_builder;

TEST(headers, version_rules) {
  EXPECT_EQ(request_header_version(0, 7), 1);    // Produce v7: not flexible
  EXPECT_EQ(request_header_version(0, 9), 2);    // Produce v9: flexible (beyond our range)
  EXPECT_EQ(request_header_version(18, 3), 2);   // ApiVersions v3
  EXPECT_EQ(request_header_version(18, 4), 2);   // unknown-high ApiVersions still v2
  EXPECT_EQ(request_header_version(7, 0), 0);    // ControlledShutdown v0
  EXPECT_EQ(request_header_version(17, 1), 1);   // SaslHandshake never flexible
  EXPECT_EQ(request_header_version(999, 0), 1);  // unknown key
  EXPECT_EQ(response_header_version(18, 3), 0);  // ApiVersions: always v0
  EXPECT_EQ(response_header_version(1, 12), 1);
  EXPECT_EQ(response_header_version(1, 11), 0);
  EXPECT_EQ(response_header_version(60, 0), 1);  // DescribeCluster flexible from v0
}

TEST(headers, api_versions_v3_header_keeps_int16_client_id) {
  bytes_builder b;
  b.i16(18).i16(3).i32(1).str("rdkafka").no_tags();
  reader r(b.b);
  auto h = decode_request_header(r);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->request_api_key, 18);
  EXPECT_EQ(h->request_api_version, 3);
  EXPECT_EQ(h->correlation_id, 1);
  EXPECT_EQ(h->client_id, "rdkafka");
  EXPECT_TRUE(r.empty());
  writer w;
  encode_request_header(w, *h);
  EXPECT_EQ(std::vector<std::byte>(w.bytes().begin(), w.bytes().end()), b.b);
}

TEST(headers, null_client_id_reads_as_empty) {
  bytes_builder b;
  b.i16(3).i16(0).i32(7).null_str();
  reader r(b.b);
  auto h = decode_request_header(r);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->client_id, "");
  EXPECT_TRUE(r.empty());
}

TEST(headers, response_header_v0_v1) {
  response_header h{42, {}};
  writer w0;
  h.encode(w0, 0);
  bytes_builder e0;
  e0.i32(42);
  EXPECT_EQ(std::vector<std::byte>(w0.bytes().begin(), w0.bytes().end()), e0.b);
  writer w1;
  h.encode(w1, 1);
  bytes_builder e1;
  e1.i32(42).no_tags();
  EXPECT_EQ(std::vector<std::byte>(w1.bytes().begin(), w1.bytes().end()), e1.b);
  reader r(e1.b);
  response_header back;
  ASSERT_TRUE(back.decode(r, 1));
  EXPECT_EQ(back.correlation_id, 42);
}

TEST(headers, truncated_headers_are_errors) {
  bytes_builder b;
  b.i16(18).i16(3).i32(1).str("rdkafka").no_tags();
  for (size_t n = 0; n < b.b.size(); ++n) {
    std::vector<std::byte> prefix(b.b.begin(), b.b.begin() + static_cast<ptrdiff_t>(n));
    reader r(prefix);
    EXPECT_FALSE(decode_request_header(r)) << n;
  }
}

TEST(api_table, recommended_ranges) {
  const auto* produce = find_api(api_key::produce);
  ASSERT_NE(produce, nullptr);
  EXPECT_EQ(produce->min_version, 0);
  EXPECT_EQ(produce->max_version, 7);
  EXPECT_TRUE(is_supported(1, 12));
  EXPECT_FALSE(is_supported(1, 13));
  EXPECT_TRUE(is_supported(60, 1));
  EXPECT_FALSE(is_supported(23, 0));
  EXPECT_EQ(supported_apis().size(), 39u);
  for (const auto& a : supported_apis()) EXPECT_EQ(a.min_version, 0) << a.name;
  EXPECT_EQ(to_string(api_key::api_versions), "ApiVersions");
}

TEST(error_codes, names_and_values) {
  EXPECT_EQ(value(error_code::unsupported_version), 35);
  EXPECT_EQ(to_string(error_code::unsupported_version), "UNSUPPORTED_VERSION");
  EXPECT_EQ(to_string(error_code::unknown_server_error), "UNKNOWN_SERVER_ERROR");
  EXPECT_EQ(value(error_code::member_id_required), 79);
  EXPECT_EQ(to_string(static_cast<error_code>(9999)), "UNKNOWN_ERROR_CODE");
}

}  // namespace
}  // namespace ringtail::codec
