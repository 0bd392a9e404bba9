// Kafka wire primitives: a bounded, zero-copy `reader` over a received frame and a
// growable `writer` that builds one.
//
// Byte layout (Kafka protocol guide, "Protocol Primitive Types"): fixed-width integers are
// big-endian; varint/varlong are zig-zag base-128 (as in protobuf); unsigned varints are
// plain base-128. Classic strings carry an int16 length (-1 = null), classic bytes and
// arrays an int32 length (-1 = null). Flexible versions (KIP-482) use "compact" forms:
// an unsigned varint holding length + 1 (0 = null), and end every struct with a tagged
// field section: uvarint count, then per field uvarint tag, uvarint size, `size` bytes.
//
// The reader never allocates and never reads past its span: every length is checked
// against the bytes that remain before it is used, and an array count is checked against
// remaining bytes / smallest element size before the caller reserves storage, so nothing
// is sized by untrusted input. Strings, bytes and records come back as views into the
// receive buffer: the caller keeps that buffer alive as long as the decoded message.
// On error the reader remembers which field it was reading (error_field()).
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "ringtail/codec/errc.h"

namespace ringtail::codec {

using bytes_view = std::span<const std::byte>;

// Kafka's limits on variable-length fields.
inline constexpr int32_t string_length_max_bytes = 0x7fff;  // int16 length (and compact: Kafka enforces the same)
inline constexpr size_t unsigned_varint_max_bytes = 5;       // 32 bits / 7 bits per byte, rounded up
inline constexpr size_t unsigned_varlong_max_bytes = 10;     // 64 bits / 7 bits per byte, rounded up

// A type-4 UUID as 16 raw bytes in wire order (Kafka writes the two longs big-endian).
struct uuid {
  std::array<std::byte, 16> bytes{};
  bool operator==(const uuid&) const = default;
};

// A tagged field this codec does not know: its tag and its raw bytes (a view into the
// received frame, or into storage the encoder's caller owns).
struct tagged_field {
  uint32_t tag = 0;
  bytes_view data;
};

class reader {
 public:
  reader() = default;
  explicit reader(bytes_view buf) noexcept : p_(buf.data()), end_(buf.data() + buf.size()) {}

  size_t remaining() const noexcept { return static_cast<size_t>(end_ - p_); }
  bool empty() const noexcept { return p_ == end_; }
  const std::byte* current() const noexcept { return p_; }

  // Names the field about to be read, so that an error can say which one failed.
  // Generated decoders call it before every field; it costs one store.
  reader& field(const char* name) noexcept {
    field_ = name;
    return *this;
  }
  // The field being read when the last error happened ("" if none was named).
  const char* error_field() const noexcept { return error_field_; }

  // --- fixed width ------------------------------------------------------------------
  [[nodiscard]] result<void> read_int8(int8_t& out) noexcept { return read_be(out); }
  [[nodiscard]] result<void> read_int16(int16_t& out) noexcept { return read_be(out); }
  [[nodiscard]] result<void> read_int32(int32_t& out) noexcept { return read_be(out); }
  [[nodiscard]] result<void> read_int64(int64_t& out) noexcept { return read_be(out); }
  [[nodiscard]] result<void> read_uint16(uint16_t& out) noexcept { return read_be(out); }
  [[nodiscard]] result<void> read_uint32(uint32_t& out) noexcept { return read_be(out); }
  [[nodiscard]] result<void> read_float64(double& out) noexcept {
    uint64_t bits = 0;
    RT_TRY(read_be(bits));
    out = std::bit_cast<double>(bits);
    return {};
  }
  // Kafka reads any non-zero byte as true; so do we (lenient, like the reference broker).
  [[nodiscard]] result<void> read_bool(bool& out) noexcept {
    uint8_t b = 0;
    RT_TRY(read_be(b));
    out = b != 0;
    return {};
  }
  [[nodiscard]] result<void> read_uuid(uuid& out) noexcept {
    if (remaining() < out.bytes.size()) return fail(errc::truncated);
    std::memcpy(out.bytes.data(), p_, out.bytes.size());
    p_ += out.bytes.size();
    return {};
  }

  // --- varints ----------------------------------------------------------------------
  [[nodiscard]] result<void> read_unsigned_varint(uint32_t& out) noexcept;
  [[nodiscard]] result<void> read_unsigned_varlong(uint64_t& out) noexcept;
  [[nodiscard]] result<void> read_varint(int32_t& out) noexcept;    // zig-zag
  [[nodiscard]] result<void> read_varlong(int64_t& out) noexcept;   // zig-zag

