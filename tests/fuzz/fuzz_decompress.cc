// libFuzzer target: the decompressors. The first byte selects the codec (low 2 bits:
// gzip, snappy, lz4, zstd) and, for lz4, whether the header checksum is ignored (bit 2,
// the magic-0 path); the rest is the compressed payload. The output limit must hold for
// every input.
#include <cstddef>
#include <cstdint>

#include "ringtail/codec/compression.h"

namespace {
constexpr size_t output_limit_bytes = 1024 * 1024;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ringtail::codec;
  if (size == 0) return 0;
  static byte_buffer out;
  static const compression_type codecs[] = {compression_type::gzip, compression_type::snappy, compression_type::lz4,
                                            compression_type::zstd};
  const compression_type type = codecs[data[0] & 3];
  const auto hc = (data[0] & 4) ? lz4_header_checksum::ignore : lz4_header_checksum::verify;
  out.clear();
  auto r = decompress(type, {reinterpret_cast<const std::byte*>(data + 1), size - 1}, out, output_limit_bytes, hc);
  if (out.size() > output_limit_bytes) __builtin_trap();
  if (r) {
    // Whatever decompressed must compress and come back identical.
    static byte_buffer again, back;
    again.clear();
    back.clear();
    if (!compress(type, {out.data(), out.size()}, again)) __builtin_trap();
    if (!decompress(type, {again.data(), again.size()}, back, output_limit_bytes)) __builtin_trap();
    if (back.size() != out.size() || (out.size() != 0 && __builtin_memcmp(back.data(), out.data(), out.size()) != 0))
      __builtin_trap();
  }
  return 0;
}
