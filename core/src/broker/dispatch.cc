// The Kafka request dispatcher: frame -> header -> body -> handler -> response frame.
//
// What happens to bad input, following Kafka (KafkaApis / SocketServer):
//  - a frame whose header cannot be parsed: close the connection;
//  - ApiVersions at a version we lack: error 35 with the v0 body and our ranges (KIP-511);
//  - another API at a version we lack, or an API key we do not serve: an error response
//    carrying UNSUPPORTED_VERSION after the correlation id, and the connection stays open;
//  - a body that does not parse: close (Kafka treats it as InvalidRequestException).
#include "ringtail/base/logging.h"
#include "ringtail/core/broker/broker.h"
#include "ringtail/core/broker/handlers.h"

namespace ringtail::core {

namespace {

using codec::api_key;

constexpr api_key handled[] = {
    api_key::produce,           api_key::fetch,           api_key::list_offsets,
    api_key::metadata,          api_key::api_versions,    api_key::create_topics,
    api_key::delete_topics,     api_key::delete_records,  api_key::init_producer_id,
    api_key::describe_configs,  api_key::alter_configs,   api_key::create_partitions,
    api_key::incremental_alter_configs, api_key::describe_cluster,
    // Consumer groups (handlers/group_*.cc).
    api_key::find_coordinator,  api_key::join_group,      api_key::sync_group,
    api_key::heartbeat,         api_key::leave_group,     api_key::offset_commit,
    api_key::offset_fetch,      api_key::describe_groups, api_key::list_groups,
    api_key::delete_groups,     api_key::offset_delete,
};

template <typename Response>
frame_reply reply_with(const request_context& ctx, const Response& body) {
  codec::writer w(256);
  codec::encode_response_frame(w, ctx.correlation_id, ctx.api_version, body);
  return frame_reply{w.release(), true, false};
}

// Fetch responses go out gathered: record sets are referenced (never copied into the
// frame) and placeholders expand into the log's chunks, whose owners the reply keeps.
struct gathered_reply_keep {
  codec::writer w;
  std::deque<std::vector<std::byte>> buffers;
  std::deque<request_context::scattered> scatter;
};

template <typename Response>
frame_reply reply_gathered(request_context& ctx, const Response& body) {
  auto keep = std::make_shared<gathered_reply_keep>();
  keep->w.reference_bytes_from(1);
  codec::encode_response_frame(keep->w, ctx.correlation_id, ctx.api_version, body);
  keep->buffers = std::move(ctx.buffers);
  keep->scatter = std::move(ctx.scatter);
  frame_reply reply;
  for (const auto& p : keep->w.gather()) {
    const request_context::scattered* sc = nullptr;
    for (const auto& s : keep->scatter)
      if (s.token == p.data) sc = &s;
    if (sc) {
      for (const auto& c : sc->chunks)
        reply.iov.push_back(iovec{const_cast<std::byte*>(c.bytes.data()), c.bytes.size()});
    } else {
      reply.iov.push_back(iovec{const_cast<std::byte*>(p.data), p.size});
    }
  }
  reply.keep = std::move(keep);
  return reply;
}

frame_reply close_reply() { return frame_reply{{}, false, true}; }

// Response to an API/version we do not serve: correlation id, then int16 error 35 where
// every Kafka response of a non-flexible version starts with throttle or error fields.
frame_reply unsupported_reply(int32_t correlation_id) {
  codec::writer w(16);
  const size_t at = w.reserve_size_prefix();
  w.write_int32(correlation_id);
  w.write_int16(static_cast<int16_t>(codec::error_code::unsupported_version));
  w.patch_size_prefix(at);
  return frame_reply{w.release(), true, false};
}

frame_reply api_versions_error(int32_t correlation_id) {
  codec::api_versions_response resp;
  resp.error_code = static_cast<int16_t>(codec::error_code::unsupported_version);
  for (const auto& api : codec::supported_apis()) {
    if (!api.supported() || !broker_handles(static_cast<int16_t>(api.key))) continue;
    codec::api_versions_response::api_version v;
    v.api_key = static_cast<int16_t>(api.key);
    v.min_version = api.min_version;
    v.max_version = api.max_version;
    resp.api_keys.push_back(v);
  }
  codec::writer w(512);
  codec::encode_response_frame(w, correlation_id, 0, resp);
  return frame_reply{w.release(), true, false};
}

class kafka_handler final : public frame_handler {
 public:
  io::task<frame_reply> on_frame(connection& conn, std::vector<std::byte> frame) override {
    codec::reader r(frame);
    auto header = codec::decode_request_header(r);
    if (!header) {
      RT_LOG_WARN("connection from %s: malformed request header (%s); closing", conn.peer().c_str(),
                  std::string(codec::to_string(header.error())).c_str());
      co_return close_reply();
    }
    const int16_t key = header->request_api_key;
    const int16_t version = header->request_api_version;
    if (key == static_cast<int16_t>(api_key::api_versions) && !codec::is_supported(key, version)) {
      co_return api_versions_error(header->correlation_id);
    }
    if (!broker_handles(key) || !codec::is_supported(key, version)) {
      RT_LOG_INFO("connection from %s: unsupported API key %d version %d (client %s)", conn.peer().c_str(), key,
                  version, std::string(header->client_id).c_str());
      co_return unsupported_reply(header->correlation_id);
    }
    auto body = codec::decode_request_body(r, key, version);
    if (!body) {
      RT_LOG_WARN("connection from %s: malformed %s v%d request (%s at '%s'); closing", conn.peer().c_str(),
                  std::string(codec::to_string(static_cast<api_key>(key))).c_str(), version,
                  std::string(codec::to_string(body.error())).c_str(), r.error_field() ? r.error_field() : "?");
      co_return close_reply();
    }
    request_context ctx;
    ctx.conn = &conn;
    ctx.api_version = version;
    ctx.correlation_id = header->correlation_id;
    ctx.client_id = header->client_id;
    // Nothing above suspends, and handlers start in frame order: tickets follow the
    // order the requests were sent.
    if (key == static_cast<int16_t>(api_key::produce)) ctx.produce_ticket = conn.produce_order().take();
    co_return co_await dispatch(ctx, *body);
  }