  // --- strings / bytes / records (views into the buffer) ------------------------------
  // A non-nullable string; a null on the wire is an error (errc::negative_length).
  [[nodiscard]] result<void> read_string(std::string_view& out, bool compact) noexcept;
  // A string that may be null in this version (`null_allowed`); null -> nullopt.
  [[nodiscard]] result<void> read_nullable_string(std::optional<std::string_view>& out, bool compact,
                                                  bool null_allowed = true) noexcept;
  [[nodiscard]] result<void> read_bytes(bytes_view& out, bool compact) noexcept;
  [[nodiscard]] result<void> read_nullable_bytes(std::optional<bytes_view>& out, bool compact,
                                                 bool null_allowed = true) noexcept;
  // A record set (RecordBatch v2 / legacy message set bytes), not parsed here.
  [[nodiscard]] result<void> read_records(std::optional<bytes_view>& out, bool compact) noexcept {
    return read_nullable_bytes(out, compact, true);
  }

  // --- arrays ------------------------------------------------------------------------
  // Reads an array length; -1 = null (only if `null_allowed`). The count is rejected
  // unless count * min_element_bytes <= remaining(), so callers may resize() to it.
  [[nodiscard]] result<void> read_array_length(int32_t& count, bool compact, bool null_allowed,
                                               size_t min_element_bytes) noexcept;

  // --- tagged fields -----------------------------------------------------------------
  // Reads a tagged-field section, keeping every field in `unknown`.
  [[nodiscard]] result<void> read_tagged_fields(std::vector<tagged_field>& unknown);
  // Reads a tagged-field section; `known(tag, sub)` decodes a tag it knows from `sub`
  // (a reader over exactly that field's bytes) and returns true, or returns false to
  // keep the field in `unknown`. Bytes a known field leaves unread are skipped, as Kafka
  // does, so a newer peer may extend a tagged struct.
  template <typename Known>
  [[nodiscard]] result<void> read_tagged_fields(std::vector<tagged_field>& unknown, Known&& known);

  // A reader over the next `n` bytes, which this reader skips.
  [[nodiscard]] result<void> sub(size_t n, reader& out) noexcept {
    if (n > remaining()) return fail(errc::length_too_large);
    out = reader(bytes_view(p_, n));
    out.field_ = field_;
    p_ += n;
    return {};
  }
  [[nodiscard]] result<void> skip(size_t n) noexcept {
    if (n > remaining()) return fail(errc::truncated);
    p_ += n;
    return {};
  }

  // Records `e` against the current field and returns it as an error value.
  unexpected<errc> fail(errc e) noexcept {
    error_field_ = field_;
    return unexpected{e};
  }

 private:
  template <typename T>
  result<void> read_be(T& out) noexcept {
    if (remaining() < sizeof(T)) return fail(errc::truncated);
    std::make_unsigned_t<T> v;
    std::memcpy(&v, p_, sizeof(T));
    if constexpr (sizeof(T) > 1) v = byteswap_(v);
    out = static_cast<T>(v);
    p_ += sizeof(T);
    return {};
  }
  template <typename U>
  static U byteswap_(U v) noexcept {
    if constexpr (std::endian::native == std::endian::big) return v;
    if constexpr (sizeof(U) == 2) return static_cast<U>(__builtin_bswap16(v));
    if constexpr (sizeof(U) == 4) return static_cast<U>(__builtin_bswap32(v));
    if constexpr (sizeof(U) == 8) return static_cast<U>(__builtin_bswap64(v));
  }
  // Length prefix of a string/bytes/array: -1 = null, otherwise >= 0.
  result<void> read_length(int32_t& len, bool compact, bool int16_length) noexcept;
  result<void> read_tag_header(uint32_t& tag, uint32_t& size) noexcept;

  const std::byte* p_ = nullptr;
  const std::byte* end_ = nullptr;
  const char* field_ = "";
  const char* error_field_ = "";
};

template <typename Known>
result<void> reader::read_tagged_fields(std::vector<tagged_field>& unknown, Known&& known) {
  const char* section = field_;
  uint32_t count = 0;
  RT_TRY(read_unsigned_varint(count));
  // Each tagged field takes at least 2 bytes (tag, size).
  if (count > remaining() / 2) return fail(errc::length_too_large);
  for (uint32_t i = 0; i < count; ++i) {
    field_ = section;
    uint32_t tag = 0;
    uint32_t size = 0;
    RT_TRY(read_tag_header(tag, size));
    reader field_reader;
    RT_TRY(sub(size, field_reader));
    const bytes_view data(field_reader.p_, size);
    auto handled = known(tag, field_reader);
    if (!handled) {
      error_field_ = field_reader.error_field_;
      return unexpected{handled.error()};
    }
    if (!*handled) unknown.push_back({tag, data});
  }
  return {};
}

// Appends Kafka wire data to a growable byte buffer.
class writer {
 public:
  writer() = default;
  explicit writer(size_t reserve_bytes) { buf_.reserve(reserve_bytes); }

  // Encoded bytes so far, referenced ones included.
  size_t size() const noexcept { return buf_.size() + referenced_bytes_; }

