#include "ringtail/core/group/records.h"

#include "ringtail/codec/gen/consumer_offsets.h"
#include "ringtail/codec/wire.h"

namespace ringtail::core::group {

namespace {

codec::bytes_view as_view(const std::string& s) { return std::as_bytes(std::span<const char>(s.data(), s.size())); }
std::string to_string(codec::bytes_view b) { return std::string(reinterpret_cast<const char*>(b.data()), b.size()); }
std::optional<std::string> to_optional(const std::optional<std::string_view>& s) {
  return s ? std::optional<std::string>(std::string(*s)) : std::nullopt;
}

}  // namespace

std::vector<std::byte> encode_offset_commit_key(std::string_view group_id, const topic_partition& tp) {
  codec::writer w(64);
  w.write_int16(offset_commit_key_version);
  codec::offset_commit_key k;
  k.group = group_id;
  k.topic = tp.topic;
  k.partition = tp.partition;
  k.encode(w, offset_commit_key_version);
  return w.release();
}

std::vector<std::byte> encode_offset_commit_value(const committed_offset& o) {
  const int16_t version = o.expire_timestamp_ms >= 0 ? offset_commit_value_version_with_expiry : offset_commit_value_version;
  codec::writer w(64);
  w.write_int16(version);
  codec::offset_commit_value v;
  v.offset = o.offset;
  v.leader_epoch = o.leader_epoch;
  v.metadata = o.metadata;
  v.commit_timestamp = o.commit_timestamp_ms;
  v.expire_timestamp = o.expire_timestamp_ms;
  v.encode(w, version);
  return w.release();
}

std::vector<std::byte> encode_group_metadata_key(std::string_view group_id) {
  codec::writer w(32);
  w.write_int16(group_metadata_key_version);
  codec::group_metadata_key k;
  k.group = group_id;
  k.encode(w, group_metadata_key_version);
  return w.release();
}

std::vector<std::byte> encode_group_metadata_value(const group_snapshot& s) {
  codec::writer w(256);
  w.write_int16(group_metadata_value_version);
  codec::group_metadata_value v;
  v.protocol_type = s.protocol_type;
  v.generation = s.generation;
  if (s.protocol_name) v.protocol = *s.protocol_name;
  if (s.leader) v.leader = *s.leader;
  v.current_state_timestamp = s.current_state_timestamp_ms;
  v.members.reserve(s.members.size());
  for (const auto& m : s.members) {
    auto& e = v.members.emplace_back();
    e.member_id = m.member_id;
    if (m.group_instance_id) e.group_instance_id = *m.group_instance_id;
    e.client_id = m.client_id;
    e.client_host = m.client_host;
    e.rebalance_timeout = m.rebalance_timeout_ms;
    e.session_timeout = m.session_timeout_ms;
    e.subscription = as_view(m.subscription);
    e.assignment = as_view(m.assignment);
  }
  v.encode(w, group_metadata_value_version);
  return w.release();
}

result<void, std::string> offsets_replay::apply(std::span<const std::byte> key,
                                                std::optional<std::span<const std::byte>> value) {
  ++records_;
  codec::reader kr(key);
  int16_t key_version = -1;
  if (!kr.read_int16(key_version)) return unexpected{std::string("key too short")};
  if (key_version == 0 || key_version == 1) {
    codec::offset_commit_key k;
    if (!k.decode(kr, key_version)) return unexpected{std::string("bad OffsetCommitKey")};
    loaded_group& g = groups_[std::string(k.group)];
    topic_partition tp{std::string(k.topic), k.partition};
    if (!value) {
      g.offsets.erase(tp);
      return {};
    }
    codec::reader vr(*value);
    int16_t vv = -1;
    if (!vr.read_int16(vv) || vv < 0 || vv > codec::offset_commit_value::max_version)
      return unexpected{std::string("bad OffsetCommitValue version")};
    codec::offset_commit_value v;
    if (!v.decode(vr, vv)) return unexpected{std::string("bad OffsetCommitValue")};
    committed_offset o;
    o.offset = v.offset;
    o.leader_epoch = v.leader_epoch;
    o.metadata = std::string(v.metadata);
    o.commit_timestamp_ms = v.commit_timestamp;
    o.expire_timestamp_ms = vv == 1 ? v.expire_timestamp : -1;
    g.offsets[std::move(tp)] = std::move(o);
    return {};
  }
  if (key_version == 2) {
    codec::group_metadata_key k;
    if (!k.decode(kr, key_version)) return unexpected{std::string("bad GroupMetadataKey")};
    loaded_group& g = groups_[std::string(k.group)];
    if (!value) {
      // The group was deleted: its offsets were tombstoned before this record.
      g.metadata.reset();
      g.metadata_deleted = true;
      return {};
    }
    codec::reader vr(*value);
    int16_t vv = -1;
    if (!vr.read_int16(vv) || vv < 0 || vv > codec::group_metadata_value::max_version)
      return unexpected{std::string("bad GroupMetadataValue version")};
    codec::group_metadata_value v;
    if (!v.decode(vr, vv)) return unexpected{std::string("bad GroupMetadataValue")};
    group_snapshot s;
    s.group_id = std::string(k.group);
    s.protocol_type = std::string(v.protocol_type);
    s.generation = v.generation;
    s.protocol_name = to_optional(v.protocol);
    s.leader = to_optional(v.leader);
    s.current_state_timestamp_ms = v.current_state_timestamp;
    for (const auto& m : v.members) {
      group_snapshot::member_entry e;
      e.member_id = std::string(m.member_id);
      e.group_instance_id = to_optional(m.group_instance_id);
      e.client_id = std::string(m.client_id);
      e.client_host = std::string(m.client_host);
      e.rebalance_timeout_ms = vv >= 1 ? m.rebalance_timeout : m.session_timeout;
      e.session_timeout_ms = m.session_timeout;
      e.subscription = to_string(m.subscription);
      e.assignment = to_string(m.assignment);
      s.members.push_back(std::move(e));
    }
    g.metadata = std::move(s);
    g.metadata_deleted = false;
    return {};
  }
  return {};  // other record types (e.g. Kafka 3.x consumer-protocol records): not ours
}

}  // namespace ringtail::core::group
