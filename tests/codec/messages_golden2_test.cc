// Golden byte vectors, part 2: every supported API not covered (or only partly covered)
// by messages_golden_test.cc, request and response, at the lowest, a middle and the
// highest version Ringtail supports (codec/include/ringtail/codec/api.h). The expected
// bytes come from the independent test::bytes_builder, laid out field by field from
// Kafka 3.9's message definitions (field order, version ranges, nullability, tags;
// flexible versions use compact lengths and end every struct with a tagged-field
// section). Each case checks encode(struct) == golden, decode(golden) consumes all bytes
// and re-encodes to the same bytes, and spot-checks decoded fields, including the schema
// defaults of fields absent at that version.
#include <gtest/gtest.h>

#include <algorithm>
#include <climits>
#include <iterator>
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

std::string_view str_of(bytes_view b) {
  return std::string_view(reinterpret_cast<const char*>(b.data()), b.size());
}

template <typename T>
T expect_golden(const T& msg, int16_t version, const bytes_builder& expected) {
  writer w;
  msg.encode(w, version);
  EXPECT_EQ(as_vector(w.bytes()), expected.b) << "encode v" << version;
  reader r(expected.b);
  T back;
  auto ok = back.decode(r, version);
  EXPECT_TRUE(ok) << "decode v" << version << " failed at " << r.error_field();
  EXPECT_EQ(r.remaining(), 0u) << "decode v" << version;
  writer w2;
  back.encode(w2, version);
  EXPECT_EQ(as_vector(w2.bytes()), expected.b) << "re-encode v" << version;
  return back;
}

constexpr unsigned char uuid_bytes[16] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
                                          0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff};
uuid test_uuid() {
  uuid u;
  for (size_t i = 0; i < 16; ++i) u.bytes[i] = static_cast<std::byte>(uuid_bytes[i]);
  return u;
}

constexpr std::string_view records_blob = "RECORDS!";

// ---------------------------------------------------------------- ListOffsets 0-5

TEST(messages_golden2, list_offsets_request_v0_v2_v5) {
  list_offsets_request m;
  m.replica_id = -1;
  m.isolation_level = 1;
  m.topics.resize(1);
  m.topics[0].name = "t";
  m.topics[0].partitions.resize(1);
  auto& p = m.topics[0].partitions[0];
  p.partition_index = 3;
  p.current_leader_epoch = 5;
  p.timestamp = -1;
  p.max_num_offsets = 2;
  bytes_builder v0;
  v0.i32(-1).arr(1).str("t").arr(1).i32(3).i64(-1).i32(2);
  auto back = expect_golden(m, 0, v0);
  EXPECT_EQ(back.isolation_level, 0);
  EXPECT_EQ(back.topics[0].partitions[0].current_leader_epoch, -1);
  bytes_builder v2;
  v2.i32(-1).i8(1).arr(1).str("t").arr(1).i32(3).i64(-1);
  back = expect_golden(m, 2, v2);
  EXPECT_EQ(back.topics[0].partitions[0].max_num_offsets, 1);
  bytes_builder v5;
  v5.i32(-1).i8(1).arr(1).str("t").arr(1).i32(3).i32(5).i64(-1);
  back = expect_golden(m, 5, v5);
  EXPECT_EQ(back.topics[0].partitions[0].current_leader_epoch, 5);
}

TEST(messages_golden2, list_offsets_response_v0_v2_v5) {
  list_offsets_response m;
  m.throttle_time_ms = 5;
  m.topics.resize(1);
  m.topics[0].name = "t";
  m.topics[0].partitions.resize(1);
  auto& p = m.topics[0].partitions[0];
  p.partition_index = 3;
  p.error_code = 0;
  p.old_style_offsets = {42};
  p.timestamp = -1;
  p.offset = 42;
  p.leader_epoch = 7;
  bytes_builder v0;
  v0.arr(1).str("t").arr(1).i32(3).i16(0).arr(1).i64(42);
  auto back = expect_golden(m, 0, v0);
  EXPECT_EQ(back.topics[0].partitions[0].offset, -1);
  EXPECT_EQ(back.topics[0].partitions[0].old_style_offsets, std::vector<int64_t>{42});
  bytes_builder v2;
  v2.i32(5).arr(1).str("t").arr(1).i32(3).i16(0).i64(-1).i64(42);
  back = expect_golden(m, 2, v2);
  EXPECT_TRUE(back.topics[0].partitions[0].old_style_offsets.empty());
  bytes_builder v5;
  v5.i32(5).arr(1).str("t").arr(1).i32(3).i16(0).i64(-1).i64(42).i32(7);
  back = expect_golden(m, 5, v5);
  EXPECT_EQ(back.topics[0].partitions[0].leader_epoch, 7);
}

// ---------------------------------------------------------------- OffsetCommit 0-8

TEST(messages_golden2, offset_commit_request_v0_v7_v8) {
  offset_commit_request m;
  m.group_id = "g";
  m.generation_id_or_member_epoch = 4;
  m.member_id = "m";
  m.group_instance_id = "i";
  m.topics.resize(1);
  m.topics[0].name = "t";
  m.topics[0].partitions.resize(1);
  auto& p = m.topics[0].partitions[0];
  p.partition_index = 0;
  p.committed_offset = 100;
  p.committed_leader_epoch = 2;
  p.committed_metadata = "md";
  bytes_builder v0;
  v0.str("g").arr(1).str("t").arr(1).i32(0).i64(100).str("md");
  auto back = expect_golden(m, 0, v0);
  EXPECT_EQ(back.generation_id_or_member_epoch, -1);
  EXPECT_FALSE(back.group_instance_id.has_value());
  bytes_builder v7;
  v7.str("g").i32(4).str("m").str("i").arr(1).str("t").arr(1).i32(0).i64(100).i32(2).str("md");
  back = expect_golden(m, 7, v7);
  EXPECT_EQ(back.group_instance_id, std::optional<std::string_view>("i"));
  bytes_builder v8;
  v8.cstr("g").i32(4).cstr("m").cstr("i").carr(1).cstr("t").carr(1);
  v8.i32(0).i64(100).i32(2).cstr("md").no_tags().no_tags().no_tags();
  back = expect_golden(m, 8, v8);
  EXPECT_EQ(back.topics[0].partitions[0].committed_metadata, std::optional<std::string_view>("md"));
}

TEST(messages_golden2, offset_commit_response_v0_v7_v8) {
  offset_commit_response m;
  m.throttle_time_ms = 3;
  m.topics.resize(1);
  m.topics[0].name = "t";
  m.topics[0].partitions.resize(1);
  m.topics[0].partitions[0].partition_index = 1;
  m.topics[0].partitions[0].error_code = 25;
  bytes_builder v0;
  v0.arr(1).str("t").arr(1).i32(1).i16(25);
  auto back = expect_golden(m, 0, v0);
  EXPECT_EQ(back.throttle_time_ms, 0);
  bytes_builder v7;
  v7.i32(3).arr(1).str("t").arr(1).i32(1).i16(25);
  expect_golden(m, 7, v7);
  bytes_builder v8;
  v8.i32(3).carr(1).cstr("t").carr(1).i32(1).i16(25).no_tags().no_tags().no_tags();
  back = expect_golden(m, 8, v8);
  EXPECT_EQ(back.topics[0].partitions[0].error_code, 25);
}

// ---------------------------------------------------------------- OffsetFetch 0-8

TEST(messages_golden2, offset_fetch_request_v0_v5_v8) {
  offset_fetch_request m;
  m.group_id = "g";
  m.topics.emplace(1);
  (*m.topics)[0].name = "t";
  (*m.topics)[0].partition_indexes = {0, 1};
  m.groups.resize(1);
  m.groups[0].group_id = "g";
  m.groups[0].topics.emplace(1);
  (*m.groups[0].topics)[0].name = "t";
  (*m.groups[0].topics)[0].partition_indexes = {0, 1};
  m.require_stable = true;
  bytes_builder v0;
  v0.str("g").arr(1).str("t").arr(2).i32(0).i32(1);
  auto back = expect_golden(m, 0, v0);
  EXPECT_FALSE(back.require_stable);
  EXPECT_TRUE(back.groups.empty());
  expect_golden(m, 5, v0);  // v1-v5 change semantics only
  bytes_builder v8;
  v8.carr(1).cstr("g").carr(1).cstr("t").carr(2).i32(0).i32(1).no_tags().no_tags();
  v8.i8(1).no_tags();
  back = expect_golden(m, 8, v8);
  EXPECT_TRUE(back.require_stable);
  ASSERT_TRUE(back.groups[0].topics.has_value());
  EXPECT_EQ((*back.groups[0].topics)[0].partition_indexes, (std::vector<int32_t>{0, 1}));

  // v2+: null topics = all committed offsets of the group.
  offset_fetch_request all;
  all.group_id = "g";
  all.groups.resize(1);
  all.groups[0].group_id = "g";
  bytes_builder v5_all;
  v5_all.str("g").i32(-1);
  back = expect_golden(all, 5, v5_all);
  EXPECT_FALSE(back.topics.has_value());
  bytes_builder v8_all;
  v8_all.carr(1).cstr("g").null_cstr().no_tags().i8(0).no_tags();
  back = expect_golden(all, 8, v8_all);
  EXPECT_FALSE(back.groups[0].topics.has_value());
}

