// Golden byte vectors: messages at their lowest, a middle and their highest supported
// version, with the expected bytes built by an independent byte builder from the
// protocol's field layout (codec/schema/*.schema, Kafka's message definitions).
#include <gtest/gtest.h>

#include <vector>

#include "messages_test_bytes.h"
#include "ringtail/codec/messages.h"

namespace ringtail::codec {
namespace {

using test::bytes_builder;

std::vector<std::byte> as_vector(bytes_view b) { return {b.begin(), b.end()}; }

bytes_view view(std::string_view s) {
  return bytes_view(reinterpret_cast<const std::byte*>(s.data()), s.size());
}

// encode(msg) == expected, decode(expected) consumes it all and re-encodes to it.
template <typename T>
T expect_golden(const T& msg, int16_t version, const bytes_builder& expected) {
  writer w;
  msg.encode(w, version);
  EXPECT_EQ(as_vector(w.bytes()), expected.b) << "encode v" << version;
  reader r(expected.b);
  T back;
  auto ok = back.decode(r, version);
  EXPECT_TRUE(ok) << "decode v" << version << " failed at " << r.error_field();
  EXPECT_EQ(r.remaining(), 0u);
  writer w2;
  back.encode(w2, version);
  EXPECT_EQ(as_vector(w2.bytes()), expected.b) << "re-encode v" << version;
  return back;
}

constexpr std::string_view records_blob = "RECORDS!";

produce_request make_produce() {
  produce_request m;
  m.transactional_id = "txn";
  m.acks = -1;
  m.timeout_ms = 30000;
  m.topic_data.resize(1);
  m.topic_data[0].name = "t";
  m.topic_data[0].partition_data.resize(1);
  m.topic_data[0].partition_data[0].index = 2;
  m.topic_data[0].partition_data[0].records = view(records_blob);
  return m;
}

TEST(messages_golden, produce_request_v0_v3_v7) {
  const auto m = make_produce();
  auto body = [](bytes_builder& b) {
    b.i16(-1).i32(30000).arr(1).str("t").arr(1).i32(2).bytes(records_blob);
  };
  bytes_builder v0;
  body(v0);
  auto back = expect_golden(m, 0, v0);
  EXPECT_FALSE(back.transactional_id.has_value()) << "absent in v0: schema default null";
  bytes_builder v3;
  v3.str("txn");
  body(v3);
  back = expect_golden(m, 3, v3);
  ASSERT_TRUE(back.topic_data[0].partition_data[0].records.has_value());
  EXPECT_EQ(back.topic_data[0].partition_data[0].records->size(), records_blob.size());
  expect_golden(m, 7, v3);  // v4-v7 change semantics only
}

TEST(messages_golden, produce_request_null_records_and_null_transactional_id) {
  auto m = make_produce();
  m.transactional_id.reset();
  m.topic_data[0].partition_data[0].records.reset();
  bytes_builder v7;
  v7.null_str().i16(-1).i32(30000).arr(1).str("t").arr(1).i32(2).i32(-1);
  expect_golden(m, 7, v7);
}

TEST(messages_golden, produce_response_v0_v2_v7) {
  produce_response m;
  m.responses.resize(1);
  m.responses[0].name = "t";
  m.responses[0].partition_responses.resize(1);
  auto& p = m.responses[0].partition_responses[0];
  p.index = 1;
  p.error_code = 0;
  p.base_offset = 42;
  p.log_append_time_ms = 1700000000000;
  p.log_start_offset = 5;
  m.throttle_time_ms = 7;
  bytes_builder v0;
  v0.arr(1).str("t").arr(1).i32(1).i16(0).i64(42);
  auto back = expect_golden(m, 0, v0);
  EXPECT_EQ(back.responses[0].partition_responses[0].log_append_time_ms, -1);
  bytes_builder v2;
  v2.arr(1).str("t").arr(1).i32(1).i16(0).i64(42).i64(1700000000000).i32(7);
  expect_golden(m, 2, v2);
  bytes_builder v7;
  v7.arr(1).str("t").arr(1).i32(1).i16(0).i64(42).i64(1700000000000).i64(5).i32(7);
  expect_golden(m, 7, v7);
}

TEST(messages_golden, fetch_request_v0_v4_v12) {
  fetch_request m;
  m.replica_id = -1;
  m.max_wait_ms = 500;
  m.min_bytes = 1;
  m.max_bytes = 52428800;
  m.isolation_level = 1;
  m.session_id = 0;
  m.session_epoch = -1;
  m.topics.resize(1);
  m.topics[0].topic = "t";
  m.topics[0].partitions.resize(1);
  auto& p = m.topics[0].partitions[0];
  p.partition = 0;
  p.current_leader_epoch = 3;
  p.fetch_offset = 100;
  p.last_fetched_epoch = 2;
  p.log_start_offset = -1;
  p.partition_max_bytes = 1048576;
  m.rack_id = "r1";
  m.cluster_id = "c";  // tagged field 0, v12+
  bytes_builder v0;
  v0.i32(-1).i32(500).i32(1).arr(1).str("t").arr(1).i32(0).i64(100).i32(1048576);
  auto back = expect_golden(m, 0, v0);
  EXPECT_EQ(back.max_bytes, 0x7fffffff) << "schema default for absent max_bytes";
  bytes_builder v4;
  v4.i32(-1).i32(500).i32(1).i32(52428800).i8(1).arr(1).str("t").arr(1).i32(0).i64(100).i32(1048576);
  expect_golden(m, 4, v4);
  bytes_builder v12;
  v12.i32(-1).i32(500).i32(1).i32(52428800).i8(1).i32(0).i32(-1);
  v12.carr(1).cstr("t").carr(1).i32(0).i32(3).i64(100).i32(2).i64(-1).i32(1048576).no_tags().no_tags();
  v12.carr(0).cstr("r1");
  v12.uvarint(1).uvarint(0).uvarint(2).cstr("c");  // one tagged field: tag 0, size 2, "c"
  back = expect_golden(m, 12, v12);
  ASSERT_TRUE(back.cluster_id.has_value());
  EXPECT_EQ(*back.cluster_id, "c");
}

TEST(messages_golden, fetch_response_v12_tagged_struct_fields) {
  fetch_response m;
  m.throttle_time_ms = 0;
  m.error_code = 0;
  m.session_id = 0;
  m.responses.resize(1);
  m.responses[0].topic = "t";
  m.responses[0].partitions.resize(1);
  auto& p = m.responses[0].partitions[0];
  p.partition_index = 0;
  p.high_watermark = 10;
  p.last_stable_offset = 10;
  p.log_start_offset = 0;
  p.current_leader.leader_id = 1;  // tag 1; diverging_epoch (0) and snapshot_id (2) stay default
  p.current_leader.leader_epoch = 4;
  p.aborted_transactions.emplace();
  p.preferred_read_replica = -1;
  p.records = view(records_blob);
  bytes_builder v12;
  v12.i32(0).i16(0).i32(0).carr(1).cstr("t").carr(1);
  v12.i32(0).i16(0).i64(10).i64(10).i64(0).carr(0).i32(-1).cbytes(records_blob);
  v12.uvarint(1).uvarint(1).uvarint(9).i32(1).i32(4).no_tags();  // tag 1: leader_id_and_epoch
  v12.no_tags().no_tags();
  auto back = expect_golden(m, 12, v12);
  EXPECT_EQ(back.responses[0].partitions[0].current_leader.leader_epoch, 4);
  EXPECT_EQ(back.responses[0].partitions[0].diverging_epoch.epoch, -1);

  bytes_builder v4;  // aborted_transactions (nullable) from v4, no tagged fields
  v4.i32(0).arr(1).str("t").arr(1).i32(0).i16(0).i64(10).i64(10).arr(0).bytes(records_blob);
  expect_golden(m, 4, v4);
}

TEST(messages_golden, metadata_request_v0_v4_v9) {
  metadata_request m;
  m.topics.emplace();
  m.topics->resize(1);
  (*m.topics)[0].name = "t";
  m.allow_auto_topic_creation = false;
  m.include_topic_authorized_operations = true;
  bytes_builder v0;
  v0.arr(1).str("t");
  expect_golden(m, 0, v0);
  bytes_builder v4;
  v4.arr(1).str("t").i8(0);
  expect_golden(m, 4, v4);
  bytes_builder v9;
  v9.carr(1).cstr("t").no_tags().i8(0).i8(0).i8(1).no_tags();
  expect_golden(m, 9, v9);

  // v1+: a null topic array means "all topics"; v0 cannot carry null.
  metadata_request all;
  bytes_builder v1_all;
  v1_all.i32(-1);
  auto back = expect_golden(all, 1, v1_all);
  EXPECT_FALSE(back.topics.has_value());
  reader r(v1_all.b);
  metadata_request bad;
  auto e = bad.decode(r, 0);
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error(), errc::negative_length);
  EXPECT_STREQ(r.error_field(), "topics");
}

TEST(messages_golden, metadata_response_v0_v9) {
  metadata_response m;
  m.throttle_time_ms = 0;
  m.brokers.resize(1);
  m.brokers[0].node_id = 1;
  m.brokers[0].host = "h";
  m.brokers[0].port = 9092;
  m.cluster_id = "cid";
  m.controller_id = 1;
  m.topics.resize(1);
  m.topics[0].name = "t";
  m.topics[0].partitions.resize(1);
  auto& p = m.topics[0].partitions[0];
  p.leader_id = 1;
  p.leader_epoch = 0;
  p.replica_nodes = {1};
  p.isr_nodes = {1};
  m.topics[0].topic_authorized_operations = -2147483648;
  bytes_builder v0;
  v0.arr(1).i32(1).str("h").i32(9092);
  v0.arr(1).i16(0).str("t").arr(1).i16(0).i32(0).i32(1).arr(1).i32(1).arr(1).i32(1);
  expect_golden(m, 0, v0);
  bytes_builder v9;
  v9.i32(0).carr(1).i32(1).cstr("h").i32(9092).null_cstr().no_tags();
  v9.cstr("cid").i32(1);
  v9.carr(1).i16(0).cstr("t").i8(0).carr(1);
  v9.i16(0).i32(0).i32(1).i32(0).carr(1).i32(1).carr(1).i32(1).carr(0).no_tags();
  v9.i32(-2147483648).no_tags();
  v9.i32(-2147483648).no_tags();
  expect_golden(m, 9, v9);
}

TEST(messages_golden, api_versions_v0_v3) {
  api_versions_request req;
  req.client_software_name = "librdkafka";
  req.client_software_version = "2.0.2";
  bytes_builder r0;  // v0-v2: empty body
  expect_golden(req, 0, r0);
  bytes_builder r3;
  r3.cstr("librdkafka").cstr("2.0.2").no_tags();
  expect_golden(req, 3, r3);

  api_versions_response resp;
  resp.error_code = 0;
  resp.api_keys.resize(1);
  resp.api_keys[0].api_key = 18;
  resp.api_keys[0].min_version = 0;
  resp.api_keys[0].max_version = 3;
  resp.throttle_time_ms = 0;
  bytes_builder s0;
  s0.i16(0).arr(1).i16(18).i16(0).i16(3);
  expect_golden(resp, 0, s0);
  bytes_builder s1;
  s1.i16(0).arr(1).i16(18).i16(0).i16(3).i32(0);
  expect_golden(resp, 1, s1);
  resp.zk_migration_ready = true;  // tag 3
  bytes_builder s3;
  s3.i16(0).carr(1).i16(18).i16(0).i16(3).no_tags().i32(0);
  s3.uvarint(1).uvarint(3).uvarint(1).u8(1);
  expect_golden(resp, 3, s3);
}

TEST(messages_golden, find_coordinator_v0_v2_v4) {
  find_coordinator_request req;
  req.key = "g";
  req.key_type = 0;
  req.coordinator_keys = {"g"};
  bytes_builder q0;
  q0.str("g");
  expect_golden(req, 0, q0);
  bytes_builder q2;
  q2.str("g").i8(0);
  expect_golden(req, 2, q2);
  bytes_builder q4;
  q4.i8(0).carr(1).cstr("g").no_tags();
  expect_golden(req, 4, q4);

  find_coordinator_response resp;
  resp.node_id = 1;
  resp.host = "h";
  resp.port = 9092;
  resp.coordinators.resize(1);
  resp.coordinators[0].key = "g";
  resp.coordinators[0].node_id = 1;
  resp.coordinators[0].host = "h";
  resp.coordinators[0].port = 9092;
  bytes_builder s0;
  s0.i16(0).i32(1).str("h").i32(9092);
  expect_golden(resp, 0, s0);
  bytes_builder s2;
  s2.i32(0).i16(0).null_str().i32(1).str("h").i32(9092);
  expect_golden(resp, 2, s2);
  bytes_builder s4;
  s4.i32(0).carr(1).cstr("g").i32(1).cstr("h").i32(9092).i16(0).null_cstr().no_tags().no_tags();
  expect_golden(resp, 4, s4);
}

TEST(messages_golden, heartbeat_v0_v2_v4) {
  heartbeat_request m;
  m.group_id = "g";
  m.generation_id = 3;
  m.member_id = "m";
  m.group_instance_id = "i";
  bytes_builder v0;
  v0.str("g").i32(3).str("m");
  expect_golden(m, 0, v0);
  expect_golden(m, 2, v0);
  bytes_builder v4;
  v4.cstr("g").i32(3).cstr("m").cstr("i").no_tags();
  expect_golden(m, 4, v4);
  heartbeat_response r;
  r.throttle_time_ms = 9;
  r.error_code = 27;
  bytes_builder s0;
  s0.i16(27);
  expect_golden(r, 0, s0);
  bytes_builder s4;
  s4.i32(9).i16(27).no_tags();
  expect_golden(r, 4, s4);
}

TEST(messages_golden, init_producer_id_v0_v2_v3) {
  init_producer_id_request m;
  m.transactional_id.reset();
  m.transaction_timeout_ms = 60000;
  m.producer_id = 0;  // @platformatic sends 0/0 (CLIENT_VERSIONS quirk 18)
  m.producer_epoch = 0;
  bytes_builder v0;
  v0.null_str().i32(60000);
  auto back = expect_golden(m, 0, v0);
  EXPECT_EQ(back.producer_id, -1);
  bytes_builder v2;
  v2.null_cstr().i32(60000).no_tags();
  expect_golden(m, 2, v2);
  bytes_builder v3;
  v3.null_cstr().i32(60000).i64(0).i16(0).no_tags();
  expect_golden(m, 3, v3);
}

TEST(messages_golden, unknown_tagged_fields_are_kept_and_rewritten) {
  // Heartbeat v4 with an unknown tag 7 (3 bytes) in the top-level tagged section.
  bytes_builder in;
  in.cstr("g").i32(1).cstr("m").null_cstr().uvarint(1).uvarint(7).uvarint(3).raw({0xaa, 0xbb, 0xcc});
  reader r(in.b);
  heartbeat_request m;
  ASSERT_TRUE(m.decode(r, 4));
  ASSERT_EQ(m.unknown_tags.size(), 1u);
  EXPECT_EQ(m.unknown_tags[0].tag, 7u);
  EXPECT_EQ(m.unknown_tags[0].data.size(), 3u);
  writer w;
  m.encode(w, 4);
  EXPECT_EQ(as_vector(w.bytes()), in.b);
}

TEST(messages_golden, oversized_array_count_is_rejected_before_allocating) {
  // Produce v0 claiming 2^31-1 topics in a 10-byte body.
  bytes_builder in;
  in.i16(1).i32(1000).i32(0x7fffffff);
  reader r(in.b);
  produce_request m;
  auto e = m.decode(r, 0);
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error(), errc::length_too_large);
  EXPECT_STREQ(r.error_field(), "topic_data");
}

TEST(messages_golden, string_longer_than_remaining_is_truncated) {
  bytes_builder in;
  in.i16(1).i32(1000).i32(1).i16(50).raw("abc");
  reader r(in.b);
  produce_request m;
  auto e = m.decode(r, 0);
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error(), errc::truncated);
  EXPECT_STREQ(r.error_field(), "name");
}

}  // namespace
}  // namespace ringtail::codec
