// Shared pieces of the interop tests (tests/interop/*_test.cc): a fixture that runs one
// real broker per test, the client programs (kcat, Debian's python3 with
// confluent-kafka / kafka-python, node with kafkajs) behind bounded calls, and the
// record lines those drivers print.
//
// Record line format (tab-separated, printed by py/ck.py, py/kp.py and the kcat -f
// format below): rec PARTITION OFFSET KEY VALUE HEADERS [TIMESTAMP]. KEY "\N" = null key;
// HEADERS "k=v,k2=v2" ("" = none).
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "support/broker_fixture.h"
#include "support/broker_process.h"

namespace ringtail::interop {

using namespace std::chrono_literals;
using ringtail::testing::command_options;
using ringtail::testing::command_result;
using ringtail::testing::run_command;
using ringtail::testing::run_program;

// Debian's interpreter: the python3 first on PATH (pyenv) cannot import the Debian
// client packages.
inline constexpr const char* python3 = "/usr/bin/python3";
inline constexpr const char* kcat = "/usr/bin/kcat";
inline constexpr auto client_timeout = 60s;  // any single client invocation

inline std::string script(const std::string& rel) {
  return (ringtail::testing::source_dir() / "tests" / "interop" / rel).string();
}

inline std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> parts;
  std::string cur;
  for (char c : s) {
    if (c == sep) {
      parts.push_back(cur);
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  parts.push_back(cur);
  return parts;
}

inline std::vector<std::string> lines_of(const std::string& s) {
  std::vector<std::string> out;
  for (auto& l : split(s, '\n'))
    if (!l.empty()) out.push_back(l);
  return out;
}

// Lines whose first tab-separated field is `tag`, split into fields (tag dropped).
inline std::vector<std::vector<std::string>> tagged(const std::string& text, const std::string& tag) {
  std::vector<std::vector<std::string>> out;
  for (const auto& l : lines_of(text)) {
    auto f = split(l, '\t');
    if (f[0] == tag) {
      f.erase(f.begin());
      out.push_back(std::move(f));
    }
  }
  return out;
}

struct record {
  int32_t partition = -1;
  int64_t offset = -1;
  std::string key;  // "\N" = null
  std::string value;
  std::string headers;
  bool operator==(const record&) const = default;
};

inline std::ostream& operator<<(std::ostream& os, const record& r) {
  return os << "{p" << r.partition << " @" << r.offset << " key=" << r.key << " value=" << r.value
            << " headers=" << r.headers << "}";
}

inline std::vector<record> parse_records(const std::string& text, const std::string& tag = "rec") {
  std::vector<record> out;
  for (const auto& f : tagged(text, tag)) {
    if (f.size() < 4) continue;
    record r;
    r.partition = std::stoi(f[0]);
    r.offset = std::stoll(f[1]);
    r.key = f[2];
    r.value = f[3];
    r.headers = f.size() > 4 ? f[4] : "";
    out.push_back(std::move(r));
  }
  return out;
}

// "ack P OFFSET KEY VALUE" lines (ck.py / kp.py / produce.js) as records without headers.
inline std::vector<record> parse_acks(const std::string& text) {
  std::vector<record> out;
  for (const auto& f : tagged(text, "ack")) {
    if (f.size() < 4) continue;
    out.push_back(record{std::stoi(f[0]), std::stoll(f[1]), f[2], f[3], ""});
  }
  return out;
}

inline std::vector<record> sorted_by_position(std::vector<record> v) {
  std::sort(v.begin(), v.end(), [](const record& a, const record& b) {
    return a.partition != b.partition ? a.partition < b.partition : a.offset < b.offset;
  });
  return v;
}

inline std::vector<record> without_headers(std::vector<record> v) {
  for (auto& r : v) r.headers.clear();
  return v;
}

// ---------------------------------------------------------------------------------------
// Client invocations (all bounded by client_timeout)

inline command_result run_python(const std::vector<std::string>& args, const std::string& stdin_data = "") {
  command_options o;
  o.stdin_data = stdin_data;
  o.env["PYTHONDONTWRITEBYTECODE"] = "1";  // keep the source tree clean
  o.env["PYTHONUNBUFFERED"] = "1";
  return run_program(python3, args, client_timeout, o);
}

inline command_result ck(const std::vector<std::string>& args, const std::string& stdin_data = "") {
  std::vector<std::string> a = {script("py/ck.py")};
  a.insert(a.end(), args.begin(), args.end());
  return run_python(a, stdin_data);
}

inline command_result kp(const std::vector<std::string>& args, const std::string& stdin_data = "") {
  std::vector<std::string> a = {script("py/kp.py")};
  a.insert(a.end(), args.begin(), args.end());
  return run_python(a, stdin_data);
}

inline command_result run_kcat(const std::vector<std::string>& args, const std::string& stdin_data = "") {
  command_options o;
  o.stdin_data = stdin_data;
  return run_program(kcat, args, client_timeout, o);
}

// kcat's consumer output in the record line format.
inline constexpr const char* kcat_record_format = "rec\t%p\t%o\t%k\t%s\t%h\n";

// Reads one partition with kcat from `offset_spec` (beginning | end | N | -N) to the end.
inline command_result kcat_consume(const std::string& bootstrap, const std::string& topic, int partition,
                                   const std::string& offset_spec) {
  return run_kcat({"-C", "-b", bootstrap, "-t", topic, "-p", std::to_string(partition), "-o", offset_spec, "-e",
                   "-f", kcat_record_format, "-m", "15"});
}

// ---------------------------------------------------------------------------------------
// Fixture: one broker per test (support/broker_fixture.h), started with
// extra_overrides(), plus what the interop tests ask of it through the clients.

class broker_test : public ringtail::testing::broker_fixture {
 protected:
  // Creates a topic with confluent-kafka's AdminClient.
  void create_topic(const std::string& topic, int partitions, const std::vector<std::string>& configs = {}) {
    std::vector<std::string> args = {"create", bootstrap(), topic, std::to_string(partitions)};
    args.insert(args.end(), configs.begin(), configs.end());
    const auto r = ck(args);
    ASSERT_TRUE(r.ok()) << r.describe();
    ASSERT_EQ(tagged(r.out, "created").size(), 1u) << r.describe();
  }

  // kcat -L succeeds and lists this broker: the broker still serves new clients.
  void expect_broker_serves() {
    const auto r = run_kcat({"-L", "-b", bootstrap(), "-m", "15"});
    EXPECT_TRUE(r.ok()) << r.describe();
    EXPECT_NE(r.out.find("127.0.0.1:" + std::to_string(broker_.port())), std::string::npos) << r.describe();
  }
};

}  // namespace ringtail::interop