TEST(messages_golden2, offset_fetch_response_v0_v5_v8) {
  offset_fetch_response m;
  m.throttle_time_ms = 3;
  m.topics.resize(1);
  m.topics[0].name = "t";
  m.topics[0].partitions.resize(1);
  auto& p = m.topics[0].partitions[0];
  p.partition_index = 0;
  p.committed_offset = 100;
  p.committed_leader_epoch = 2;
  p.metadata = "md";
  p.error_code = 0;
  m.error_code = 0;
  m.groups.resize(1);
  m.groups[0].group_id = "g";
  m.groups[0].topics.resize(1);
  m.groups[0].topics[0].name = "t";
  m.groups[0].topics[0].partitions.resize(1);
  auto& q = m.groups[0].topics[0].partitions[0];
  q.partition_index = 0;
  q.committed_offset = 100;
  q.committed_leader_epoch = 2;
  q.metadata.reset();
  q.error_code = 0;
  m.groups[0].error_code = 0;
  bytes_builder v0;
  v0.arr(1).str("t").arr(1).i32(0).i64(100).str("md").i16(0);
  auto back = expect_golden(m, 0, v0);
  EXPECT_EQ(back.topics[0].partitions[0].committed_leader_epoch, -1);
  bytes_builder v5;
  v5.i32(3).arr(1).str("t").arr(1).i32(0).i64(100).i32(2).str("md").i16(0).i16(0);
  back = expect_golden(m, 5, v5);
  EXPECT_EQ(back.topics[0].partitions[0].metadata, std::optional<std::string_view>("md"));
  bytes_builder v8;
  v8.i32(3).carr(1).cstr("g").carr(1).cstr("t").carr(1);
  v8.i32(0).i64(100).i32(2).null_cstr().i16(0).no_tags().no_tags();
  v8.i16(0).no_tags().no_tags();
  back = expect_golden(m, 8, v8);
  EXPECT_FALSE(back.groups[0].topics[0].partitions[0].metadata.has_value());
  EXPECT_TRUE(back.topics.empty());
}

// ---------------------------------------------------------------- JoinGroup 0-6

TEST(messages_golden2, join_group_request_v0_v5_v6) {
  join_group_request m;
  m.group_id = "g";
  m.session_timeout_ms = 10000;
  m.rebalance_timeout_ms = 30000;
  m.member_id = "";
  m.group_instance_id = "i";
  m.protocol_type = "consumer";
  m.protocols.resize(1);
  m.protocols[0].name = "range";
  m.protocols[0].metadata = view("MD");
  bytes_builder v0;
  v0.str("g").i32(10000).str("").str("consumer").arr(1).str("range").bytes("MD");
  auto back = expect_golden(m, 0, v0);
  EXPECT_EQ(back.rebalance_timeout_ms, -1);
  EXPECT_FALSE(back.group_instance_id.has_value());
  bytes_builder v5;
  v5.str("g").i32(10000).i32(30000).str("").str("i").str("consumer").arr(1).str("range").bytes("MD");
  back = expect_golden(m, 5, v5);
  EXPECT_EQ(str_of(back.protocols[0].metadata), "MD");
  bytes_builder v6;
  v6.cstr("g").i32(10000).i32(30000).cstr("").cstr("i").cstr("consumer");
  v6.carr(1).cstr("range").cbytes("MD").no_tags().no_tags();
  back = expect_golden(m, 6, v6);
  EXPECT_EQ(back.group_instance_id, std::optional<std::string_view>("i"));
}

TEST(messages_golden2, join_group_response_v0_v5_v6) {
  join_group_response m;
  m.throttle_time_ms = 1;
  m.error_code = 0;
  m.generation_id = 2;
  m.protocol_name = "range";
  m.leader = "m";
  m.member_id = "m";
  m.members.resize(1);
  m.members[0].member_id = "m";
  m.members[0].group_instance_id = "i";
  m.members[0].metadata = view("MD");
  bytes_builder v0;
  v0.i16(0).i32(2).str("range").str("m").str("m").arr(1).str("m").bytes("MD");
  auto back = expect_golden(m, 0, v0);
  EXPECT_EQ(back.throttle_time_ms, 0);
  EXPECT_FALSE(back.members[0].group_instance_id.has_value());
  bytes_builder v5;
  v5.i32(1).i16(0).i32(2).str("range").str("m").str("m").arr(1).str("m").str("i").bytes("MD");
  expect_golden(m, 5, v5);
  bytes_builder v6;
  v6.i32(1).i16(0).i32(2).cstr("range").cstr("m").cstr("m");
  v6.carr(1).cstr("m").cstr("i").cbytes("MD").no_tags().no_tags();
  back = expect_golden(m, 6, v6);
  EXPECT_EQ(back.generation_id, 2);
  EXPECT_EQ(back.leader, "m");
}

// ---------------------------------------------------------------- LeaveGroup 0-4

TEST(messages_golden2, leave_group_request_v0_v3_v4) {
  leave_group_request m;
  m.group_id = "g";
  m.member_id = "m";
  m.members.resize(1);
  m.members[0].member_id = "m";
  m.members[0].group_instance_id = "i";
  bytes_builder v0;
  v0.str("g").str("m");
  auto back = expect_golden(m, 0, v0);
  EXPECT_TRUE(back.members.empty());
  bytes_builder v3;
  v3.str("g").arr(1).str("m").str("i");
  back = expect_golden(m, 3, v3);
  EXPECT_EQ(back.member_id, "") << "member_id is v0-v2 only";
  bytes_builder v4;
  v4.cstr("g").carr(1).cstr("m").cstr("i").no_tags().no_tags();
  back = expect_golden(m, 4, v4);
  EXPECT_EQ(back.members[0].group_instance_id, std::optional<std::string_view>("i"));
}

TEST(messages_golden2, leave_group_response_v0_v3_v4) {
  leave_group_response m;
  m.throttle_time_ms = 1;
  m.error_code = 0;
  m.members.resize(1);
  m.members[0].member_id = "m";
  m.members[0].group_instance_id.reset();
  m.members[0].error_code = 25;
  bytes_builder v0;
  v0.i16(0);
  expect_golden(m, 0, v0);
  bytes_builder v3;
  v3.i32(1).i16(0).arr(1).str("m").null_str().i16(25);
  expect_golden(m, 3, v3);
  bytes_builder v4;
  v4.i32(1).i16(0).carr(1).cstr("m").null_cstr().i16(25).no_tags().no_tags();
  auto back = expect_golden(m, 4, v4);
  EXPECT_EQ(back.members[0].error_code, 25);
}

// ---------------------------------------------------------------- SyncGroup 0-4

TEST(messages_golden2, sync_group_request_v0_v3_v4) {
  sync_group_request m;
  m.group_id = "g";
  m.generation_id = 2;
  m.member_id = "m";
  m.group_instance_id = "i";
  m.assignments.resize(1);
  m.assignments[0].member_id = "m";
  m.assignments[0].assignment = view("AS");
  bytes_builder v0;
  v0.str("g").i32(2).str("m").arr(1).str("m").bytes("AS");
  auto back = expect_golden(m, 0, v0);
  EXPECT_FALSE(back.group_instance_id.has_value());
  bytes_builder v3;
  v3.str("g").i32(2).str("m").str("i").arr(1).str("m").bytes("AS");
  expect_golden(m, 3, v3);
  bytes_builder v4;
  v4.cstr("g").i32(2).cstr("m").cstr("i").carr(1).cstr("m").cbytes("AS").no_tags().no_tags();
  back = expect_golden(m, 4, v4);
  EXPECT_EQ(str_of(back.assignments[0].assignment), "AS");
}

TEST(messages_golden2, sync_group_response_v0_v3_v4) {
  sync_group_response m;
  m.throttle_time_ms = 1;
  m.error_code = 0;
  m.assignment = view("AS");
  bytes_builder v0;
  v0.i16(0).bytes("AS");
  expect_golden(m, 0, v0);
  bytes_builder v3;
  v3.i32(1).i16(0).bytes("AS");
  expect_golden(m, 3, v3);
  bytes_builder v4;
  v4.i32(1).i16(0).cbytes("AS").no_tags();
  auto back = expect_golden(m, 4, v4);
  EXPECT_EQ(str_of(back.assignment), "AS");
}

// ---------------------------------------------------------------- DescribeGroups 0-5

TEST(messages_golden2, describe_groups_request_v0_v4_v5) {
  describe_groups_request m;
  m.groups = {"g"};
  m.include_authorized_operations = true;
  bytes_builder v0;
  v0.arr(1).str("g");
  auto back = expect_golden(m, 0, v0);
  EXPECT_FALSE(back.include_authorized_operations);
  bytes_builder v4;
  v4.arr(1).str("g").i8(1);
  expect_golden(m, 4, v4);
  bytes_builder v5;
  v5.carr(1).cstr("g").i8(1).no_tags();
  back = expect_golden(m, 5, v5);
  EXPECT_EQ(back.groups, std::vector<std::string_view>{"g"});
}

