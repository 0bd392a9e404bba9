// FindCoordinator (10): which broker coordinates a group (key type 0) or a transactional
// id (key type 1). A single node coordinates everything, so the answer is always this
// broker; for groups, __consumer_offsets is created on first use (Kafka does the same),
// so that the coordinator's partition exists before the client's JoinGroup arrives.
// v0–3 ask for one key; v4 batches keys (KIP-699). librdkafka needs this API from v0.
#include "ringtail/core/broker/broker.h"
#include "ringtail/core/broker/handlers.h"
#include "ringtail/core/group/coordinator.h"

namespace ringtail::core {

namespace {

using codec::error_code;

constexpr int8_t key_type_group = 0;
constexpr int8_t key_type_transaction = 1;

struct coordinator_answer {
  error_code error = error_code::none;
  int32_t node_id = -1;
  std::string_view host;
  int32_t port = -1;
};

io::task<coordinator_answer> find_one(std::string_view key, int8_t key_type) {
  coordinator_answer a;
  (void)key;
  if (key_type != key_type_group && key_type != key_type_transaction) {
    a.error = error_code::invalid_request;
    co_return a;
  }
  if (key_type == key_type_group && !co_await group::ensure_offsets_topic()) {
    a.error = error_code::coordinator_not_available;
    co_return a;
  }
  const broker_context& b = broker();
  a.node_id = b.config.node_id;
  a.host = b.advertised_host;
  a.port = b.advertised_port;
  co_return a;
}

}  // namespace

io::task<codec::find_coordinator_response> handle_find_coordinator(request_context& ctx,
                                                                   const codec::find_coordinator_request& req) {
  codec::find_coordinator_response resp;
  if (ctx.api_version >= 4) {
    for (std::string_view key : req.coordinator_keys) {
      coordinator_answer a = co_await find_one(key, req.key_type);
      auto& c = resp.coordinators.emplace_back();
      c.key = key;
      c.node_id = a.node_id;
      c.host = a.host;
      c.port = a.port;
      c.error_code = static_cast<int16_t>(a.error);
      if (a.error != error_code::none) c.error_message = ctx.keep(std::string(codec::to_string(a.error)));
    }
    co_return resp;
  }
  const int8_t key_type = ctx.api_version >= 1 ? req.key_type : key_type_group;
  coordinator_answer a = co_await find_one(req.key, key_type);
  resp.error_code = static_cast<int16_t>(a.error);
  resp.node_id = a.node_id;
  resp.host = a.host;
  resp.port = a.port;
  if (a.error != error_code::none) resp.error_message = ctx.keep(std::string(codec::to_string(a.error)));
  co_return resp;
}

}  // namespace ringtail::core
