// __consumer_offsets records in Kafka's formats (core/group/records.h): exact bytes of the
// keys, round trips of values through the replay, tombstones.
#include <gtest/gtest.h>

#include "ringtail/core/group/records.h"

namespace ringtail::core::group {
namespace {

std::vector<std::byte> bytes_of(std::initializer_list<int> v) {
  std::vector<std::byte> out;
  for (int b : v) out.push_back(static_cast<std::byte>(b));
  return out;
}

TEST(group_records, offset_commit_key_v1_layout) {
  // version 1 | "g" | "t" | partition 3
  EXPECT_EQ(encode_offset_commit_key("g", {"t", 3}),
            bytes_of({0, 1, 0, 1, 'g', 0, 1, 't', 0, 0, 0, 3}));
}

TEST(group_records, group_metadata_key_v2_layout) {
  EXPECT_EQ(encode_group_metadata_key("ab"), bytes_of({0, 2, 0, 2, 'a', 'b'}));
}

TEST(group_records, offset_commit_value_v3_layout) {
  committed_offset o{42, 7, "md", 1000, -1};
  EXPECT_EQ(encode_offset_commit_value(o), bytes_of({0, 3,                       // version
                                                     0, 0, 0, 0, 0, 0, 0, 42,    // offset
                                                     0, 0, 0, 7,                 // leader epoch
                                                     0, 2, 'm', 'd',             // metadata
                                                     0, 0, 0, 0, 0, 0, 3, 0xe8}));  // commit ts
}

TEST(group_records, replay_folds_offsets_groups_and_tombstones) {
  offsets_replay r;
  committed_offset o1{10, -1, "", 5, -1};
  committed_offset o2{20, 3, "x", 6, 99};
  ASSERT_TRUE(r.apply(encode_offset_commit_key("g", {"t", 0}), encode_offset_commit_value(o1)));
  ASSERT_TRUE(r.apply(encode_offset_commit_key("g", {"t", 1}), encode_offset_commit_value(o1)));
  ASSERT_TRUE(r.apply(encode_offset_commit_key("g", {"t", 0}), encode_offset_commit_value(o2)));
  ASSERT_TRUE(r.apply(encode_offset_commit_key("g", {"t", 1}), std::nullopt));

  group_snapshot s;
  s.group_id = "g";
  s.protocol_type = "consumer";
  s.generation = 4;
  s.protocol_name = "range";
  s.leader = "m1";
  s.current_state_timestamp_ms = 1234;
  s.members.push_back({"m1", std::nullopt, "c1", "/127.0.0.1", 300000, 10000, "sub", "asg"});
  s.members.push_back({"m2", "inst", "c2", "/127.0.0.2", 300000, 45000, std::string("\0\1", 2), ""});
  ASSERT_TRUE(r.apply(encode_group_metadata_key("g"), encode_group_metadata_value(s)));
  ASSERT_TRUE(r.apply(encode_group_metadata_key("gone"), encode_group_metadata_value(s)));
  ASSERT_TRUE(r.apply(encode_group_metadata_key("gone"), std::nullopt));

  auto& groups = r.groups();
  ASSERT_EQ(groups.count("g"), 1u);
  const loaded_group& g = groups.at("g");
  ASSERT_EQ(g.offsets.size(), 1u);
  const committed_offset& got = g.offsets.at({"t", 0});
  EXPECT_EQ(got.offset, 20);
  EXPECT_EQ(got.metadata, "x");
  EXPECT_EQ(got.expire_timestamp_ms, 99) << "v1 carries the expire timestamp";
  EXPECT_EQ(got.leader_epoch, -1) << "v1 has no leader epoch";
  ASSERT_TRUE(g.metadata);
  EXPECT_EQ(g.metadata->generation, 4);
  EXPECT_EQ(g.metadata->protocol_name, "range");
  EXPECT_EQ(g.metadata->leader, "m1");
  EXPECT_EQ(g.metadata->current_state_timestamp_ms, 1234);
  ASSERT_EQ(g.metadata->members.size(), 2u);
  EXPECT_EQ(g.metadata->members[1].group_instance_id, "inst");
  EXPECT_EQ(g.metadata->members[1].session_timeout_ms, 45000);
  EXPECT_EQ(g.metadata->members[1].subscription, std::string("\0\1", 2));
  EXPECT_EQ(g.metadata->members[0].assignment, "asg");
  EXPECT_FALSE(groups.at("gone").metadata);
  EXPECT_TRUE(groups.at("gone").metadata_deleted);
}

TEST(group_records, loaded_group_restores_state) {
  group_snapshot s;
  s.group_id = "g";
  s.protocol_type = "consumer";
  s.generation = 3;
  s.protocol_name = "range";
  s.leader = "m1";
  s.members.push_back({"m1", "i1", "c1", "/h", 300000, 10000, "sub", "asg"});
  struct null_store final : group_store {
    void store_group(const group_snapshot&, std::function<void(codec::error_code)> done) override {
      done(codec::error_code::none);
    }
  } store;
  log::fake_clock clock;
  group_config cfg;
  auto g = std::make_shared<group>("g", cfg, clock, store);
  g->load(s);
  EXPECT_EQ(g->state(), group_state::stable);
  EXPECT_EQ(g->generation_id(), 3);
  EXPECT_EQ(g->heartbeat("m1", "i1", 3), codec::error_code::none);
  EXPECT_EQ(g->members().at("m1").assignment, "asg");
  clock.advance_ms(10001);
  g->on_timer();
  EXPECT_EQ(g->state(), group_state::empty) << "a member that never comes back expires";
}

}  // namespace
}  // namespace ringtail::core::group