TEST(messages_golden2, describe_groups_response_v0_v4_v5) {
  describe_groups_response m;
  m.throttle_time_ms = 1;
  m.groups.resize(1);
  auto& g = m.groups[0];
  g.error_code = 0;
  g.group_id = "g";
  g.group_state = "Stable";
  g.protocol_type = "consumer";
  g.protocol_data = "range";
  g.members.resize(1);
  g.members[0].member_id = "m";
  g.members[0].group_instance_id = "i";
  g.members[0].client_id = "c";
  g.members[0].client_host = "h";
  g.members[0].member_metadata = view("MD");
  g.members[0].member_assignment = view("AS");
  g.authorized_operations = 8;
  bytes_builder v0;
  v0.arr(1).i16(0).str("g").str("Stable").str("consumer").str("range");
  v0.arr(1).str("m").str("c").str("h").bytes("MD").bytes("AS");
  auto back = expect_golden(m, 0, v0);
  EXPECT_EQ(back.groups[0].authorized_operations, INT32_MIN);
  bytes_builder v4;
  v4.i32(1).arr(1).i16(0).str("g").str("Stable").str("consumer").str("range");
  v4.arr(1).str("m").str("i").str("c").str("h").bytes("MD").bytes("AS").i32(8);
  expect_golden(m, 4, v4);
  bytes_builder v5;
  v5.i32(1).carr(1).i16(0).cstr("g").cstr("Stable").cstr("consumer").cstr("range");
  v5.carr(1).cstr("m").cstr("i").cstr("c").cstr("h").cbytes("MD").cbytes("AS").no_tags();
  v5.i32(8).no_tags().no_tags();
  back = expect_golden(m, 5, v5);
  EXPECT_EQ(back.groups[0].members[0].client_host, "h");
  EXPECT_EQ(str_of(back.groups[0].members[0].member_assignment), "AS");
}

// ---------------------------------------------------------------- ListGroups 0-4

TEST(messages_golden2, list_groups_request_v0_v2_v3_v4) {
  list_groups_request m;
  m.states_filter = {"Stable"};
  bytes_builder empty;
  auto back = expect_golden(m, 0, empty);
  EXPECT_TRUE(back.states_filter.empty());
  expect_golden(m, 2, empty);
  bytes_builder v3;  // first flexible version: only the tagged-field section
  v3.no_tags();
  expect_golden(m, 3, v3);
  bytes_builder v4;
  v4.carr(1).cstr("Stable").no_tags();
  back = expect_golden(m, 4, v4);
  EXPECT_EQ(back.states_filter, std::vector<std::string_view>{"Stable"});
}

TEST(messages_golden2, list_groups_response_v0_v2_v4) {
  list_groups_response m;
  m.throttle_time_ms = 1;
  m.error_code = 0;
  m.groups.resize(1);
  m.groups[0].group_id = "g";
  m.groups[0].protocol_type = "consumer";
  m.groups[0].group_state = "Stable";
  bytes_builder v0;
  v0.i16(0).arr(1).str("g").str("consumer");
  auto back = expect_golden(m, 0, v0);
  EXPECT_EQ(back.groups[0].group_state, "");
  bytes_builder v2;
  v2.i32(1).i16(0).arr(1).str("g").str("consumer");
  expect_golden(m, 2, v2);
  bytes_builder v3;
  v3.i32(1).i16(0).carr(1).cstr("g").cstr("consumer").no_tags().no_tags();
  expect_golden(m, 3, v3);
  bytes_builder v4;
  v4.i32(1).i16(0).carr(1).cstr("g").cstr("consumer").cstr("Stable").no_tags().no_tags();
  back = expect_golden(m, 4, v4);
  EXPECT_EQ(back.groups[0].group_state, "Stable");
}

// ---------------------------------------------------------------- SaslHandshake 0-1

TEST(messages_golden2, sasl_handshake_v0_v1) {
  sasl_handshake_request m;
  m.mechanism = "PLAIN";
  bytes_builder q;
  q.str("PLAIN");
  expect_golden(m, 0, q);
  auto back = expect_golden(m, 1, q);
  EXPECT_EQ(back.mechanism, "PLAIN");

  sasl_handshake_response r;
  r.error_code = 33;
  r.mechanisms = {"PLAIN", "SCRAM-SHA-256"};
  bytes_builder s;
  s.i16(33).arr(2).str("PLAIN").str("SCRAM-SHA-256");
  expect_golden(r, 0, s);
  auto rb = expect_golden(r, 1, s);
  EXPECT_EQ(rb.mechanisms.size(), 2u);
  EXPECT_EQ(rb.mechanisms[1], "SCRAM-SHA-256");
}

// ---------------------------------------------------------------- CreateTopics 0-7

TEST(messages_golden2, create_topics_request_v0_v4_v7) {
  create_topics_request m;
  m.topics.resize(1);
  auto& t = m.topics[0];
  t.name = "t";
  t.num_partitions = 3;
  t.replication_factor = 1;
  t.assignments.resize(1);
  t.assignments[0].partition_index = 0;
  t.assignments[0].broker_ids = {1, 2};
  t.configs.resize(2);
  t.configs[0].name = "cleanup.policy";
  t.configs[0].value = "compact";
  t.configs[1].name = "retention.ms";
  t.configs[1].value.reset();
  m.timeout_ms = 30000;
  m.validate_only = true;
  auto body = [](bytes_builder& b) {
    b.arr(1).str("t").i32(3).i16(1).arr(1).i32(0).arr(2).i32(1).i32(2);
    b.arr(2).str("cleanup.policy").str("compact").str("retention.ms").null_str().i32(30000);
  };
  bytes_builder v0;
  body(v0);
  auto back = expect_golden(m, 0, v0);
  EXPECT_FALSE(back.validate_only);
  EXPECT_FALSE(back.topics[0].configs[1].value.has_value());
  bytes_builder v4;
  body(v4);
  v4.i8(1);
  expect_golden(m, 4, v4);
  bytes_builder v7;
  v7.carr(1).cstr("t").i32(3).i16(1).carr(1).i32(0).carr(2).i32(1).i32(2).no_tags();
  v7.carr(2).cstr("cleanup.policy").cstr("compact").no_tags().cstr("retention.ms").null_cstr().no_tags();
  v7.no_tags().i32(30000).i8(1).no_tags();
  back = expect_golden(m, 7, v7);
  EXPECT_EQ(back.topics[0].assignments[0].broker_ids, (std::vector<int32_t>{1, 2}));
  EXPECT_EQ(back.topics[0].configs[0].value, std::optional<std::string_view>("compact"));
}

TEST(messages_golden2, create_topics_response_v0_v4_v7) {
  create_topics_response m;
  m.throttle_time_ms = 1;
  m.topics.resize(1);
  auto& t = m.topics[0];
  t.name = "t";
  t.topic_id = test_uuid();
  t.error_code = 0;
  t.error_message.reset();
  t.topic_config_error_code = 5;  // tagged field 0 (v5+)
  t.num_partitions = 3;
  t.replication_factor = 1;
  t.configs.emplace(1);
  auto& c = (*t.configs)[0];
  c.name = "cleanup.policy";
  c.value = "compact";
  c.read_only = false;
  c.config_source = 5;
  c.is_sensitive = false;
  bytes_builder v0;
  v0.arr(1).str("t").i16(0);
  auto back = expect_golden(m, 0, v0);
  EXPECT_EQ(back.topics[0].num_partitions, -1);
  EXPECT_EQ(back.topics[0].topic_id, uuid{});
  bytes_builder v4;
  v4.i32(1).arr(1).str("t").i16(0).null_str();
  expect_golden(m, 4, v4);
  bytes_builder v7;
  v7.i32(1).carr(1).cstr("t").uuid16(uuid_bytes).i16(0).null_cstr().i32(3).i16(1);
  v7.carr(1).cstr("cleanup.policy").cstr("compact").i8(0).i8(5).i8(0).no_tags();
  v7.uvarint(1).uvarint(0).uvarint(2).i16(5);  // tag 0: topic_config_error_code
  v7.no_tags();
  back = expect_golden(m, 7, v7);
  EXPECT_EQ(back.topics[0].topic_id, test_uuid());
  EXPECT_EQ(back.topics[0].topic_config_error_code, 5);
  ASSERT_TRUE(back.topics[0].configs.has_value());
  EXPECT_EQ((*back.topics[0].configs)[0].config_source, 5);
}

// ---------------------------------------------------------------- DeleteTopics 0-6

