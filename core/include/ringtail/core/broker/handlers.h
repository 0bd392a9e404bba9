// One handler per Kafka API (core/src/broker/handlers/<api>.cc). A handler runs on the
// connection's shard, takes the decoded request and returns the response body; work on
// partitions owned by other shards goes there with io::submit_to. The dispatcher
// (dispatch.cc) decodes, switches on the API key, and encodes the response frame.
#pragma once

#include <cstdint>
#include <deque>
#include <string>

#include "ringtail/codec/messages.h"
#include "ringtail/core/broker/server.h"
#include "ringtail/core/log/buffer.h"
#include "ringtail/io/task.h"

namespace ringtail::core {

struct request_context {
  connection* conn = nullptr;
  int16_t api_version = 0;
  int32_t correlation_id = 0;
  std::string_view client_id;
  // Produce: this request's place in its connection's produce order (taken in frame
  // order; handle_produce waits for its turn and passes it on).
  uint64_t produce_ticket = 0;
  // Strings a handler builds for the response (views in the response point here).
  std::deque<std::string> strings;
  std::string_view keep(std::string s) { return strings.emplace_back(std::move(s)); }
  // Byte buffers the response's views point into (e.g. fetched records).
  std::deque<std::vector<std::byte>> buffers;
  // Zero-copy record sets: a response field holds a placeholder view whose data pointer
  // is `token`; the gathered frame sends `chunks` in its place (dispatch.cc).
  struct scattered {
    const std::byte* token;
    std::vector<log::chunk> chunks;
  };
  std::deque<scattered> scatter;
};

// Whether the dispatcher has a handler for this API key (what ApiVersions advertises).
bool broker_handles(int16_t api_key) noexcept;

// The frame handler the broker installs on every shard.
std::unique_ptr<frame_handler> make_kafka_handler();

io::task<codec::api_versions_response> handle_api_versions(request_context& ctx, const codec::api_versions_request& req);
io::task<codec::metadata_response> handle_metadata(request_context& ctx, const codec::metadata_request& req);
io::task<codec::create_topics_response> handle_create_topics(request_context& ctx, const codec::create_topics_request& req);
io::task<codec::delete_topics_response> handle_delete_topics(request_context& ctx, const codec::delete_topics_request& req);
io::task<codec::create_partitions_response> handle_create_partitions(request_context& ctx,
                                                                     const codec::create_partitions_request& req);
io::task<codec::describe_cluster_response> handle_describe_cluster(request_context& ctx,
                                                                   const codec::describe_cluster_request& req);
io::task<codec::init_producer_id_response> handle_init_producer_id(request_context& ctx,
                                                                   const codec::init_producer_id_request& req);
io::task<codec::produce_response> handle_produce(request_context& ctx, codec::produce_request& req);
io::task<codec::fetch_response> handle_fetch(request_context& ctx, const codec::fetch_request& req);
io::task<codec::list_offsets_response> handle_list_offsets(request_context& ctx, const codec::list_offsets_request& req);
io::task<codec::delete_records_response> handle_delete_records(request_context& ctx,
                                                               const codec::delete_records_request& req);
io::task<codec::describe_configs_response> handle_describe_configs(request_context& ctx,
                                                                   const codec::describe_configs_request& req);
io::task<codec::alter_configs_response> handle_alter_configs(request_context& ctx, const codec::alter_configs_request& req);
io::task<codec::incremental_alter_configs_response> handle_incremental_alter_configs(
    request_context& ctx, const codec::incremental_alter_configs_request& req);
// Consumer groups (handlers/group_*.cc; state on the coordinator shard, core/group/).
io::task<codec::find_coordinator_response> handle_find_coordinator(request_context& ctx,
                                                                   const codec::find_coordinator_request& req);
io::task<codec::join_group_response> handle_join_group(request_context& ctx, const codec::join_group_request& req);
io::task<codec::sync_group_response> handle_sync_group(request_context& ctx, const codec::sync_group_request& req);
io::task<codec::heartbeat_response> handle_heartbeat(request_context& ctx, const codec::heartbeat_request& req);
io::task<codec::leave_group_response> handle_leave_group(request_context& ctx, const codec::leave_group_request& req);
io::task<codec::offset_commit_response> handle_offset_commit(request_context& ctx,
                                                             const codec::offset_commit_request& req);
io::task<codec::offset_fetch_response> handle_offset_fetch(request_context& ctx, const codec::offset_fetch_request& req);
io::task<codec::describe_groups_response> handle_describe_groups(request_context& ctx,
                                                                 const codec::describe_groups_request& req);
io::task<codec::list_groups_response> handle_list_groups(request_context& ctx, const codec::list_groups_request& req);
io::task<codec::delete_groups_response> handle_delete_groups(request_context& ctx,
                                                             const codec::delete_groups_request& req);
io::task<codec::offset_delete_response> handle_offset_delete(request_context& ctx,
                                                             const codec::offset_delete_request& req);

// Auto-creates a topic if the broker allows it (Metadata, Produce); returns whether it
// exists now. Runs the creation on the controller.
io::task<bool> ensure_topic(std::string name);

}  // namespace ringtail::core
