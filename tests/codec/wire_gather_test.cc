// Gather mode of codec::writer: large bytes fields are referenced, not copied, and the
// pieces concatenate to exactly the bytes a copying writer produces.
#include <gtest/gtest.h>

#include <vector>

#include "ringtail/codec/messages.h"

using namespace ringtail::codec;

namespace {
std::vector<std::byte> concat(const std::vector<writer::piece>& pieces) {
  std::vector<std::byte> out;
  for (const auto& p : pieces) out.insert(out.end(), p.data, p.data + p.size);
  return out;
}
}  // namespace

TEST(WriterGather, FetchResponseFramesMatchTheCopyingEncoding) {
  std::vector<std::byte> big(5000), small(10);
  for (size_t i = 0; i < big.size(); ++i) big[i] = std::byte(static_cast<uint8_t>(i * 7));
  for (int16_t version : {0, 4, 11, 12}) {
    fetch_response resp;
    auto& t = resp.responses.emplace_back();
    t.topic = "t";
    for (int p = 0; p < 3; ++p) {
      auto& pd = t.partitions.emplace_back();
      pd.partition_index = p;
      pd.records = p == 1 ? bytes_view(small) : bytes_view(big);
    }
    writer copying;
    encode_response_frame(copying, 42, version, resp);
    writer gathering;
    gathering.reference_bytes_from(1024);
    encode_response_frame(gathering, 42, version, resp);
    const auto pieces = gathering.gather();
    EXPECT_EQ(concat(pieces), copying.buffer()) << "version " << version;
    EXPECT_EQ(gathering.size(), copying.size());
    // The two big record sets were referenced, not copied.
    int referenced = 0;
    for (const auto& p : pieces) referenced += p.data == big.data() ? 1 : 0;
    EXPECT_EQ(referenced, 2);
  }
}