TEST(messages_golden2, delete_topics_request_v0_v3_v6) {
  delete_topics_request m;
  m.topic_names = {"t"};
  m.timeout_ms = 30000;
  m.topics.resize(1);
  m.topics[0].name.reset();  // v6: delete by id
  m.topics[0].topic_id = test_uuid();
  bytes_builder v0;
  v0.arr(1).str("t").i32(30000);
  auto back = expect_golden(m, 0, v0);
  EXPECT_TRUE(back.topics.empty());
  expect_golden(m, 3, v0);
  bytes_builder v6;
  v6.carr(1).null_cstr().uuid16(uuid_bytes).no_tags().i32(30000).no_tags();
  back = expect_golden(m, 6, v6);
  EXPECT_TRUE(back.topic_names.empty());
  EXPECT_FALSE(back.topics[0].name.has_value());
  EXPECT_EQ(back.topics[0].topic_id, test_uuid());
}

TEST(messages_golden2, delete_topics_response_v0_v3_v6) {
  delete_topics_response m;
  m.throttle_time_ms = 1;
  m.responses.resize(1);
  m.responses[0].name = "t";
  m.responses[0].topic_id = test_uuid();
  m.responses[0].error_code = 3;
  m.responses[0].error_message = "unknown";
  bytes_builder v0;
  v0.arr(1).str("t").i16(3);
  auto back = expect_golden(m, 0, v0);
  EXPECT_FALSE(back.responses[0].error_message.has_value());
  bytes_builder v3;
  v3.i32(1).arr(1).str("t").i16(3);
  expect_golden(m, 3, v3);
  bytes_builder v6;
  v6.i32(1).carr(1).cstr("t").uuid16(uuid_bytes).i16(3).cstr("unknown").no_tags().no_tags();
  back = expect_golden(m, 6, v6);
  EXPECT_EQ(back.responses[0].error_message, std::optional<std::string_view>("unknown"));
}

// ---------------------------------------------------------------- DeleteRecords 0-2

TEST(messages_golden2, delete_records_v0_v1_v2) {
  delete_records_request m;
  m.topics.resize(1);
  m.topics[0].name = "t";
  m.topics[0].partitions.resize(1);
  m.topics[0].partitions[0].partition_index = 0;
  m.topics[0].partitions[0].offset = 10;
  m.timeout_ms = 1000;
  bytes_builder q0;
  q0.arr(1).str("t").arr(1).i32(0).i64(10).i32(1000);
  expect_golden(m, 0, q0);
  expect_golden(m, 1, q0);
  bytes_builder q2;
  q2.carr(1).cstr("t").carr(1).i32(0).i64(10).no_tags().no_tags().i32(1000).no_tags();
  auto back = expect_golden(m, 2, q2);
  EXPECT_EQ(back.topics[0].partitions[0].offset, 10);

  delete_records_response r;
  r.throttle_time_ms = 1;
  r.topics.resize(1);
  r.topics[0].name = "t";
  r.topics[0].partitions.resize(1);
  r.topics[0].partitions[0].partition_index = 0;
  r.topics[0].partitions[0].low_watermark = 10;
  r.topics[0].partitions[0].error_code = 0;
  bytes_builder s0;
  s0.i32(1).arr(1).str("t").arr(1).i32(0).i64(10).i16(0);
  expect_golden(r, 0, s0);
  expect_golden(r, 1, s0);
  bytes_builder s2;
  s2.i32(1).carr(1).cstr("t").carr(1).i32(0).i64(10).i16(0).no_tags().no_tags().no_tags();
  auto rb = expect_golden(r, 2, s2);
  EXPECT_EQ(rb.topics[0].partitions[0].low_watermark, 10);
}

// ---------------------------------------------------------------- AddPartitionsToTxn 0-3

TEST(messages_golden2, add_partitions_to_txn_v0_v2_v3) {
  add_partitions_to_txn_request m;
  m.v3_and_below_transactional_id = "tx";
  m.v3_and_below_producer_id = 1000;
  m.v3_and_below_producer_epoch = 1;
  m.v3_and_below_topics.resize(1);
  m.v3_and_below_topics[0].name = "t";
  m.v3_and_below_topics[0].partitions = {0, 1};
  bytes_builder q0;
  q0.str("tx").i64(1000).i16(1).arr(1).str("t").arr(2).i32(0).i32(1);
  expect_golden(m, 0, q0);
  expect_golden(m, 2, q0);
  bytes_builder q3;
  q3.cstr("tx").i64(1000).i16(1).carr(1).cstr("t").carr(2).i32(0).i32(1).no_tags().no_tags();
  auto back = expect_golden(m, 3, q3);
  EXPECT_EQ(back.v3_and_below_producer_id, 1000);

  add_partitions_to_txn_response r;
  r.throttle_time_ms = 1;
  r.results_by_topic_v3_and_below.resize(1);
  r.results_by_topic_v3_and_below[0].name = "t";
  r.results_by_topic_v3_and_below[0].results_by_partition.resize(1);
  r.results_by_topic_v3_and_below[0].results_by_partition[0].partition_index = 0;
  r.results_by_topic_v3_and_below[0].results_by_partition[0].partition_error_code = 48;
  bytes_builder s0;
  s0.i32(1).arr(1).str("t").arr(1).i32(0).i16(48);
  expect_golden(r, 0, s0);
  expect_golden(r, 2, s0);
  bytes_builder s3;
  s3.i32(1).carr(1).cstr("t").carr(1).i32(0).i16(48).no_tags().no_tags().no_tags();
  auto rb = expect_golden(r, 3, s3);
  EXPECT_EQ(rb.results_by_topic_v3_and_below[0].results_by_partition[0].partition_error_code, 48);
}

// ---------------------------------------------------------------- AddOffsetsToTxn 0-1

TEST(messages_golden2, add_offsets_to_txn_v0_v1) {
  add_offsets_to_txn_request m;
  m.transactional_id = "tx";
  m.producer_id = 1000;
  m.producer_epoch = 1;
  m.group_id = "g";
  bytes_builder q;
  q.str("tx").i64(1000).i16(1).str("g");
  expect_golden(m, 0, q);
  auto back = expect_golden(m, 1, q);
  EXPECT_EQ(back.group_id, "g");

  add_offsets_to_txn_response r;
  r.throttle_time_ms = 1;
  r.error_code = 47;
  bytes_builder s;
  s.i32(1).i16(47);
  expect_golden(r, 0, s);
  expect_golden(r, 1, s);
}

// ---------------------------------------------------------------- EndTxn 0-3

TEST(messages_golden2, end_txn_v0_v2_v3) {
  end_txn_request m;
  m.transactional_id = "tx";
  m.producer_id = 1000;
  m.producer_epoch = 1;
  m.committed = true;
  bytes_builder q0;
  q0.str("tx").i64(1000).i16(1).i8(1);
  expect_golden(m, 0, q0);
  expect_golden(m, 2, q0);
  bytes_builder q3;
  q3.cstr("tx").i64(1000).i16(1).i8(1).no_tags();
  auto back = expect_golden(m, 3, q3);
  EXPECT_TRUE(back.committed);

  end_txn_response r;
  r.throttle_time_ms = 1;
  r.error_code = 0;
  bytes_builder s0;
  s0.i32(1).i16(0);
  expect_golden(r, 0, s0);
  expect_golden(r, 2, s0);
  bytes_builder s3;
  s3.i32(1).i16(0).no_tags();
  expect_golden(r, 3, s3);
}

// ---------------------------------------------------------------- TxnOffsetCommit 0-3

TEST(messages_golden2, txn_offset_commit_request_v0_v2_v3) {
  txn_offset_commit_request m;
  m.transactional_id = "tx";
  m.group_id = "g";
  m.producer_id = 1000;
  m.producer_epoch = 1;
  m.generation_id = 2;
  m.member_id = "m";
  m.group_instance_id = "i";
  m.topics.resize(1);
  m.topics[0].name = "t";
  m.topics[0].partitions.resize(1);
  auto& p = m.topics[0].partitions[0];
  p.partition_index = 0;
  p.committed_offset = 100;
  p.committed_leader_epoch = 3;
  p.committed_metadata = "md";
  bytes_builder v0;
  v0.str("tx").str("g").i64(1000).i16(1).arr(1).str("t").arr(1).i32(0).i64(100).str("md");
  auto back = expect_golden(m, 0, v0);
  EXPECT_EQ(back.generation_id, -1);
  EXPECT_EQ(back.member_id, "");
  EXPECT_FALSE(back.group_instance_id.has_value());
  EXPECT_EQ(back.topics[0].partitions[0].committed_leader_epoch, -1);
  bytes_builder v2;
  v2.str("tx").str("g").i64(1000).i16(1).arr(1).str("t").arr(1).i32(0).i64(100).i32(3).str("md");
  expect_golden(m, 2, v2);
  bytes_builder v3;
  v3.cstr("tx").cstr("g").i64(1000).i16(1).i32(2).cstr("m").cstr("i");
  v3.carr(1).cstr("t").carr(1).i32(0).i64(100).i32(3).cstr("md").no_tags().no_tags().no_tags();
  back = expect_golden(m, 3, v3);
  EXPECT_EQ(back.generation_id, 2);
  EXPECT_EQ(back.group_instance_id, std::optional<std::string_view>("i"));
}

