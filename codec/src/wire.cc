#include "ringtail/codec/wire.h"

#include <limits>

namespace ringtail::codec {

// --- reader: varints ----------------------------------------------------------------

result<void> reader::read_unsigned_varlong(uint64_t& out) noexcept {
  uint64_t value = 0;
  for (size_t i = 0; i < unsigned_varlong_max_bytes; ++i) {
    if (p_ == end_) return fail(errc::truncated);
    const auto b = static_cast<uint8_t>(*p_++);
    // The 10th byte may only carry the top bit of a 64-bit value.
    if (i == unsigned_varlong_max_bytes - 1 && b > 1) return fail(errc::varint_too_long);
    value |= static_cast<uint64_t>(b & 0x7f) << (7 * i);
    if ((b & 0x80) == 0) {
      out = value;
      return {};
    }
  }
  return fail(errc::varint_too_long);
}

result<void> reader::read_unsigned_varint(uint32_t& out) noexcept {
  uint32_t value = 0;
  for (size_t i = 0; i < unsigned_varint_max_bytes; ++i) {
    if (p_ == end_) return fail(errc::truncated);
    const auto b = static_cast<uint8_t>(*p_++);
    // The 5th byte may only carry the top 4 bits of a 32-bit value.
    if (i == unsigned_varint_max_bytes - 1 && b > 0x0f) return fail(errc::varint_too_long);
    value |= static_cast<uint32_t>(b & 0x7f) << (7 * i);
    if ((b & 0x80) == 0) {
      out = value;
      return {};
    }
  }
  return fail(errc::varint_too_long);
}

result<void> reader::read_varint(int32_t& out) noexcept {
  uint32_t raw = 0;
  RT_TRY(read_unsigned_varint(raw));
  out = static_cast<int32_t>((raw >> 1) ^ (~(raw & 1) + 1));
  return {};
}

result<void> reader::read_varlong(int64_t& out) noexcept {
  uint64_t raw = 0;
  RT_TRY(read_unsigned_varlong(raw));
  out = static_cast<int64_t>((raw >> 1) ^ (~(raw & 1) + 1));
  return {};
}

// --- reader: lengths, strings, bytes ------------------------------------------------

result<void> reader::read_length(int32_t& len, bool compact, bool int16_length) noexcept {
  if (compact) {
    uint32_t n = 0;
    RT_TRY(read_unsigned_varint(n));
    // N + 1 on the wire; 0 = null. Anything past int32 cannot be a valid length.
    if (n > static_cast<uint32_t>(std::numeric_limits<int32_t>::max())) {
      return fail(errc::length_too_large);
    }
    len = static_cast<int32_t>(n) - 1;
    return {};
  }
  if (int16_length) {
    int16_t n = 0;
    RT_TRY(read_int16(n));
    len = n;
  } else {
    RT_TRY(read_int32(len));
  }
  if (len < -1) return fail(errc::negative_length);
  return {};
}

result<void> reader::read_string(std::string_view& out, bool compact) noexcept {
  std::optional<std::string_view> s;
  RT_TRY(read_nullable_string(s, compact, false));
  out = *s;
  return {};
}

result<void> reader::read_nullable_string(std::optional<std::string_view>& out, bool compact,
                                          bool null_allowed) noexcept {
  int32_t len = 0;
  RT_TRY(read_length(len, compact, /*int16_length=*/true));
  if (len < 0) {
    if (!null_allowed) return fail(errc::negative_length);
    out.reset();
    return {};
  }
  if (len > string_length_max_bytes) return fail(errc::length_too_large);
  if (static_cast<size_t>(len) > remaining()) return fail(errc::truncated);
  out.emplace(reinterpret_cast<const char*>(p_), static_cast<size_t>(len));
  p_ += len;
  return {};
}

result<void> reader::read_bytes(bytes_view& out, bool compact) noexcept {
  std::optional<bytes_view> b;
  RT_TRY(read_nullable_bytes(b, compact, false));
  out = *b;
  return {};
}

result<void> reader::read_nullable_bytes(std::optional<bytes_view>& out, bool compact,
                                         bool null_allowed) noexcept {
  int32_t len = 0;
  RT_TRY(read_length(len, compact, /*int16_length=*/false));
  if (len < 0) {
    if (!null_allowed) return fail(errc::negative_length);
    out.reset();
    return {};
  }
  if (static_cast<size_t>(len) > remaining()) return fail(errc::truncated);
  out.emplace(p_, static_cast<size_t>(len));
  p_ += len;
  return {};
}

result<void> reader::read_array_length(int32_t& count, bool compact, bool null_allowed,
                                       size_t min_element_bytes) noexcept {
  RT_TRY(read_length(count, compact, /*int16_length=*/false));
  if (count < 0) {
    if (!null_allowed) return fail(errc::negative_length);
    return {};
  }
  // Bound the count by what the bytes left could hold, so the caller's resize() is
  // never sized by an untrusted number.
  if (static_cast<size_t>(count) > remaining() / (min_element_bytes == 0 ? 1 : min_element_bytes)) {
    return fail(errc::length_too_large);
  }
  return {};
}

result<void> reader::read_tag_header(uint32_t& tag, uint32_t& size) noexcept {
  RT_TRY(read_unsigned_varint(tag));
  RT_TRY(read_unsigned_varint(size));
  if (size > remaining()) return fail(errc::truncated);
  return {};
}

result<void> reader::read_tagged_fields(std::vector<tagged_field>& unknown) {
  return read_tagged_fields(unknown, [](uint32_t, reader&) -> result<bool> { return false; });
}

// --- writer -------------------------------------------------------------------------

void writer::write_unsigned_varlong(uint64_t v) {
  std::byte tmp[unsigned_varlong_max_bytes];
  size_t n = 0;
  while (v >= 0x80) {
    tmp[n++] = static_cast<std::byte>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  tmp[n++] = static_cast<std::byte>(v);
  append(tmp, n);
}

void writer::write_unsigned_varint(uint32_t v) {
  if (v < 0x80) {  // the common case: small counts and lengths
    const auto b = static_cast<std::byte>(v);
    buf_.push_back(b);
    return;
  }
  write_unsigned_varlong(v);
}

void writer::write_varint(int32_t v) {
  write_unsigned_varint((static_cast<uint32_t>(v) << 1) ^ static_cast<uint32_t>(v >> 31));
}

void writer::write_varlong(int64_t v) {
  write_unsigned_varlong((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63));
}

void writer::write_string(std::string_view s, bool compact) {
  RT_ASSERT(s.size() <= static_cast<size_t>(string_length_max_bytes),
            "Kafka strings are at most 32767 bytes");
  if (compact) {
    write_unsigned_varint(static_cast<uint32_t>(s.size() + 1));
  } else {
    write_int16(static_cast<int16_t>(s.size()));
  }
  append(s.data(), s.size());
}

void writer::write_nullable_string(const std::optional<std::string_view>& s, bool compact) {
  if (!s) {
    if (compact) {
      write_unsigned_varint(0);
    } else {
      write_int16(-1);
    }
    return;
  }
  write_string(*s, compact);
}

void writer::write_bytes(bytes_view b, bool compact) {
  RT_ASSERT(b.size() < static_cast<size_t>(std::numeric_limits<int32_t>::max()),
            "Kafka bytes fields are at most INT32_MAX - 1 bytes");
  if (compact) {
    write_unsigned_varint(static_cast<uint32_t>(b.size() + 1));
  } else {
    write_int32(static_cast<int32_t>(b.size()));
  }
  if (reference_min_bytes_ != 0 && b.size() >= reference_min_bytes_) {
    references_.push_back(reference{buf_.size(), b});
    referenced_bytes_ += b.size();
    return;
  }
  append(b);
}

std::vector<writer::piece> writer::gather() const {
  std::vector<piece> out;
  out.reserve(references_.size() * 2 + 1);
  size_t from = 0;
  for (const reference& r : references_) {
    if (r.at > from) out.push_back(piece{buf_.data() + from, r.at - from});
    if (!r.bytes.empty()) out.push_back(piece{r.bytes.data(), r.bytes.size()});
    from = r.at;
  }
  if (buf_.size() > from) out.push_back(piece{buf_.data() + from, buf_.size() - from});
  return out;
}

void writer::write_nullable_bytes(const std::optional<bytes_view>& b, bool compact) {
  if (!b) {
    if (compact) {
      write_unsigned_varint(0);
    } else {
      write_int32(-1);
    }
    return;
  }
  write_bytes(*b, compact);
}

void writer::write_array_length(size_t count, bool compact) {
  RT_ASSERT(count < static_cast<size_t>(std::numeric_limits<int32_t>::max()), "array too long");
  if (compact) {
    write_unsigned_varint(static_cast<uint32_t>(count + 1));
  } else {
    write_int32(static_cast<int32_t>(count));
  }
}

void writer::write_nullable_array_length(int64_t count, bool compact) {
  if (count < 0) {
    if (compact) {
      write_unsigned_varint(0);
    } else {
      write_int32(-1);
    }
    return;
  }
  write_array_length(static_cast<size_t>(count), compact);
}

void writer::write_tagged_fields(const std::vector<tagged_field>& fields) {
  write_unsigned_varint(static_cast<uint32_t>(fields.size()));
  for (const auto& f : fields) {
    write_tag_header(f.tag, static_cast<uint32_t>(f.data.size()));
    append(f.data);
  }
}

void writer::patch_int32(size_t pos, int32_t v) {
  RT_ASSERT(pos + 4 <= buf_.size(), "patch_int32 outside the buffer");
  const auto u = static_cast<uint32_t>(v);
  buf_[pos + 0] = static_cast<std::byte>(u >> 24);
  buf_[pos + 1] = static_cast<std::byte>(u >> 16);
  buf_[pos + 2] = static_cast<std::byte>(u >> 8);
  buf_[pos + 3] = static_cast<std::byte>(u);
}

void writer::patch_size_prefix(size_t pos) {
  // Referenced bytes placed after `pos` belong to the frame too.
  size_t referenced_after = 0;
  for (const reference& r : references_)
    if (r.at > pos) referenced_after += r.bytes.size();
  const size_t body = buf_.size() - pos - sizeof(int32_t) + referenced_after;
  RT_ASSERT(body <= static_cast<size_t>(std::numeric_limits<int32_t>::max()), "frame too large");
  patch_int32(pos, static_cast<int32_t>(body));
}

// --- tagged_fields_writer -----------------------------------------------------------

void tagged_fields_writer::begin(int known_count) {
  w_.write_unsigned_varint(static_cast<uint32_t>(known_count + unknown_.size()));
}

void tagged_fields_writer::flush_unknown_below(uint64_t tag) {
  while (next_unknown_ < unknown_.size() && unknown_[next_unknown_].tag < tag) {
    const auto& f = unknown_[next_unknown_++];
    w_.write_tag_header(f.tag, static_cast<uint32_t>(f.data.size()));
    w_.append(f.data);
  }
}

writer& tagged_fields_writer::field(uint32_t tag) {
  flush_unknown_below(tag);
  tag_ = tag;
  scratch_.clear();
  return scratch_;
}

void tagged_fields_writer::end_field() {
  w_.write_tag_header(tag_, static_cast<uint32_t>(scratch_.size()));
  w_.append(scratch_.bytes());
}

void tagged_fields_writer::finish() { flush_unknown_below(uint64_t{1} << 32); }

}  // namespace ringtail::codec
