// InitProducerId (22) for idempotent producers: a fresh producer id from the
// controller's persisted block, epoch 0. Producer id/epoch in the request are ignored
// for a producer without a transactional id (quirk 18: @platformatic sends 0/0).
// Transactional ids are not supported yet (transactions come later).
#include "ringtail/core/broker/broker.h"
#include "ringtail/core/broker/controller.h"
#include "ringtail/core/broker/handlers.h"
#include "ringtail/io/cross_shard.h"

namespace ringtail::core {

namespace {
io::task<result<int64_t, codec::error_code>> allocate_on_controller() {
  co_return co_await the_controller().allocate_producer_id();
}
}  // namespace

io::task<codec::init_producer_id_response> handle_init_producer_id(request_context&,
                                                                   const codec::init_producer_id_request& req) {
  codec::init_producer_id_response resp;
  if (req.transactional_id && !req.transactional_id->empty()) {
    // No transaction coordinator yet: say so with the error clients treat as fatal and clear.
    resp.error_code = static_cast<int16_t>(codec::error_code::transactional_id_authorization_failed);
    co_return resp;
  }
  auto id = co_await io::submit_to(0, [] { return allocate_on_controller(); });
  if (!id) {
    resp.error_code = static_cast<int16_t>(id.error());
    co_return resp;
  }
  resp.producer_id = *id;
  resp.producer_epoch = 0;
  co_return resp;
}

}  // namespace ringtail::core
