// Request header v0/v1/v2 and response header v0/v1.
//
// Byte layout (RequestHeader.json / ResponseHeader.json):
//   request v0: int16 request_api_key, int16 request_api_version, int32 correlation_id
//   request v1: v0 + client_id (int16-length nullable string)
//   request v2: v1 + tagged fields. client_id stays an int16-length string even here,
//               so that any broker can parse the header of an ApiVersions request of
//               any version (KIP-511).
//   response v0: int32 correlation_id
//   response v1: v0 + tagged fields
// Which version an API uses follows its flexible-version rule (api.h): flexible ->
// request v2 / response v1, else request v1 / response v0; ApiVersions responses always
// use response header v0 (a client that does not know the broker's versions yet must be
// able to read it), and ControlledShutdown v0 alone uses request header v0.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "ringtail/codec/wire.h"

namespace ringtail::codec {

int16_t request_header_version(int16_t api_key, int16_t api_version) noexcept;
int16_t response_header_version(int16_t api_key, int16_t api_version) noexcept;

struct request_header {
  int16_t request_api_key = 0;
  int16_t request_api_version = 0;
  int32_t correlation_id = 0;
  // v1+. A null client id on the wire reads as "" (Kafka does the same).
  std::string_view client_id;
  // v2+: header tagged fields, none of which Kafka 3.9 defines.
  std::vector<tagged_field> unknown_tags;

  [[nodiscard]] result<void> decode(reader& r, int16_t header_version);
  void encode(writer& w, int16_t header_version) const;
};

// Reads a request header, choosing its version from the api key and version it starts
// with. Works for any api key/version (an unknown key is read as header v1), so the
// broker can always answer with the right correlation id.
[[nodiscard]] result<request_header> decode_request_header(reader& r);
// Writes `h` with the header version its api key and version call for.
void encode_request_header(writer& w, const request_header& h);

struct response_header {
  int32_t correlation_id = 0;
  std::vector<tagged_field> unknown_tags;  // v1+

  [[nodiscard]] result<void> decode(reader& r, int16_t header_version);
  void encode(writer& w, int16_t header_version) const;
};

}  // namespace ringtail::codec