TEST(messages_golden2, txn_offset_commit_response_v0_v2_v3) {
  txn_offset_commit_response m;
  m.throttle_time_ms = 1;
  m.topics.resize(1);
  m.topics[0].name = "t";
  m.topics[0].partitions.resize(1);
  m.topics[0].partitions[0].partition_index = 0;
  m.topics[0].partitions[0].error_code = 0;
  bytes_builder v0;
  v0.i32(1).arr(1).str("t").arr(1).i32(0).i16(0);
  expect_golden(m, 0, v0);
  expect_golden(m, 2, v0);
  bytes_builder v3;
  v3.i32(1).carr(1).cstr("t").carr(1).i32(0).i16(0).no_tags().no_tags().no_tags();
  expect_golden(m, 3, v3);
}

// ---------------------------------------------------------------- DescribeAcls 0-2

TEST(messages_golden2, describe_acls_request_v0_v1_v2) {
  describe_acls_request m;
  m.resource_type_filter = 2;
  m.resource_name_filter = "t";
  m.pattern_type_filter = 4;
  m.principal_filter.reset();
  m.host_filter = "*";
  m.operation = 1;
  m.permission_type = 3;
  bytes_builder v0;
  v0.i8(2).str("t").null_str().str("*").i8(1).i8(3);
  auto back = expect_golden(m, 0, v0);
  EXPECT_EQ(back.pattern_type_filter, 3) << "schema default (LITERAL) when absent";
  EXPECT_FALSE(back.principal_filter.has_value());
  bytes_builder v1;
  v1.i8(2).str("t").i8(4).null_str().str("*").i8(1).i8(3);
  expect_golden(m, 1, v1);
  bytes_builder v2;
  v2.i8(2).cstr("t").i8(4).null_cstr().cstr("*").i8(1).i8(3).no_tags();
  back = expect_golden(m, 2, v2);
  EXPECT_EQ(back.pattern_type_filter, 4);
  EXPECT_EQ(back.host_filter, std::optional<std::string_view>("*"));
}

TEST(messages_golden2, describe_acls_response_v0_v1_v2) {
  describe_acls_response m;
  m.throttle_time_ms = 1;
  m.error_code = 0;
  m.error_message.reset();
  m.resources.resize(1);
  auto& r = m.resources[0];
  r.resource_type = 2;
  r.resource_name = "t";
  r.pattern_type = 3;
  r.acls.resize(1);
  r.acls[0].principal = "User:a";
  r.acls[0].host = "*";
  r.acls[0].operation = 2;
  r.acls[0].permission_type = 3;
  bytes_builder v0;
  v0.i32(1).i16(0).null_str().arr(1).i8(2).str("t").arr(1).str("User:a").str("*").i8(2).i8(3);
  expect_golden(m, 0, v0);
  bytes_builder v1;
  v1.i32(1).i16(0).null_str().arr(1).i8(2).str("t").i8(3).arr(1).str("User:a").str("*").i8(2).i8(3);
  expect_golden(m, 1, v1);
  bytes_builder v2;
  v2.i32(1).i16(0).null_cstr().carr(1).i8(2).cstr("t").i8(3);
  v2.carr(1).cstr("User:a").cstr("*").i8(2).i8(3).no_tags().no_tags().no_tags();
  auto back = expect_golden(m, 2, v2);
  EXPECT_EQ(back.resources[0].acls[0].principal, "User:a");
}

// ---------------------------------------------------------------- CreateAcls 0-2

TEST(messages_golden2, create_acls_v0_v1_v2) {
  create_acls_request m;
  m.creations.resize(1);
  auto& c = m.creations[0];
  c.resource_type = 2;
  c.resource_name = "t";
  c.resource_pattern_type = 4;
  c.principal = "User:a";
  c.host = "*";
  c.operation = 2;
  c.permission_type = 3;
  bytes_builder q0;
  q0.arr(1).i8(2).str("t").str("User:a").str("*").i8(2).i8(3);
  auto back = expect_golden(m, 0, q0);
  EXPECT_EQ(back.creations[0].resource_pattern_type, 3);
  bytes_builder q1;
  q1.arr(1).i8(2).str("t").i8(4).str("User:a").str("*").i8(2).i8(3);
  expect_golden(m, 1, q1);
  bytes_builder q2;
  q2.carr(1).i8(2).cstr("t").i8(4).cstr("User:a").cstr("*").i8(2).i8(3).no_tags().no_tags();
  back = expect_golden(m, 2, q2);
  EXPECT_EQ(back.creations[0].resource_pattern_type, 4);

  create_acls_response r;
  r.throttle_time_ms = 1;
  r.results.resize(2);
  r.results[0].error_code = 0;
  r.results[0].error_message.reset();
  r.results[1].error_code = 42;
  r.results[1].error_message = "bad";
  bytes_builder s0;
  s0.i32(1).arr(2).i16(0).null_str().i16(42).str("bad");
  expect_golden(r, 0, s0);
  expect_golden(r, 1, s0);
  bytes_builder s2;
  s2.i32(1).carr(2).i16(0).null_cstr().no_tags().i16(42).cstr("bad").no_tags().no_tags();
  auto rb = expect_golden(r, 2, s2);
  EXPECT_EQ(rb.results[1].error_message, std::optional<std::string_view>("bad"));
}

// ---------------------------------------------------------------- DeleteAcls 0-2

TEST(messages_golden2, delete_acls_request_v0_v1_v2) {
  delete_acls_request m;
  m.filters.resize(1);
  auto& f = m.filters[0];
  f.resource_type_filter = 2;
  f.resource_name_filter = "t";
  f.pattern_type_filter = 1;  // ANY
  f.principal_filter.reset();
  f.host_filter.reset();
  f.operation = 1;
  f.permission_type = 1;
  bytes_builder v0;
  v0.arr(1).i8(2).str("t").null_str().null_str().i8(1).i8(1);
  auto back = expect_golden(m, 0, v0);
  EXPECT_EQ(back.filters[0].pattern_type_filter, 3);
  bytes_builder v1;
  v1.arr(1).i8(2).str("t").i8(1).null_str().null_str().i8(1).i8(1);
  expect_golden(m, 1, v1);
  bytes_builder v2;
  v2.carr(1).i8(2).cstr("t").i8(1).null_cstr().null_cstr().i8(1).i8(1).no_tags().no_tags();
  back = expect_golden(m, 2, v2);
  EXPECT_FALSE(back.filters[0].host_filter.has_value());
}

TEST(messages_golden2, delete_acls_response_v0_v1_v2) {
  delete_acls_response m;
  m.throttle_time_ms = 1;
  m.filter_results.resize(1);
  auto& fr = m.filter_results[0];
  fr.error_code = 0;
  fr.error_message.reset();
  fr.matching_acls.resize(1);
  auto& a = fr.matching_acls[0];
  a.error_code = 0;
  a.error_message.reset();
  a.resource_type = 2;
  a.resource_name = "t";
  a.pattern_type = 4;
  a.principal = "User:a";
  a.host = "*";
  a.operation = 2;
  a.permission_type = 3;
  bytes_builder v0;
  v0.i32(1).arr(1).i16(0).null_str().arr(1).i16(0).null_str().i8(2).str("t");
  v0.str("User:a").str("*").i8(2).i8(3);
  auto back = expect_golden(m, 0, v0);
  EXPECT_EQ(back.filter_results[0].matching_acls[0].pattern_type, 3);
  bytes_builder v1;
  v1.i32(1).arr(1).i16(0).null_str().arr(1).i16(0).null_str().i8(2).str("t").i8(4);
  v1.str("User:a").str("*").i8(2).i8(3);
  expect_golden(m, 1, v1);
  bytes_builder v2;
  v2.i32(1).carr(1).i16(0).null_cstr().carr(1).i16(0).null_cstr().i8(2).cstr("t").i8(4);
  v2.cstr("User:a").cstr("*").i8(2).i8(3).no_tags().no_tags().no_tags();
  back = expect_golden(m, 2, v2);
  EXPECT_EQ(back.filter_results[0].matching_acls[0].pattern_type, 4);
}

// ---------------------------------------------------------------- DescribeConfigs 0-2

TEST(messages_golden2, describe_configs_request_v0_v1_v2) {
  describe_configs_request m;
  m.resources.resize(2);
  m.resources[0].resource_type = 2;
  m.resources[0].resource_name = "t";
  m.resources[0].configuration_keys.emplace(std::vector<std::string_view>{"retention.ms"});
  m.resources[1].resource_type = 4;
  m.resources[1].resource_name = "1";
  m.resources[1].configuration_keys.reset();  // all keys
  m.include_synonyms = true;
  bytes_builder v0;
  v0.arr(2).i8(2).str("t").arr(1).str("retention.ms").i8(4).str("1").i32(-1);
  auto back = expect_golden(m, 0, v0);
  EXPECT_FALSE(back.include_synonyms);
  EXPECT_FALSE(back.resources[1].configuration_keys.has_value());
  bytes_builder v1;
  v1.arr(2).i8(2).str("t").arr(1).str("retention.ms").i8(4).str("1").i32(-1).i8(1);
  expect_golden(m, 1, v1);
  back = expect_golden(m, 2, v1);
  EXPECT_TRUE(back.include_synonyms);
}

