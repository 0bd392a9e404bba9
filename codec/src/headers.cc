#include "ringtail/codec/headers.h"

#include "ringtail/codec/api.h"

namespace ringtail::codec {

namespace {
constexpr int16_t controlled_shutdown_key = static_cast<int16_t>(api_key::controlled_shutdown);
constexpr int16_t api_versions_key = static_cast<int16_t>(api_key::api_versions);
}  // namespace

int16_t request_header_version(int16_t key, int16_t version) noexcept {
  if (key == controlled_shutdown_key && version == 0) return 0;
  return is_flexible(key, version) ? 2 : 1;
}

int16_t response_header_version(int16_t key, int16_t version) noexcept {
  if (key == api_versions_key) return 0;
  return is_flexible(key, version) ? 1 : 0;
}

result<void> request_header::decode(reader& r, int16_t header_version) {
  RT_TRY(r.field("request_api_key").read_int16(request_api_key));
  RT_TRY(r.field("request_api_version").read_int16(request_api_version));
  RT_TRY(r.field("correlation_id").read_int32(correlation_id));
  client_id = {};
  unknown_tags.clear();
  if (header_version >= 1) {
    std::optional<std::string_view> id;
    RT_TRY(r.field("client_id").read_nullable_string(id, /*compact=*/false));
    client_id = id.value_or(std::string_view{});
  }
  if (header_version >= 2) {
    RT_TRY(r.field("header_tagged_fields").read_tagged_fields(unknown_tags));
  }
  return {};
}

void request_header::encode(writer& w, int16_t header_version) const {
  w.write_int16(request_api_key);
  w.write_int16(request_api_version);
  w.write_int32(correlation_id);
  if (header_version >= 1) w.write_string(client_id, /*compact=*/false);
  if (header_version >= 2) w.write_tagged_fields(unknown_tags);
}

result<request_header> decode_request_header(reader& r) {
  // The key and version are the first four bytes of every header version; peek them.
  reader peek = r;
  int16_t key = 0;
  int16_t version = 0;
  RT_TRY(peek.field("request_api_key").read_int16(key));
  RT_TRY(peek.field("request_api_version").read_int16(version));
  request_header h;
  auto ok = h.decode(r, request_header_version(key, version));
  if (!ok) return unexpected{ok.error()};
  return h;
}

void encode_request_header(writer& w, const request_header& h) {
  h.encode(w, request_header_version(h.request_api_key, h.request_api_version));
}

result<void> response_header::decode(reader& r, int16_t header_version) {
  RT_TRY(r.field("correlation_id").read_int32(correlation_id));
  unknown_tags.clear();
  if (header_version >= 1) {
    RT_TRY(r.field("header_tagged_fields").read_tagged_fields(unknown_tags));
  }
  return {};
}

void response_header::encode(writer& w, int16_t header_version) const {
  w.write_int32(correlation_id);
  if (header_version >= 1) w.write_tagged_fields(unknown_tags);
}

}  // namespace ringtail::codec
