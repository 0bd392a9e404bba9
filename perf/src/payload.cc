#include "ringtail/perf/payload.h"

#include <chrono>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

namespace ringtail::perf {

void write_stamp(std::span<std::byte> value, int64_t ns) noexcept {
  if (value.size() < stamp_bytes) return;
  std::memcpy(value.data(), &stamp_magic, 8);
  std::memcpy(value.data() + 8, &ns, 8);
}

std::optional<int64_t> read_stamp(std::span<const std::byte> value) noexcept {
  if (value.size() < stamp_bytes) return std::nullopt;
  uint64_t magic = 0;
  std::memcpy(&magic, value.data(), 8);
  if (magic != stamp_magic) return std::nullopt;
  int64_t ns = 0;
  std::memcpy(&ns, value.data() + 8, 8);
  return ns;
}

int64_t realtime_ns() noexcept {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

payload_pool::payload_pool(payload_kind kind, const std::string& file, size_t max_size, uint64_t seed)
    : stride_(std::max<size_t>(max_size, 1)) {
  data_.resize(stride_ * variants);
  std::mt19937_64 rng(seed);
  if (kind == payload_kind::random) {
    for (auto& b : data_) b = static_cast<std::byte>(rng());
    return;
  }
  std::string source;
  if (kind == payload_kind::file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read payload file " + file);
    std::stringstream ss;
    ss << in.rdbuf();
    source = ss.str();
    if (source.empty()) throw std::runtime_error("empty payload file " + file);
  } else {
    // JSON-like events: repetitive field names, a few varying values — compresses about
    // as well as typical application logs/events (3-6x with lz4/zstd).
    static const char* names[] = {"alice", "bob", "carol", "dave", "erin", "frank"};
    static const char* actions[] = {"click", "view", "purchase", "login", "logout"};
    std::ostringstream o;
    while (o.tellp() < static_cast<std::streamoff>(stride_ * variants + 4096)) {
      o << "{\"user\":\"" << names[rng() % 6] << "\",\"id\":" << rng() % 100000 << ",\"action\":\"" << actions[rng() % 5]
        << "\",\"ts\":" << 1700000000000 + rng() % 1000000 << ",\"amount\":" << rng() % 10000 / 100.0
        << ",\"tags\":[\"a\",\"b\"],\"ok\":true}\n";
    }
    source = o.str();
  }
  for (size_t v = 0; v < variants; ++v) {
    const size_t start = (v * 977) % source.size();
    for (size_t k = 0; k < stride_; ++k) data_[v * stride_ + k] = static_cast<std::byte>(source[(start + k) % source.size()]);
  }
}

}  // namespace ringtail::perf