TEST(messages_golden2, describe_configs_response_v0_v1_v2) {
  describe_configs_response m;
  m.throttle_time_ms = 1;
  m.results.resize(1);
  auto& r = m.results[0];
  r.error_code = 0;
  r.error_message.reset();
  r.resource_type = 2;
  r.resource_name = "t";
  r.configs.resize(1);
  auto& c = r.configs[0];
  c.name = "retention.ms";
  c.value = "1000";
  c.read_only = false;
  c.is_default = true;
  c.config_source = 1;
  c.is_sensitive = false;
  c.synonyms.resize(1);
  c.synonyms[0].name = "retention.ms";
  c.synonyms[0].value = "1000";
  c.synonyms[0].source = 1;
  bytes_builder v0;
  v0.i32(1).arr(1).i16(0).null_str().i8(2).str("t");
  v0.arr(1).str("retention.ms").str("1000").i8(0).i8(1).i8(0);
  auto back = expect_golden(m, 0, v0);
  EXPECT_TRUE(back.results[0].configs[0].is_default);
  EXPECT_EQ(back.results[0].configs[0].config_source, -1);
  bytes_builder v1;
  v1.i32(1).arr(1).i16(0).null_str().i8(2).str("t");
  v1.arr(1).str("retention.ms").str("1000").i8(0).i8(1).i8(0);
  v1.arr(1).str("retention.ms").str("1000").i8(1);
  back = expect_golden(m, 1, v1);
  EXPECT_FALSE(back.results[0].configs[0].is_default) << "is_default is v0 only";
  back = expect_golden(m, 2, v1);
  EXPECT_EQ(back.results[0].configs[0].synonyms[0].source, 1);
}

// ---------------------------------------------------------------- AlterConfigs 0-2

TEST(messages_golden2, alter_configs_v0_v1_v2) {
  alter_configs_request m;
  m.resources.resize(1);
  m.resources[0].resource_type = 2;
  m.resources[0].resource_name = "t";
  m.resources[0].configs.resize(2);
  m.resources[0].configs[0].name = "retention.ms";
  m.resources[0].configs[0].value = "1000";
  m.resources[0].configs[1].name = "x";
  m.resources[0].configs[1].value.reset();
  m.validate_only = true;
  bytes_builder q0;
  q0.arr(1).i8(2).str("t").arr(2).str("retention.ms").str("1000").str("x").null_str().i8(1);
  expect_golden(m, 0, q0);
  expect_golden(m, 1, q0);
  bytes_builder q2;
  q2.carr(1).i8(2).cstr("t").carr(2).cstr("retention.ms").cstr("1000").no_tags();
  q2.cstr("x").null_cstr().no_tags().no_tags().i8(1).no_tags();
  auto back = expect_golden(m, 2, q2);
  EXPECT_FALSE(back.resources[0].configs[1].value.has_value());
  EXPECT_TRUE(back.validate_only);

  alter_configs_response r;
  r.throttle_time_ms = 1;
  r.responses.resize(1);
  r.responses[0].error_code = 0;
  r.responses[0].error_message.reset();
  r.responses[0].resource_type = 2;
  r.responses[0].resource_name = "t";
  bytes_builder s0;
  s0.i32(1).arr(1).i16(0).null_str().i8(2).str("t");
  expect_golden(r, 0, s0);
  expect_golden(r, 1, s0);
  bytes_builder s2;
  s2.i32(1).carr(1).i16(0).null_cstr().i8(2).cstr("t").no_tags().no_tags();
  auto rb = expect_golden(r, 2, s2);
  EXPECT_EQ(rb.responses[0].resource_name, "t");
}

// ---------------------------------------------------------------- DescribeLogDirs 0-2

TEST(messages_golden2, describe_log_dirs_v0_v1_v2) {
  describe_log_dirs_request m;
  m.topics.emplace(1);
  (*m.topics)[0].topic = "t";
  (*m.topics)[0].partitions = {0};
  bytes_builder q0;
  q0.arr(1).str("t").arr(1).i32(0);
  expect_golden(m, 0, q0);
  expect_golden(m, 1, q0);
  bytes_builder q2;
  q2.carr(1).cstr("t").carr(1).i32(0).no_tags().no_tags();
  auto back = expect_golden(m, 2, q2);
  ASSERT_TRUE(back.topics.has_value());
  describe_log_dirs_request all;  // null = every log dir and partition
  bytes_builder a0;
  a0.i32(-1);
  back = expect_golden(all, 0, a0);
  EXPECT_FALSE(back.topics.has_value());
  bytes_builder a2;
  a2.uvarint(0).no_tags();
  back = expect_golden(all, 2, a2);
  EXPECT_FALSE(back.topics.has_value());

  describe_log_dirs_response r;
  r.throttle_time_ms = 1;
  r.results.resize(1);
  r.results[0].error_code = 0;
  r.results[0].log_dir = "/d";
  r.results[0].topics.resize(1);
  r.results[0].topics[0].name = "t";
  r.results[0].topics[0].partitions.resize(1);
  auto& p = r.results[0].topics[0].partitions[0];
  p.partition_index = 0;
  p.partition_size = 1024;
  p.offset_lag = 0;
  p.is_future_key = false;
  bytes_builder s0;
  s0.i32(1).arr(1).i16(0).str("/d").arr(1).str("t").arr(1).i32(0).i64(1024).i64(0).i8(0);
  expect_golden(r, 0, s0);
  expect_golden(r, 1, s0);
  bytes_builder s2;
  s2.i32(1).carr(1).i16(0).cstr("/d").carr(1).cstr("t").carr(1).i32(0).i64(1024).i64(0).i8(0);
  s2.no_tags().no_tags().no_tags().no_tags();
  auto rb = expect_golden(r, 2, s2);
  EXPECT_EQ(rb.results[0].topics[0].partitions[0].partition_size, 1024);
}

// ---------------------------------------------------------------- SaslAuthenticate 0-2

TEST(messages_golden2, sasl_authenticate_v0_v1_v2) {
  constexpr std::string_view plain("\0u\0p", 4);
  sasl_authenticate_request m;
  m.auth_bytes = view(plain);
  bytes_builder q0;
  q0.bytes(plain);
  expect_golden(m, 0, q0);
  expect_golden(m, 1, q0);
  bytes_builder q2;
  q2.cbytes(plain).no_tags();
  auto back = expect_golden(m, 2, q2);
  EXPECT_EQ(str_of(back.auth_bytes), plain);

  sasl_authenticate_response r;
  r.error_code = 0;
  r.error_message.reset();
  r.auth_bytes = view("ok");
  r.session_lifetime_ms = 3600000;
  bytes_builder s0;
  s0.i16(0).null_str().bytes("ok");
  auto rb = expect_golden(r, 0, s0);
  EXPECT_EQ(rb.session_lifetime_ms, 0);
  bytes_builder s1;
  s1.i16(0).null_str().bytes("ok").i64(3600000);
  expect_golden(r, 1, s1);
  bytes_builder s2;
  s2.i16(0).null_cstr().cbytes("ok").i64(3600000).no_tags();
  rb = expect_golden(r, 2, s2);
  EXPECT_EQ(rb.session_lifetime_ms, 3600000);
}

// ---------------------------------------------------------------- CreatePartitions 0-1

TEST(messages_golden2, create_partitions_v0_v1) {
  create_partitions_request m;
  m.topics.resize(2);
  m.topics[0].name = "t";
  m.topics[0].count = 4;
  m.topics[0].assignments.emplace(1);
  (*m.topics[0].assignments)[0].broker_ids = {1};
  m.topics[1].name = "u";
  m.topics[1].count = 2;
  m.topics[1].assignments.reset();
  m.timeout_ms = 1000;
  m.validate_only = false;
  bytes_builder q;
  q.arr(2).str("t").i32(4).arr(1).arr(1).i32(1).str("u").i32(2).i32(-1).i32(1000).i8(0);
  expect_golden(m, 0, q);
  auto back = expect_golden(m, 1, q);
  EXPECT_FALSE(back.topics[1].assignments.has_value());
  ASSERT_TRUE(back.topics[0].assignments.has_value());
  EXPECT_EQ((*back.topics[0].assignments)[0].broker_ids, std::vector<int32_t>{1});

  create_partitions_response r;
  r.throttle_time_ms = 1;
  r.results.resize(1);
  r.results[0].name = "t";
  r.results[0].error_code = 37;
  r.results[0].error_message = "too few";
  bytes_builder s;
  s.i32(1).arr(1).str("t").i16(37).str("too few");
  expect_golden(r, 0, s);
  auto rb = expect_golden(r, 1, s);
  EXPECT_EQ(rb.results[0].error_message, std::optional<std::string_view>("too few"));
}

// ---------------------------------------------------------------- DeleteGroups 0-2

