// ApiVersions (key 18): the ranges we accept. Quirks (CLIENT_VERSIONS.md): an unsupported
// ApiVersions version is answered with error 35 and the v0 body listing our ranges, so
// librdkafka can retry with a version we have; client software name/version are
// accepted leniently (no INVALID_REQUEST round trip).
#include "ringtail/core/broker/handlers.h"

namespace ringtail::core {

io::task<codec::api_versions_response> handle_api_versions(request_context& ctx, const codec::api_versions_request&) {
  codec::api_versions_response resp;
  for (const auto& api : codec::supported_apis()) {
    if (!api.supported() || !broker_handles(static_cast<int16_t>(api.key))) continue;
    codec::api_versions_response::api_version v;
    v.api_key = static_cast<int16_t>(api.key);
    v.min_version = api.min_version;
    v.max_version = api.max_version;
    resp.api_keys.push_back(v);
  }
  co_return resp;
}

}  // namespace ringtail::core
