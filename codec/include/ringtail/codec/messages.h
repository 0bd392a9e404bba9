// Every supported Kafka request and response as a struct with decode/encode, the
// (api key, version) dispatcher, and helpers that frame a whole request or response.
//
// The structs are generated at build time (codec/gen/kafka_messages.py) from the compact
// schemas in codec/schema/; their headers live in the build tree under
// ringtail/codec/gen/. Decoded strings, bytes and records are views into the receive
// buffer, which the caller keeps alive as long as the decoded message.
//
// Broker use, per request frame (the bytes after the 4-byte size prefix):
//   reader r(frame);
//   auto header = decode_request_header(r);             // any api key / version
//   auto body = decode_request_body(r, header->request_api_key, header->request_api_version);
//   switch (api_key_of(*body)) { ... std::get<produce_request>(*body) ... }
//   encode_response_frame(out, header->correlation_id, version, produce_response{...});
#pragma once

#include <cstdint>

#include "ringtail/codec/api.h"
#include "ringtail/codec/error_code.h"
#include "ringtail/codec/gen/all.h"
#include "ringtail/codec/headers.h"
#include "ringtail/codec/wire.h"

namespace ringtail::codec {

// Appends one response frame: int32 size, the response header the API calls for, the
// body at `version`.
template <typename Response>
void encode_response_frame(writer& w, int32_t correlation_id, int16_t version, const Response& body) {
  const size_t size_at = w.reserve_size_prefix();
  response_header{correlation_id, {}}.encode(w, response_header_version(Response::api_key, version));
  body.encode(w, version);
  w.patch_size_prefix(size_at);
}

// Appends one request frame: int32 size, request header (version per the API), body.
template <typename Request>
void encode_request_frame(writer& w, int32_t correlation_id, std::string_view client_id,
                          int16_t version, const Request& body) {
  const size_t size_at = w.reserve_size_prefix();
  request_header h;
  h.request_api_key = Request::api_key;
  h.request_api_version = version;
  h.correlation_id = correlation_id;
  h.client_id = client_id;
  encode_request_header(w, h);
  body.encode(w, version);
  w.patch_size_prefix(size_at);
}

}  // namespace ringtail::codec