 private:
  static io::task<frame_reply> dispatch(request_context& ctx, codec::request_body& body) {
    switch (static_cast<api_key>(codec::api_key_of(body))) {
      case api_key::api_versions:
        co_return reply_with(ctx, co_await handle_api_versions(ctx, std::get<codec::api_versions_request>(body)));
      case api_key::metadata:
        co_return reply_with(ctx, co_await handle_metadata(ctx, std::get<codec::metadata_request>(body)));
      case api_key::create_topics:
        co_return reply_with(ctx, co_await handle_create_topics(ctx, std::get<codec::create_topics_request>(body)));
      case api_key::delete_topics:
        co_return reply_with(ctx, co_await handle_delete_topics(ctx, std::get<codec::delete_topics_request>(body)));
      case api_key::create_partitions:
        co_return reply_with(ctx,
                             co_await handle_create_partitions(ctx, std::get<codec::create_partitions_request>(body)));
      case api_key::describe_cluster:
        co_return reply_with(ctx, co_await handle_describe_cluster(ctx, std::get<codec::describe_cluster_request>(body)));
      case api_key::init_producer_id:
        co_return reply_with(ctx, co_await handle_init_producer_id(ctx, std::get<codec::init_producer_id_request>(body)));
      case api_key::produce: {
        auto& req = std::get<codec::produce_request>(body);
        auto resp = co_await handle_produce(ctx, req);
        if (req.acks == 0) co_return frame_reply{{}, false, false};  // acks=0: no response at all
        co_return reply_with(ctx, resp);
      }
      case api_key::fetch: {
        auto resp = co_await handle_fetch(ctx, std::get<codec::fetch_request>(body));
        co_return reply_gathered(ctx, resp);
      }
      case api_key::list_offsets:
        co_return reply_with(ctx, co_await handle_list_offsets(ctx, std::get<codec::list_offsets_request>(body)));
      case api_key::delete_records:
        co_return reply_with(ctx, co_await handle_delete_records(ctx, std::get<codec::delete_records_request>(body)));
      case api_key::describe_configs:
        co_return reply_with(ctx, co_await handle_describe_configs(ctx, std::get<codec::describe_configs_request>(body)));
      case api_key::alter_configs:
        co_return reply_with(ctx, co_await handle_alter_configs(ctx, std::get<codec::alter_configs_request>(body)));
      case api_key::incremental_alter_configs:
        co_return reply_with(ctx, co_await handle_incremental_alter_configs(
                                      ctx, std::get<codec::incremental_alter_configs_request>(body)));
      case api_key::find_coordinator:
        co_return reply_with(ctx, co_await handle_find_coordinator(ctx, std::get<codec::find_coordinator_request>(body)));
      case api_key::join_group:
        co_return reply_with(ctx, co_await handle_join_group(ctx, std::get<codec::join_group_request>(body)));
      case api_key::sync_group:
        co_return reply_with(ctx, co_await handle_sync_group(ctx, std::get<codec::sync_group_request>(body)));
      case api_key::heartbeat:
        co_return reply_with(ctx, co_await handle_heartbeat(ctx, std::get<codec::heartbeat_request>(body)));
      case api_key::leave_group:
        co_return reply_with(ctx, co_await handle_leave_group(ctx, std::get<codec::leave_group_request>(body)));
      case api_key::offset_commit:
        co_return reply_with(ctx, co_await handle_offset_commit(ctx, std::get<codec::offset_commit_request>(body)));
      case api_key::offset_fetch:
        co_return reply_with(ctx, co_await handle_offset_fetch(ctx, std::get<codec::offset_fetch_request>(body)));
      case api_key::describe_groups:
        co_return reply_with(ctx, co_await handle_describe_groups(ctx, std::get<codec::describe_groups_request>(body)));
      case api_key::list_groups:
        co_return reply_with(ctx, co_await handle_list_groups(ctx, std::get<codec::list_groups_request>(body)));
      case api_key::delete_groups:
        co_return reply_with(ctx, co_await handle_delete_groups(ctx, std::get<codec::delete_groups_request>(body)));
      case api_key::offset_delete:
        co_return reply_with(ctx, co_await handle_offset_delete(ctx, std::get<codec::offset_delete_request>(body)));
      default:
        co_return unsupported_reply(ctx.correlation_id);
    }
  }
};

}  // namespace

bool broker_handles(int16_t key) noexcept {
  for (api_key k : handled)
    if (static_cast<int16_t>(k) == key) return true;
  return false;
}

std::unique_ptr<frame_handler> make_kafka_handler() { return std::make_unique<kafka_handler>(); }

}  // namespace ringtail::core
