// libFuzzer target: one request frame (without its 4-byte size prefix) -> request header
// (any api key / version) -> request body through the dispatcher. Properties: no crash,
// no sanitizer report, no huge allocation; and whatever decodes re-encodes to bytes
// that decode again and re-encode identically (decode∘encode is stable).
// Seed corpus: tests/fuzz/corpus/request/ (real client frames + generated samples).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "ringtail/codec/messages.h"

using namespace ringtail::codec;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  reader r(bytes_view(reinterpret_cast<const std::byte*>(data), size));
  auto header = decode_request_header(r);
  if (!header) return 0;
  const int16_t key = header->request_api_key;
  const int16_t version = header->request_api_version;
  auto body = decode_request_body(r, key, version);
  if (!body) return 0;

  writer first;
  encode_body(first, *body, version);
  reader again(first.bytes());
  auto body2 = decode_request_body(again, key, version);
  RT_ASSERT(body2.has_value(), "re-encoded request must decode");
  RT_ASSERT(again.empty(), "re-encoded request must decode to its end");
  writer second;
  encode_body(second, *body2, version);
  RT_ASSERT(first.size() == second.size() &&
                std::equal(first.bytes().begin(), first.bytes().end(), second.bytes().begin()),
            "encode(decode(encode(x))) must equal encode(x)");
  return 0;
}
