#include "ringtail/core/broker/metadata.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <random>
#include <set>
#include <sstream>

#include "ringtail/codec/crc32c.h"

namespace ringtail::core {

bool valid_topic_name(std::string_view name) noexcept {
  if (name.empty() || name.size() > 249 || name == "." || name == "..") return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

codec::uuid random_uuid() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  codec::uuid u;
  for (size_t i = 0; i < 16; i += 8) {
    uint64_t v = rng();
    for (size_t j = 0; j < 8; ++j) u.bytes[i + j] = std::byte(static_cast<uint8_t>(v >> (8 * j)));
  }
  // Version 4, variant 1, as Kafka's Uuid.randomUuid() does.
  u.bytes[6] = (u.bytes[6] & std::byte{0x0f}) | std::byte{0x40};
  u.bytes[8] = (u.bytes[8] & std::byte{0x3f}) | std::byte{0x80};
  return u;
}

std::string uuid_to_hex(const codec::uuid& id) {
  static const char* digits = "0123456789abcdef";
  std::string s;
  for (auto b : id.bytes) {
    s += digits[std::to_integer<int>(b) >> 4];
    s += digits[std::to_integer<int>(b) & 15];
  }
  return s;
}

std::optional<codec::uuid> uuid_from_hex(std::string_view hex) {
  if (hex.size() != 32) return std::nullopt;
  codec::uuid u;
  auto val = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  for (size_t i = 0; i < 16; ++i) {
    int hi = val(hex[2 * i]), lo = val(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    u.bytes[i] = std::byte(static_cast<uint8_t>(hi * 16 + lo));
  }
  return u;
}

std::string encode_metadata(const metadata_image& image, const std::string& cluster_id, int64_t producer_id_block_end) {
  std::ostringstream o;
  o << "ringtail-metadata 2\n";
  o << "cluster.id " << cluster_id << "\n";
  o << "producer.id.block.end " << producer_id_block_end << "\n";
  for (const auto& [name, t] : image.topics) {
    o << "topic " << name << " " << uuid_to_hex(t.id) << " " << t.partitions.size() << " " << (t.internal ? 1 : 0)
      << "\n";
    for (const auto& p : t.partitions) o << "partition " << name << " " << p.index << " " << p.shard << " " << p.leader_epoch << "\n";
    for (const auto& [k, v] : t.configs) o << "config " << name << " " << k << " " << v << "\n";
  }
  // Version 2: a CRC-32C of every byte before the checksum line, so that a damaged file
  // stops the start instead of being "repaired" into a wrong state and written back.
  std::string text = o.str();
  char crc[16];
  std::snprintf(crc, sizeof crc, "%08x", codec::crc32c(std::as_bytes(std::span<const char>(text))));
  text += "checksum ";
  text += crc;
  text += "\nend\n";  // a file without this line was cut short
  return text;
}

result<decoded_metadata, std::string> decode_metadata(const std::string& text) {
  decoded_metadata d;
  std::istringstream in(text);
  std::string line;
  int lineno = 0;
  int version = 0;
  bool ended = false;
  bool checksummed = false;
  std::map<std::string, std::vector<bool>> seen;  // topic -> partition records present
  std::set<std::string> ids;
  auto bad = [&](const std::string& why) {
    return unexpected{"metadata line " + std::to_string(lineno) + ": " + why};
  };
  // Version 2: the checksum first, so that damage is reported as damage, not as the
  // inconsistency it happens to produce.
  if (text.rfind("ringtail-metadata 2\n", 0) == 0) {
    const size_t at = text.rfind("\nchecksum ");
    if (at == std::string::npos) return unexpected{std::string("metadata file has no checksum record")};
    const std::string hex = text.substr(at + 10, 8);
    char want[16];
    std::snprintf(want, sizeof want, "%08x", codec::crc32c(std::as_bytes(std::span<const char>(text.data(), at + 1))));
    if (hex != want) {
      return unexpected{"metadata checksum mismatch (file " + hex + ", contents " + want + "): the file is damaged"};
    }
  }
  while (std::getline(in, line)) {
    ++lineno;
    if (ended) return bad("data after the end record");
    std::istringstream ls(line);
    std::string kind;
    ls >> kind;
    if (lineno == 1) {
      ls >> version;
      if (kind != "ringtail-metadata" || (version != 1 && version != 2))
        return bad("not a ringtail metadata file (version 1 or 2)");
      continue;
    }
    if (kind == "cluster.id") {
      ls >> d.cluster_id;
    } else if (kind == "producer.id.block.end") {
      ls >> d.producer_id_block_end;
      if (!ls || d.producer_id_block_end < 0) return bad("bad producer.id.block.end");
    } else if (kind == "topic") {
      std::string name, hex;
      int64_t count = -1;
      int internal = 0;
      ls >> name >> hex >> count >> internal;
      auto id = uuid_from_hex(hex);
      if (!ls || !id || !valid_topic_name(name)) return bad("bad topic record");
      if (count <= 0 || count > max_partitions_per_topic) return bad("topic " + name + ": bad partition count");
      if (d.image.topics.count(name)) return bad("topic " + name + " appears twice");
      if (!ids.insert(hex).second) return bad("topic id " + hex + " appears twice");
      topic_info t;
      t.name = name;
      t.id = *id;
      t.internal = internal != 0;
      t.partitions.resize(static_cast<size_t>(count));
      d.image.topics.emplace(name, std::move(t));
      seen[name].assign(static_cast<size_t>(count), false);
    } else if (kind == "partition") {
      std::string name;
      int32_t index = 0, epoch = 0;
      unsigned shard = 0;
      ls >> name >> index >> shard >> epoch;
      auto it = d.image.topics.find(name);
      if (!ls || it == d.image.topics.end() || index < 0 || index >= static_cast<int32_t>(it->second.partitions.size()))
        return bad("bad partition record");
      std::vector<bool>& present = seen[name];
      if (present[static_cast<size_t>(index)])
        return bad("partition " + name + "-" + std::to_string(index) + " appears twice");
      present[static_cast<size_t>(index)] = true;
      auto& p = it->second.partitions[static_cast<size_t>(index)];
      p.index = index;
      p.shard = shard;
      p.leader_epoch = epoch;
    } else if (kind == "config") {
      std::string name, key, value;
      ls >> name >> key;
      std::getline(ls, value);
      if (!value.empty() && value[0] == ' ') value.erase(0, 1);
      auto it = d.image.topics.find(name);
      if (it == d.image.topics.end() || key.empty()) return bad("bad config record");
      it->second.configs[key] = value;
    } else if (kind == "checksum") {
      if (version < 2) return bad("a checksum in a version 1 file");
      checksummed = true;  // verified above
    } else if (kind == "end") {
      ended = true;
    } else if (!kind.empty()) {
      return bad("unknown record '" + kind + "'");
    }
  }
  if (!ended) return unexpected{std::string("metadata file is incomplete (no end record)")};
  if (version >= 2 && !checksummed) return unexpected{std::string("metadata file has no checksum record")};
  for (const auto& [name, present] : seen) {
    const auto missing = static_cast<size_t>(std::count(present.begin(), present.end(), false));
    if (missing > 0) {
      return unexpected{"metadata: topic " + name + " announces " + std::to_string(present.size()) +
                        " partitions but " + std::to_string(missing) + " of them have no partition record"};
    }
  }
  return d;
}

}  // namespace ringtail::core
