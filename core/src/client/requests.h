// Private to core/src/client: what the client's Kafka calls (cluster.cc, admin.cc,
// admin_groups.cc) share — the requests more than one call fills the same way, and the
// optional strings of decoded responses.
//
// Request builders return codec structs whose strings view their arguments: keep those
// alive until the request has been sent.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ringtail/codec/messages.h"

namespace ringtail::core::client {

// ---------------------------------------------------------------------------------------
// Requests

// Metadata for `topics`, or for every topic when `all_topics`. An empty (not null) topic
// list asks for the brokers only.
inline codec::metadata_request metadata_request_for(const std::vector<std::string>& topics, bool all_topics,
                                                    bool auto_create) {
  codec::metadata_request req;
  if (!all_topics) {
    req.topics.emplace();
    for (const auto& t : topics) {
      codec::metadata_request::metadata_request_topic rt;
      rt.name = t;
      req.topics->push_back(rt);
    }
  }
  req.allow_auto_topic_creation = auto_create;
  return req;
}

// (name, value) string pairs as a request's config entries (CreateTopics' topic configs,
// AlterConfigs' alterable configs).
template <typename Entry, typename Configs>
std::vector<Entry> config_entries(const Configs& configs) {
  std::vector<Entry> out;
  for (const auto& [k, val] : configs) {
    Entry e;
    e.name = k;
    e.value = std::string_view(val);
    out.push_back(e);
  }
  return out;
}

// A CreateTopics entry. `configs`: (name, value) pairs of strings.
template <typename Configs>
codec::create_topics_request::creatable_topic creatable_topic_for(const std::string& name, int32_t partitions,
                                                                  int16_t replication_factor, const Configs& configs) {
  codec::create_topics_request::creatable_topic t;
  t.name = name;
  t.num_partitions = partitions;
  t.replication_factor = replication_factor;
  t.configs = config_entries<codec::create_topics_request::creatable_topic_config>(configs);
  return t;
}

// The entry for `topic` in a request's per-topic list: the last one when it is for
// `topic`, else a new one. Partitions given in topic order thus share one entry per topic.
template <typename Topics>
auto& topic_entry(Topics& topics, const std::string& topic) {
  if (topics.empty() || topics.back().name != topic) {
    topics.emplace_back();
    topics.back().name = topic;
  }
  return topics.back();
}

// ---------------------------------------------------------------------------------------
// Responses

inline std::string opt_string(const std::optional<std::string_view>& s) { return s ? std::string(*s) : std::string(); }

inline std::optional<std::string> copy_opt(const std::optional<std::string_view>& s) {
  if (!s) return std::nullopt;
  return std::string(*s);
}

}  // namespace ringtail::core::client