  // Gather mode: bytes fields (records, above all) of at least `min_bytes` are not
  // copied: the writer remembers where they go, and gather() returns the frame as
  // pieces interleaving its own buffer with those bytes, ready for a vectored send.
  // The referenced bytes must stay valid until the send completes.
  void reference_bytes_from(size_t min_bytes) noexcept { reference_min_bytes_ = min_bytes; }
  struct piece {
    const std::byte* data;
    size_t size;
  };
  std::vector<piece> gather() const;
  bytes_view bytes() const noexcept { return buf_; }
  std::vector<std::byte>& buffer() noexcept { return buf_; }
  // The encoded bytes (not usable in gather mode once something was referenced).
  std::vector<std::byte> release() noexcept {
    RT_ASSERT(references_.empty(), "writer::release() with referenced bytes: use gather()");
    return std::move(buf_);
  }
  void clear() noexcept {
    buf_.clear();
    references_.clear();
    referenced_bytes_ = 0;
  }
  void reserve(size_t n) { buf_.reserve(n); }

  void write_int8(int8_t v) { write_be(static_cast<uint8_t>(v)); }
  void write_int16(int16_t v) { write_be(static_cast<uint16_t>(v)); }
  void write_int32(int32_t v) { write_be(static_cast<uint32_t>(v)); }
  void write_int64(int64_t v) { write_be(static_cast<uint64_t>(v)); }
  void write_uint16(uint16_t v) { write_be(v); }
  void write_uint32(uint32_t v) { write_be(v); }
  void write_float64(double v) { write_be(std::bit_cast<uint64_t>(v)); }
  void write_bool(bool v) { write_be(static_cast<uint8_t>(v ? 1 : 0)); }
  void write_uuid(const uuid& v) { append(v.bytes.data(), v.bytes.size()); }

  void write_unsigned_varint(uint32_t v);
  void write_unsigned_varlong(uint64_t v);
  void write_varint(int32_t v);
  void write_varlong(int64_t v);

  void write_string(std::string_view s, bool compact);
  void write_nullable_string(const std::optional<std::string_view>& s, bool compact);
  void write_bytes(bytes_view b, bool compact);
  void write_nullable_bytes(const std::optional<bytes_view>& b, bool compact);
  void write_array_length(size_t count, bool compact);
  // -1 = null.
  void write_nullable_array_length(int64_t count, bool compact);
  // A tagged-field section holding only `fields` (sorted by tag).
  void write_tagged_fields(const std::vector<tagged_field>& fields);
  void write_tag_header(uint32_t tag, uint32_t size) {
    write_unsigned_varint(tag);
    write_unsigned_varint(size);
  }

  void append(const void* data, size_t n) {
    const auto* b = static_cast<const std::byte*>(data);
    buf_.insert(buf_.end(), b, b + n);
  }
  void append(bytes_view b) { append(b.data(), b.size()); }

  // Reserves an int32 size prefix; patch_size_prefix(pos) later writes the number of
  // bytes appended after it (how every Kafka frame starts).
  [[nodiscard]] size_t reserve_size_prefix() {
    const size_t pos = buf_.size();
    write_int32(0);
    return pos;
  }
  void patch_size_prefix(size_t pos);
  void patch_int32(size_t pos, int32_t v);

 private:
  template <typename U>
  void write_be(U v) {
    if constexpr (sizeof(U) > 1 && std::endian::native == std::endian::little) {
      if constexpr (sizeof(U) == 2) v = static_cast<U>(__builtin_bswap16(v));
      if constexpr (sizeof(U) == 4) v = static_cast<U>(__builtin_bswap32(v));
      if constexpr (sizeof(U) == 8) v = static_cast<U>(__builtin_bswap64(v));
    }
    append(&v, sizeof(U));
  }

  struct reference {
    size_t at;  // position in buf_ the bytes belong before
    bytes_view bytes;
  };
  std::vector<std::byte> buf_;
  std::vector<reference> references_;
  size_t referenced_bytes_ = 0;
  size_t reference_min_bytes_ = 0;  // 0: gather mode off
};

// Writes a tagged-field section mixing known fields (written by generated code in tag
// order) with unknown ones kept from a decode, in ascending tag order. Each known field
// is encoded into a scratch writer first because its size prefix precedes it.
class tagged_fields_writer {
 public:
  tagged_fields_writer(writer& w, const std::vector<tagged_field>& unknown) noexcept
      : w_(w), unknown_(unknown) {}
  void begin(int known_count);
  writer& field(uint32_t tag);
  void end_field();
  void finish();

 private:
  void flush_unknown_below(uint64_t tag);

  writer& w_;
  const std::vector<tagged_field>& unknown_;
  size_t next_unknown_ = 0;
  uint32_t tag_ = 0;
  writer scratch_;
};

}  // namespace ringtail::codec
