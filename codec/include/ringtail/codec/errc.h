// Operating errors of the codec layer. Decoders return result<T, codec::errc>; the
// broker's request handler maps them to Kafka error codes once (e.g. truncated /
// malformed request -> close or INVALID_REQUEST, bad CRC -> CORRUPT_MESSAGE).
#pragma once

#include <cstdint>
#include <string_view>

#include "ringtail/base/result.h"

namespace ringtail::codec {

enum class errc : uint8_t {
  ok = 0,
  truncated,            // fewer bytes remain than a field needs
  negative_length,      // a length below -1 (or -1 where null is not allowed)
  length_too_large,     // a length beyond the bytes that remain or a configured limit
  varint_too_long,      // a varint longer than its type allows
  invalid_value,        // a field outside its domain (bad enum, bad boolean, ...)
  unsupported_version,  // an API version this codec does not implement
  unknown_api,          // an API key this codec does not know
  bad_magic,            // a record batch / message set with an unknown magic byte
  bad_crc,              // CRC mismatch
  invalid_record,       // a batch or record that breaks the format's own rules
  unsupported_compression,  // codec bits 5..7, or a codec not allowed here
  decompress_failed,    // the compressed payload is malformed
  output_limit,         // decompressed output would exceed the caller's limit (bombs)
};

std::string_view to_string(errc e) noexcept;

template <typename T>
using result = ringtail::result<T, errc>;

}  // namespace ringtail::codec
