// A GoogleTest fixture that runs one real broker (support/broker_process.h) per test,
// started with the base overrides plus extra_overrides(); tests that need none skip
// when RINGTAIL_BINARY is not set. TearDown stops the broker and expects a clean exit
// (0); on any failure the broker's logs are printed. The interop and tools suites build
// their fixtures on it.
#pragma once

#include <gtest/gtest.h>

#include <iostream>
#include <string>
#include <vector>

#include "support/broker_process.h"

namespace ringtail::testing {

class broker_fixture : public ::testing::Test {
 protected:
  // Broker overrides ("key=value") on top of broker_process's own.
  virtual std::vector<std::string> extra_overrides() const { return {}; }

  void SetUp() override {
    if (broker_binary().empty()) GTEST_SKIP() << "RINGTAIL_BINARY is not set";
    const std::string err = broker_.start(extra_overrides());
    ASSERT_EQ(err, "") << "broker failed to start";
  }

  void TearDown() override {
    if (broker_.running()) {
      EXPECT_EQ(broker_.stop(), 0) << "broker did not stop cleanly on SIGTERM";
    }
    if (HasFailure()) std::cerr << "----- broker logs -----\n" << broker_.all_logs() << "-----------------------\n";
  }

  std::string bootstrap() const { return broker_.bootstrap(); }

  broker_process broker_;
};

}  // namespace ringtail::testing