TEST(messages_golden2, delete_groups_v0_v1_v2) {
  delete_groups_request m;
  m.groups_names = {"g", "h"};
  bytes_builder q0;
  q0.arr(2).str("g").str("h");
  expect_golden(m, 0, q0);
  expect_golden(m, 1, q0);
  bytes_builder q2;
  q2.carr(2).cstr("g").cstr("h").no_tags();
  auto back = expect_golden(m, 2, q2);
  EXPECT_EQ(back.groups_names.size(), 2u);

  delete_groups_response r;
  r.throttle_time_ms = 1;
  r.results.resize(1);
  r.results[0].group_id = "g";
  r.results[0].error_code = 69;
  bytes_builder s0;
  s0.i32(1).arr(1).str("g").i16(69);
  expect_golden(r, 0, s0);
  expect_golden(r, 1, s0);
  bytes_builder s2;
  s2.i32(1).carr(1).cstr("g").i16(69).no_tags().no_tags();
  auto rb = expect_golden(r, 2, s2);
  EXPECT_EQ(rb.results[0].error_code, 69);
}

// ---------------------------------------------------------------- IncrementalAlterConfigs 0-1

TEST(messages_golden2, incremental_alter_configs_v0_v1) {
  incremental_alter_configs_request m;
  m.resources.resize(1);
  m.resources[0].resource_type = 2;
  m.resources[0].resource_name = "t";
  m.resources[0].configs.resize(2);
  m.resources[0].configs[0].name = "retention.ms";
  m.resources[0].configs[0].config_operation = 0;  // SET
  m.resources[0].configs[0].value = "1000";
  m.resources[0].configs[1].name = "x";
  m.resources[0].configs[1].config_operation = 1;  // DELETE
  m.resources[0].configs[1].value.reset();
  m.validate_only = false;
  bytes_builder q0;
  q0.arr(1).i8(2).str("t").arr(2).str("retention.ms").i8(0).str("1000").str("x").i8(1).null_str().i8(0);
  expect_golden(m, 0, q0);
  bytes_builder q1;
  q1.carr(1).i8(2).cstr("t").carr(2).cstr("retention.ms").i8(0).cstr("1000").no_tags();
  q1.cstr("x").i8(1).null_cstr().no_tags().no_tags().i8(0).no_tags();
  auto back = expect_golden(m, 1, q1);
  EXPECT_EQ(back.resources[0].configs[1].config_operation, 1);

  incremental_alter_configs_response r;
  r.throttle_time_ms = 1;
  r.responses.resize(1);
  r.responses[0].error_code = 40;
  r.responses[0].error_message = "invalid";
  r.responses[0].resource_type = 2;
  r.responses[0].resource_name = "t";
  bytes_builder s0;
  s0.i32(1).arr(1).i16(40).str("invalid").i8(2).str("t");
  expect_golden(r, 0, s0);
  bytes_builder s1;
  s1.i32(1).carr(1).i16(40).cstr("invalid").i8(2).cstr("t").no_tags().no_tags();
  auto rb = expect_golden(r, 1, s1);
  EXPECT_EQ(rb.responses[0].error_message, std::optional<std::string_view>("invalid"));
}

// ---------------------------------------------------------------- AlterPartitionReassignments 0

TEST(messages_golden2, alter_partition_reassignments_v0) {
  alter_partition_reassignments_request m;
  m.timeout_ms = 30000;
  m.topics.resize(1);
  m.topics[0].name = "t";
  m.topics[0].partitions.resize(2);
  m.topics[0].partitions[0].partition_index = 0;
  m.topics[0].partitions[0].replicas.emplace(std::vector<int32_t>{1, 2});
  m.topics[0].partitions[1].partition_index = 1;
  m.topics[0].partitions[1].replicas.reset();  // cancel a pending reassignment
  bytes_builder q;
  q.i32(30000).carr(1).cstr("t").carr(2);
  q.i32(0).carr(2).i32(1).i32(2).no_tags();
  q.i32(1).uvarint(0).no_tags();
  q.no_tags().no_tags();
  auto back = expect_golden(m, 0, q);
  EXPECT_FALSE(back.topics[0].partitions[1].replicas.has_value());
  EXPECT_EQ(back.topics[0].partitions[0].replicas, (std::vector<int32_t>{1, 2}));

  alter_partition_reassignments_response r;
  r.throttle_time_ms = 1;
  r.error_code = 0;
  r.error_message.reset();
  r.responses.resize(1);
  r.responses[0].name = "t";
  r.responses[0].partitions.resize(1);
  r.responses[0].partitions[0].partition_index = 0;
  r.responses[0].partitions[0].error_code = 0;
  r.responses[0].partitions[0].error_message.reset();
  bytes_builder s;
  s.i32(1).i16(0).null_cstr().carr(1).cstr("t").carr(1).i32(0).i16(0).null_cstr();
  s.no_tags().no_tags().no_tags();
  expect_golden(r, 0, s);
}

// ---------------------------------------------------------------- ListPartitionReassignments 0

TEST(messages_golden2, list_partition_reassignments_v0) {
  list_partition_reassignments_request m;
  m.timeout_ms = 30000;
  m.topics.emplace(1);
  (*m.topics)[0].name = "t";
  (*m.topics)[0].partition_indexes = {0};
  bytes_builder q;
  q.i32(30000).carr(1).cstr("t").carr(1).i32(0).no_tags().no_tags();
  expect_golden(m, 0, q);
  list_partition_reassignments_request all;
  bytes_builder q_all;
  q_all.i32(60000).uvarint(0).no_tags();  // schema defaults: 60000 ms, null = all
  auto back = expect_golden(all, 0, q_all);
  EXPECT_FALSE(back.topics.has_value());

  list_partition_reassignments_response r;
  r.throttle_time_ms = 1;
  r.error_code = 0;
  r.error_message.reset();
  r.topics.resize(1);
  r.topics[0].name = "t";
  r.topics[0].partitions.resize(1);
  auto& p = r.topics[0].partitions[0];
  p.partition_index = 0;
  p.replicas = {1, 2, 3};
  p.adding_replicas = {3};
  p.removing_replicas = {1};
  bytes_builder s;
  s.i32(1).i16(0).null_cstr().carr(1).cstr("t").carr(1).i32(0);
  s.carr(3).i32(1).i32(2).i32(3).carr(1).i32(3).carr(1).i32(1).no_tags().no_tags().no_tags();
  auto rb = expect_golden(r, 0, s);
  EXPECT_EQ(rb.topics[0].partitions[0].removing_replicas, std::vector<int32_t>{1});
}

// ---------------------------------------------------------------- OffsetDelete 0

TEST(messages_golden2, offset_delete_v0) {
  offset_delete_request m;
  m.group_id = "g";
  m.topics.resize(1);
  m.topics[0].name = "t";
  m.topics[0].partitions.resize(1);
  m.topics[0].partitions[0].partition_index = 2;
  bytes_builder q;
  q.str("g").arr(1).str("t").arr(1).i32(2);
  expect_golden(m, 0, q);

  offset_delete_response r;
  r.error_code = 0;
  r.throttle_time_ms = 1;
  r.topics.resize(1);
  r.topics[0].name = "t";
  r.topics[0].partitions.resize(1);
  r.topics[0].partitions[0].partition_index = 2;
  r.topics[0].partitions[0].error_code = 86;
  bytes_builder s;
  s.i16(0).i32(1).arr(1).str("t").arr(1).i32(2).i16(86);  // error_code precedes throttle here
  auto rb = expect_golden(r, 0, s);
  EXPECT_EQ(rb.throttle_time_ms, 1);
  EXPECT_EQ(rb.topics[0].partitions[0].error_code, 86);
}

// ---------------------------------------------------------------- DescribeClientQuotas 0-1

TEST(messages_golden2, describe_client_quotas_v0_v1) {
  describe_client_quotas_request m;
  m.components.resize(1);
  m.components[0].entity_type = "user";
  m.components[0].match_type = 0;
  m.components[0].match = "alice";
  m.strict = true;
  bytes_builder q0;
  q0.arr(1).str("user").i8(0).str("alice").i8(1);
  expect_golden(m, 0, q0);
  bytes_builder q1;
  q1.carr(1).cstr("user").i8(0).cstr("alice").no_tags().i8(1).no_tags();
  auto back = expect_golden(m, 1, q1);
  EXPECT_EQ(back.components[0].match, std::optional<std::string_view>("alice"));

  describe_client_quotas_response r;
  r.throttle_time_ms = 1;
  r.error_code = 0;
  r.error_message.reset();
  r.entries.emplace(1);
  auto& e = (*r.entries)[0];
  e.entity.resize(1);
  e.entity[0].entity_type = "user";
  e.entity[0].entity_name = "alice";
  e.values.resize(1);
  e.values[0].key = "producer_byte_rate";
  e.values[0].value = 1024.5;
  bytes_builder s0;
  s0.i32(1).i16(0).null_str().arr(1).arr(1).str("user").str("alice");
  s0.arr(1).str("producer_byte_rate").f64(1024.5);
  expect_golden(r, 0, s0);
  bytes_builder s1;
  s1.i32(1).i16(0).null_cstr().carr(1).carr(1).cstr("user").cstr("alice").no_tags();
  s1.carr(1).cstr("producer_byte_rate").f64(1024.5).no_tags().no_tags().no_tags();
  auto rb = expect_golden(r, 1, s1);
  ASSERT_TRUE(rb.entries.has_value());
  EXPECT_EQ((*rb.entries)[0].values[0].value, 1024.5);
  // 1024.5 = 0x4090020000000000: check the float64 bytes independently of bit_cast.
  EXPECT_EQ(s1.b[s1.b.size() - 11], std::byte{0x40});
  EXPECT_EQ(s1.b[s1.b.size() - 10], std::byte{0x90});
  EXPECT_EQ(s1.b[s1.b.size() - 9], std::byte{0x02});

  describe_client_quotas_response err;  // error: entries null
  err.throttle_time_ms = 0;
  err.error_code = 35;
  err.error_message = "x";
  bytes_builder e1;
  e1.i32(0).i16(35).cstr("x").uvarint(0).no_tags();
  rb = expect_golden(err, 1, e1);
  EXPECT_FALSE(rb.entries.has_value());
}

