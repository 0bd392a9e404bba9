// index_bytes: the encoded bytes of an index (offset or time) and how much of them the
// file already holds, so a segment writes only the new tail and truncates the file when
// the index was cut back. Shared by offset_index and time_index.
#pragma once

#include <algorithm>
#include <cstddef>
#include <span>
#include <vector>

namespace ringtail::core::log {

class index_bytes {
 public:
  std::span<const std::byte> all() const { return bytes_; }
  size_t size() const { return bytes_.size(); }
  std::byte* grow(size_t n) {
    bytes_.resize(bytes_.size() + n);
    return bytes_.data() + bytes_.size() - n;
  }
  void assign(std::span<const std::byte> b) {
    bytes_.assign(b.begin(), b.end());
    in_file_ = bytes_.size();
    file_longer_ = false;
  }
  void truncate(size_t n) {
    if (n >= bytes_.size()) return;
    bytes_.resize(n);
    if (in_file_ > n) {
      in_file_ = n;
      file_longer_ = true;
    }
  }
  // What to write to the file (at unwritten_from()), and whether it must be truncated to
  // size() first.
  size_t unwritten_from() const { return in_file_; }
  std::span<const std::byte> unwritten() const { return std::span(bytes_).subspan(in_file_); }
  bool file_needs_truncate() const { return file_longer_; }
  void mark_written() {
    in_file_ = bytes_.size();
    file_longer_ = false;
  }
  void mark_file_empty() {
    in_file_ = 0;
    file_longer_ = true;
  }

 private:
  std::vector<std::byte> bytes_;
  size_t in_file_ = 0;
  bool file_longer_ = false;
};

}  // namespace ringtail::core::log
