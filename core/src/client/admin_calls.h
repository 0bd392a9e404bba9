// Private to core/src/client: the pieces admin.cc and admin_groups.cc share to build the
// admin calls on admin::with_retries — one request's exchange and the verdicts of a try.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "requests.h"

#include "ringtail/core/client/admin.h"

namespace ringtail::core::client {

// The broker speaks no version of `api` (e.g. "CreateTopics", "OffsetFetch v2+") in the
// range this client does.
inline unexpected<admin_error> unsupported(const std::string& api) {
  return admin_fail(error::of(errc::unsupported_version), "the broker does not support " + api);
}

// A try that failed with `e` (a lost connection, a timeout, a broker's error): worth
// another when `e` is retriable.
inline admin_failure retry_if_retriable(error e) { return admin_failure{admin_error{e, {}}, e.retriable()}; }

// A response decoded at the version it was asked at. `body`'s strings view `frame`'s
// bytes, which stay put when the vector holding them moves: a decoded_response may move,
// never be copied.
template <typename Response>
struct decoded_response {
  explicit decoded_response(response_frame f) : frame(std::move(f)) {}
  decoded_response(decoded_response&&) noexcept = default;
  decoded_response(const decoded_response&) = delete;
  decoded_response& operator=(const decoded_response&) = delete;

  response_frame frame;
  Response body;
};

// Sends `req` on `c` at version `v` and decodes the response. A call that fails is a
// failed try, worth another when its error is retriable; a response that does not
// decode is a final protocol error.
template <typename Response, typename Request>
io::task<ringtail::result<decoded_response<Response>, admin_failure>> exchange(broker_connection* c, Request req,
                                                                               int16_t v) {
  auto resp = co_await c->call(req, v);
  if (!resp) co_return unexpected{retry_if_retriable(resp.error())};
  decoded_response<Response> out(std::move(*resp));
  codec::reader rd = out.frame.body();
  if (!out.body.decode(rd, v)) co_return unexpected{admin_failure{admin_error{error::of(errc::protocol), {}}, false}};
  co_return std::move(out);
}

// The answer to a call about one resource: success, or the broker's error with its message.
inline admin_result<void> answer(int16_t error_code, const std::optional<std::string_view>& message) {
  if (error_code != 0) return admin_fail(error::from_kafka(error_code), opt_string(message));
  return {};
}

}  // namespace ringtail::core::client