// ---------------------------------------------------------------- AlterClientQuotas 0-1

TEST(messages_golden2, alter_client_quotas_v0_v1) {
  alter_client_quotas_request m;
  m.entries.resize(1);
  m.entries[0].entity.resize(1);
  m.entries[0].entity[0].entity_type = "user";
  m.entries[0].entity[0].entity_name.reset();  // the default user
  m.entries[0].ops.resize(1);
  m.entries[0].ops[0].key = "producer_byte_rate";
  m.entries[0].ops[0].value = 1024.0;
  m.entries[0].ops[0].remove = false;
  m.validate_only = true;
  bytes_builder q0;
  q0.arr(1).arr(1).str("user").null_str().arr(1).str("producer_byte_rate").f64(1024.0).i8(0).i8(1);
  expect_golden(m, 0, q0);
  bytes_builder q1;
  q1.carr(1).carr(1).cstr("user").null_cstr().no_tags();
  q1.carr(1).cstr("producer_byte_rate").f64(1024.0).i8(0).no_tags().no_tags().i8(1).no_tags();
  auto back = expect_golden(m, 1, q1);
  EXPECT_FALSE(back.entries[0].entity[0].entity_name.has_value());
  EXPECT_EQ(back.entries[0].ops[0].value, 1024.0);

  alter_client_quotas_response r;
  r.throttle_time_ms = 1;
  r.entries.resize(1);
  r.entries[0].error_code = 0;
  r.entries[0].error_message.reset();
  r.entries[0].entity.resize(1);
  r.entries[0].entity[0].entity_type = "user";
  r.entries[0].entity[0].entity_name = "alice";
  bytes_builder s0;
  s0.i32(1).arr(1).i16(0).null_str().arr(1).str("user").str("alice");
  expect_golden(r, 0, s0);
  bytes_builder s1;
  s1.i32(1).carr(1).i16(0).null_cstr().carr(1).cstr("user").cstr("alice").no_tags().no_tags().no_tags();
  auto rb = expect_golden(r, 1, s1);
  EXPECT_EQ(rb.entries[0].entity[0].entity_name, std::optional<std::string_view>("alice"));
}

// ---------------------------------------------------------------- DescribeCluster 0-1

TEST(messages_golden2, describe_cluster_v0_v1) {
  describe_cluster_request m;
  m.include_cluster_authorized_operations = true;
  m.endpoint_type = 2;
  bytes_builder q0;
  q0.i8(1).no_tags();
  auto back = expect_golden(m, 0, q0);
  EXPECT_EQ(back.endpoint_type, 1);
  bytes_builder q1;
  q1.i8(1).i8(2).no_tags();
  back = expect_golden(m, 1, q1);
  EXPECT_EQ(back.endpoint_type, 2);

  describe_cluster_response r;
  r.throttle_time_ms = 1;
  r.error_code = 0;
  r.error_message.reset();
  r.endpoint_type = 1;
  r.cluster_id = "cid";
  r.controller_id = 1;
  r.brokers.resize(1);
  r.brokers[0].broker_id = 1;
  r.brokers[0].host = "h";
  r.brokers[0].port = 9092;
  r.brokers[0].rack.reset();
  r.cluster_authorized_operations = INT32_MIN;
  bytes_builder s0;
  s0.i32(1).i16(0).null_cstr().cstr("cid").i32(1);
  s0.carr(1).i32(1).cstr("h").i32(9092).null_cstr().no_tags().i32(INT32_MIN).no_tags();
  expect_golden(r, 0, s0);
  bytes_builder s1;
  s1.i32(1).i16(0).null_cstr().i8(1).cstr("cid").i32(1);
  s1.carr(1).i32(1).cstr("h").i32(9092).null_cstr().no_tags().i32(INT32_MIN).no_tags();
  auto rb = expect_golden(r, 1, s1);
  EXPECT_EQ(rb.cluster_id, "cid");
  EXPECT_EQ(rb.brokers[0].port, 9092);
}

// ---------------------------------------------------------------- versions missing from part 1

TEST(messages_golden2, fetch_response_v0) {
  fetch_response m;
  m.responses.resize(1);
  m.responses[0].topic = "t";
  m.responses[0].partitions.resize(1);
  auto& p = m.responses[0].partitions[0];
  p.partition_index = 0;
  p.error_code = 0;
  p.high_watermark = 10;
  p.last_stable_offset = 10;
  p.records = view(records_blob);
  bytes_builder v0;
  v0.arr(1).str("t").arr(1).i32(0).i16(0).i64(10).bytes(records_blob);
  auto back = expect_golden(m, 0, v0);
  EXPECT_EQ(back.responses[0].partitions[0].last_stable_offset, -1);
  ASSERT_TRUE(back.responses[0].partitions[0].records.has_value());
  EXPECT_EQ(str_of(*back.responses[0].partitions[0].records), records_blob);
}

TEST(messages_golden2, metadata_response_v4) {
  metadata_response m;
  m.throttle_time_ms = 0;
  m.brokers.resize(1);
  m.brokers[0].node_id = 1;
  m.brokers[0].host = "h";
  m.brokers[0].port = 9092;
  m.brokers[0].rack = "r";
  m.cluster_id = "cid";
  m.controller_id = 1;
  m.topics.resize(1);
  m.topics[0].name = "t";
  m.topics[0].is_internal = false;
  m.topics[0].partitions.resize(1);
  auto& p = m.topics[0].partitions[0];
  p.partition_index = 0;
  p.leader_id = 1;
  p.leader_epoch = 5;
  p.replica_nodes = {1};
  p.isr_nodes = {1};
  bytes_builder v4;
  v4.i32(0).arr(1).i32(1).str("h").i32(9092).str("r").str("cid").i32(1);
  v4.arr(1).i16(0).str("t").i8(0).arr(1).i16(0).i32(0).i32(1).arr(1).i32(1).arr(1).i32(1);
  auto back = expect_golden(m, 4, v4);
  EXPECT_EQ(back.topics[0].partitions[0].leader_epoch, -1) << "leader_epoch is v7+";
  EXPECT_EQ(back.brokers[0].rack, std::optional<std::string_view>("r"));
}

TEST(messages_golden2, heartbeat_response_v2) {
  heartbeat_response r;
  r.throttle_time_ms = 9;
  r.error_code = 27;
  bytes_builder s2;
  s2.i32(9).i16(27);
  expect_golden(r, 2, s2);
}

TEST(messages_golden2, api_versions_request_v1) {
  api_versions_request req;
  req.client_software_name = "x";
  bytes_builder empty;
  auto back = expect_golden(req, 1, empty);
  EXPECT_EQ(back.client_software_name, "");
}

TEST(messages_golden2, init_producer_id_response_v0_v2_v3) {
  init_producer_id_response r;
  r.throttle_time_ms = 1;
  r.error_code = 0;
  r.producer_id = 1000;
  r.producer_epoch = 2;
  bytes_builder s0;
  s0.i32(1).i16(0).i64(1000).i16(2);
  expect_golden(r, 0, s0);
  bytes_builder s2;
  s2.i32(1).i16(0).i64(1000).i16(2).no_tags();
  expect_golden(r, 2, s2);
  auto rb = expect_golden(r, 3, s2);
  EXPECT_EQ(rb.producer_id, 1000);
}

// Every API in the supported table has golden vectors in part 1 or part 2; a new API
// must add its own here.
TEST(messages_golden2, every_supported_api_has_golden_vectors) {
  constexpr int16_t covered[] = {0,  1,  2,  3,  8,  9,  10, 11, 12, 13, 14, 15, 16,
                                 17, 18, 19, 20, 21, 22, 24, 25, 26, 28, 29, 30, 31,
                                 32, 33, 35, 36, 37, 42, 44, 45, 46, 47, 48, 49, 60};
  size_t n = 0;
  for (const auto& api : supported_apis()) {
    EXPECT_NE(std::find(std::begin(covered), std::end(covered), static_cast<int16_t>(api.key)),
              std::end(covered))
        << api.name;
    ++n;
  }
  EXPECT_EQ(n, std::size(covered));
}

}  // namespace
}  // namespace ringtail::codec
