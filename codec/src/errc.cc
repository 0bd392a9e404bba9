#include "ringtail/codec/errc.h"

namespace ringtail::codec {

std::string_view to_string(errc e) noexcept {
  switch (e) {
    case errc::ok: return "ok";
    case errc::truncated: return "truncated";
    case errc::negative_length: return "negative length";
    case errc::length_too_large: return "length too large";
    case errc::varint_too_long: return "varint too long";
    case errc::invalid_value: return "invalid value";
    case errc::unsupported_version: return "unsupported version";
    case errc::unknown_api: return "unknown api";
    case errc::bad_magic: return "bad magic";
    case errc::bad_crc: return "bad crc";
    case errc::invalid_record: return "invalid record";
    case errc::unsupported_compression: return "unsupported compression";
    case errc::decompress_failed: return "decompression failed";
    case errc::output_limit: return "output limit exceeded";
  }
  return "unknown";
}

}  // namespace ringtail::codec
