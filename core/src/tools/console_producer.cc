// `ringtail console-producer`: kafka-console-producer.sh — reads lines from stdin and sends
// each as a record, parsing an optional key and headers out of the line as Kafka's
// LineMessageReader does (parse.key / key.separator, parse.headers / headers.delimiter /
// headers.separator / headers.key.separator, null.marker, ignore.error).
//
// stdin is read through the shard's io_uring (one read at a time, whatever is available,
// so interactive lines go out as typed) and the read is cancelled on Ctrl-C; what was
// read is flushed before exit. --sync waits for each record's acknowledgement.
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>

#include "ringtail/core/client/producer.h"
#include "ringtail/core/tools/options.h"
#include "ringtail/core/tools/runner.h"
#include "ringtail/core/tools/tools.h"
#include "ringtail/io/op.h"

namespace ringtail::core::tools {

namespace {

namespace client = core::client;

constexpr size_t stdin_chunk_bytes = 64 * 1024;

struct reader_options {
  bool parse_key = false;
  std::string key_separator = "\t";
  bool parse_headers = false;
  std::string headers_delimiter = "\t";
  std::string headers_separator = ",";
  std::string headers_key_separator = ":";
  bool ignore_error = false;
  std::optional<std::string> null_marker;
};

struct producer_options {
  std::string bootstrap;
  std::string topic;
  reader_options reader;
  client::producer_config producer;
  bool sync = false;
  std::string client_id = "console-producer";
  int timeout_ms = default_timeout_ms;
};

option_parser make_parser() {
  option_parser p("console-producer", "Sends each line of stdin to a topic as a record.");
  p.value("bootstrap-server", "String: server to connect to", "REQUIRED: HOST:PORT[,HOST:PORT...] of the cluster.");
  p.value("topic", "String: topic", "REQUIRED: the topic to write to.");
  p.flag("sync", "Wait for each record's acknowledgement before reading the next line.");
  p.optional_value("compression-codec", "String: compression-codec",
                   "none, gzip, snappy, lz4 or zstd; gzip when the option has no value.", "gzip");
  p.value("batch-size", "Integer: size", "batch.size, in bytes.", "16384");
  p.value("message-send-max-retries", "Integer", "retries: how often a failed send is tried again.", "3");
  p.value("retry-backoff-ms", "Long", "retry.backoff.ms.", "100");
  p.value("timeout", "Long: timeout_ms", "linger.ms: how long a record may wait for its batch to fill.", "1000");
  p.value("request-required-acks", "String: request required acks", "acks: 0, 1 or -1 (all).", "-1");
  p.value("request-timeout-ms", "Integer: request timeout ms", "request.timeout.ms of the produce requests.", "1500");
  p.value("max-memory-bytes", "Long: total memory in bytes", "buffer.memory.", "33554432");
  p.value("max-partition-memory-bytes", "Integer: memory in bytes per partition", "batch.size (same as --batch-size).",
          "16384");
  p.multi("property", "String: prop",
          "Line parsing: parse.key, key.separator, parse.headers, headers.delimiter, headers.separator,\n"
          "headers.key.separator, ignore.error, null.marker.");
  p.multi("reader-property", "String: prop", "Same as --property.");
  p.multi("producer-property", "String: producer_prop", "A producer config, key=value (acks, compression.type, …).");
  p.multi("command-property", "String: producer_prop", "Same as --producer-property.");
  p.value("producer.config", "String: config file",
          "A .properties file of producer configs (--producer-property wins).");
  p.value("command-config", "String: config file", "Same as --producer.config.");
  p.value("timeout-ms", "Integer: ms", "How long to wait for the bootstrap server.",
          std::to_string(default_timeout_ms));
  return p;
}


std::string apply_producer_property(producer_options& o, const std::string& key, const std::string& value) {
  auto& c = o.producer;
  auto number = [&](int64_t lo, int64_t hi) { return parse_int(value, lo, hi); };
  auto bad = [&] { return "Invalid value " + value + " for configuration " + key; };
  if (key == "acks") {
    const std::string v = trim(value);
    if (v == "all" || v == "-1") c.acks = client::acks_all;
    else if (v == "1") c.acks = client::acks_leader;
    else if (v == "0") c.acks = client::acks_none;
    else return bad();
  } else if (key == "compression.type") {
    auto codec_type = codec::compression_type_from_name(trim(value));
    if (!codec_type) return bad();
    c.compression = *codec_type;
  } else if (key == "enable.idempotence") {
    c.idempotence = parse_bool(value);
  } else if (key == "client.id") {
    o.client_id = value;
  } else if (key == "linger.ms" || key == "batch.size" || key == "retries" || key == "delivery.timeout.ms" ||
             key == "request.timeout.ms" || key == "retry.backoff.ms" || key == "max.request.size" ||
             key == "max.in.flight.requests.per.connection") {
    auto v = number(0, INT32_MAX);
    if (!v) return bad();
    const auto i = static_cast<int32_t>(*v);
    if (key == "linger.ms") c.linger_ms = i;
    if (key == "batch.size") c.batch_size = std::max(i, 1);
    if (key == "retries") c.retries = i;
    if (key == "delivery.timeout.ms") c.delivery_timeout_ms = i;
    if (key == "request.timeout.ms") c.request_timeout_ms = i;
    if (key == "retry.backoff.ms") c.retry_backoff_ms = i;
    if (key == "max.request.size") c.max_request_size = i;
    if (key == "max.in.flight.requests.per.connection") c.max_in_flight = i;
  } else if (key == "buffer.memory") {
    auto v = number(1, INT64_MAX);
    if (!v) return bad();
    c.buffer_memory = static_cast<size_t>(*v);
  } else {
    std::fprintf(stderr, "WARN The configuration '%s' was supplied but isn't a known config.\n", key.c_str());
  }
  return {};
}

std::string apply_reader_property(reader_options& r, const std::string& key, const std::string& value) {
  if (key == "parse.key") r.parse_key = parse_bool(value);
  else if (key == "key.separator") r.key_separator = value;
  else if (key == "parse.headers") r.parse_headers = parse_bool(value);
  else if (key == "headers.delimiter") r.headers_delimiter = value;
  else if (key == "headers.separator") r.headers_separator = value;
  else if (key == "headers.key.separator") r.headers_key_separator = value;
  else if (key == "ignore.error") r.ignore_error = parse_bool(value);
  else if (key == "null.marker") r.null_marker = value;
  return {};
}

std::string check(const option_parser& p, producer_options& o) {
  if (!p.has("bootstrap-server")) return "Missing required argument \"[bootstrap-server]\"";
  if (!p.has("topic")) return "Missing required argument \"[topic]\"";
  o.bootstrap = p.get("bootstrap-server");
  o.topic = p.get("topic");
  o.sync = p.has("sync");
  // Kafka's precedence: the tool's defaults, then the config file, then
  // --producer-property, then the options given explicitly.
  auto& c = o.producer;
  c.acks = client::acks_all;
  c.linger_ms = 1000;
  c.batch_size = 16384;
  c.retries = 3;
  c.request_timeout_ms = 1500;
  std::map<std::string, std::string> props;
  const std::string props_error = collect_properties(p, {"producer.config", "command-config"},
                                                     {"producer-property", "command-property"}, "producer", props);
  if (!props_error.empty()) return props_error;
  for (const auto& [k, v] : props) {
    if (auto e = apply_producer_property(o, k, v); !e.empty()) return e;
  }
  const std::pair<const char*, const char*> explicit_options[] = {
      {"request-required-acks", "acks"},
      {"timeout", "linger.ms"},
      {"batch-size", "batch.size"},
      {"max-partition-memory-bytes", "batch.size"},
      {"message-send-max-retries", "retries"},
      {"retry-backoff-ms", "retry.backoff.ms"},
      {"request-timeout-ms", "request.timeout.ms"},
      {"max-memory-bytes", "buffer.memory"},
  };
  for (const auto& [opt, key] : explicit_options) {
    if (!p.has(opt)) continue;
    if (auto e = apply_producer_property(o, key, p.get(opt)); !e.empty()) return "--" + std::string(opt) + ": " + e;
  }
  if (p.has("compression-codec")) {
    auto codec_type = codec::compression_type_from_name(trim(p.get("compression-codec")));
    if (!codec_type) return "--compression-codec must be none, gzip, snappy, lz4 or zstd";
    c.compression = *codec_type;
  }
  std::vector<std::pair<std::string, std::string>> reader_props;
  const std::string reader_error = collect_raw_properties(p, {"property", "reader-property"}, "reader", reader_props);
  if (!reader_error.empty()) return reader_error;
  for (const auto& [k, v] : reader_props) {
    if (auto e = apply_reader_property(o.reader, k, v); !e.empty()) return e;
  }
  const auto& r = o.reader;
  if (r.headers_delimiter == r.headers_separator) return "headers.delimiter and headers.separator may not be equal";
  if (r.headers_delimiter == r.headers_key_separator)
    return "headers.delimiter and headers.key.separator may not be equal";
  if (r.headers_separator == r.headers_key_separator)
    return "headers.separator and headers.key.separator may not be equal";
  if (r.key_separator.empty() || r.headers_delimiter.empty() || r.headers_separator.empty() ||
      r.headers_key_separator.empty()) {
    return "separators may not be empty";
  }
  if (r.null_marker) {
    for (const std::string* sep :
         {&r.key_separator, &r.headers_separator, &r.headers_delimiter, &r.headers_key_separator}) {
      if (*sep == *r.null_marker) return "null.marker may not be equal to a separator";
    }
  }
  auto t = parse_int(p.get("timeout-ms"), 1, INT32_MAX);
  if (!t) return "--timeout-ms must be a positive integer";
  o.timeout_ms = static_cast<int>(*t);
  return {};
}

// One parsed line: owned strings the record's spans point into until it is sent.
struct parsed_line {
  std::optional<std::string> key;
  std::optional<std::string> value;
  std::vector<std::pair<std::string, std::optional<std::string>>> headers;
};

// LineMessageReader's rules: [headers <headers.delimiter>] [key <key.separator>] value.
// Returns an error message ("" on success).
std::string parse_line(const reader_options& r, const std::string& line, int64_t line_number, parsed_line& out) {
  auto is_null = [&](const std::string& s) { return r.null_marker && s == *r.null_marker; };
  auto missing = [&](const char* what) {
    return "No " + std::string(what) + " found on line number " + std::to_string(line_number) + ": '" + line + "'";
  };
  size_t at = 0;
  std::optional<std::string> headers;
  if (r.parse_headers) {
    const size_t d = line.find(r.headers_delimiter);
    if (d == std::string::npos) {
      if (!r.ignore_error) return missing("headers delimiter");
    } else {
      headers = line.substr(0, d);
      at = d + r.headers_delimiter.size();
    }
  }
  if (r.parse_key) {
    const size_t k = line.find(r.key_separator, at);
    if (k == std::string::npos) {
      if (!r.ignore_error) return missing("key separator");
    } else {
      std::string key = line.substr(at, k - at);
      if (!is_null(key)) out.key = std::move(key);
      at = k + r.key_separator.size();
    }
  }
  std::string value = line.substr(at);
  if (!is_null(value)) out.value = std::move(value);
  if (headers && !is_null(*headers)) {
    for (const auto& pair : split(*headers, r.headers_separator)) {
      const size_t i = pair.find(r.headers_key_separator);
      if (i == std::string::npos) {
        if (!r.ignore_error) {
          return "No header key separator found in pair '" + pair + "' on line number " + std::to_string(line_number);
        }
        out.headers.emplace_back(pair, std::nullopt);
        continue;
      }
      std::string hk = pair.substr(0, i);
      if (is_null(hk))
        return "Header keys should not be equal to the null marker '" + *r.null_marker + "' as they can't be null";
      std::string hv = pair.substr(i + r.headers_key_separator.size());
      if (is_null(hv)) {
        out.headers.emplace_back(std::move(hk), std::nullopt);
      } else {
        out.headers.emplace_back(std::move(hk), std::move(hv));
      }
    }
  }
  return {};
}

std::span<const std::byte> bytes_of(const std::string& s) {
  return std::as_bytes(std::span<const char>(s.data(), s.size()));
}

class reports final : public client::delivery_handler {
 public:
  explicit reports(std::string topic) : topic_(std::move(topic)) {}
  void on_delivery(const client::delivery_report& r) override {
    if (r.err.code == client::errc::ok) return;
    failed_ += r.tags.size();
    std::fprintf(stderr, "ERROR Error when sending message to topic %s with error: %s (%zu record%s)\n", topic_.c_str(),
                 r.err.message().c_str(), r.tags.size(), r.tags.size() == 1 ? "" : "s");
  }
  size_t failed() const noexcept { return failed_; }

 private:
  std::string topic_;
  size_t failed_ = 0;
};

struct stdin_state {
  io::cancel_token cancel;  // Ctrl-C cancels the pending read
};

// One read of whatever stdin has (a line typed, a pipe's buffer); 0 at end of input.
io::task<int32_t> read_stdin(std::span<char> buf, io::cancel_token* token) {
  char* data = buf.data();
  const auto size = static_cast<unsigned>(buf.size());
  // Offset -1: the file's own position (a regular file) — pipes and terminals have none.
  co_return co_await io::uring_op([data, size](io_uring_sqe* s) { io_uring_prep_read(s, 0, data, size, ~0ULL); },
                                  token);
}

io::task<int> produce(client::cluster& c, client::producer& prod, reports* rep, tool_context* ctx, stdin_state* in,
                      const producer_options* o) {
  auto started = co_await prod.start();
  if (!started) {
    std::fprintf(stderr, "ERROR cannot start the producer: %s\n", started.error().message().c_str());
    co_return exit_error;
  }
  // The producer's metadata requests may create the topic (allow.auto.create.topics),
  // as Kafka's producer's do when the broker allows it.
  auto topic = co_await c.wait_for_topic(o->topic, true);
  if (!topic) {
    std::fprintf(stderr, "ERROR topic '%s' is not available: %s\n", o->topic.c_str(), topic.error().message().c_str());
    co_return exit_error;
  }
  auto prepared = co_await prod.prepare_topic(o->topic);
  if (!prepared) {
    std::fprintf(stderr, "ERROR topic '%s' is not available: %s\n", o->topic.c_str(),
                 prepared.error().message().c_str());
    co_return exit_error;
  }
  const bool prompt = ::isatty(0) && ::isatty(1);
  std::vector<char> buf(stdin_chunk_bytes);
  std::string pending;
  int64_t line_number = 0;
  size_t unsent = 0;
  uint64_t tag = 0;
  bool eof = false;
  if (prompt) {
    std::fputs(">", stdout);
    std::fflush(stdout);
  }
  while (!eof && !ctx->interrupted) {
    const int32_t n = co_await read_stdin(std::span<char>(buf), &in->cancel);
    if (n == -ECANCELED || ctx->interrupted) break;
    if (n < 0) {
      std::fprintf(stderr, "ERROR cannot read stdin: %s\n", std::strerror(-n));
      co_return exit_error;
    }
    if (n == 0) {
      eof = true;
      // The last line may lack its newline (Java's readLine returns it all the same).
      if (!pending.empty()) pending.push_back('\n');
    } else {
      pending.append(buf.data(), static_cast<size_t>(n));
    }
    size_t start = 0;
    for (size_t nl = pending.find('\n'); nl != std::string::npos; nl = pending.find('\n', start)) {
      std::string line = pending.substr(start, nl - start);
      start = nl + 1;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      ++line_number;
      parsed_line parsed;
      if (auto err = parse_line(o->reader, line, line_number, parsed); !err.empty()) {
        std::fprintf(stderr, "ERROR %s\n", err.c_str());
        co_return exit_error;
      }
      std::vector<codec::record_header> headers;
      for (const auto& [hk, hv] : parsed.headers) {
        codec::record_header h;
        h.key = hk;
        if (hv) h.value = bytes_of(*hv);
        headers.push_back(h);
      }
      client::producer_record rec;
      rec.topic = o->topic;
      if (parsed.key) rec.key = bytes_of(*parsed.key);
      if (parsed.value) rec.value = bytes_of(*parsed.value);
      rec.headers = headers;
      const client::producer_record* recp = &rec;
      auto sent = co_await prod.send(recp, tag++);
      if (!sent) {
        // As Kafka's callback does: report the record (e.g. larger than max.request.size)
        // and go on with the next line; the exit code tells.
        std::fprintf(stderr,
                     "ERROR Error when sending message to topic %s with key: %s, value: %zu bytes with error: %s\n",
                     o->topic.c_str(), parsed.key ? (std::to_string(parsed.key->size()) + " bytes").c_str() : "null",
                     parsed.value ? parsed.value->size() : 0, sent.error().message().c_str());
        ++unsent;
      }
      if (o->sync) {
        co_await prod.flush();
        if (rep->failed() > 0) co_return exit_error;
      }
      if (prompt) {
        std::fputs(">", stdout);
        std::fflush(stdout);
      }
    }
    pending.erase(0, start);
  }
  co_return unsent > 0 ? exit_error : exit_ok;
}

io::task<int> produce_connected(client::cluster& c, tool_context* ctx, stdin_state* in, const producer_options* o) {
  reports rep(o->topic);
  client::producer prod(c, o->producer, &rep);
  int rc = co_await produce(c, prod, &rep, ctx, in, o);
  co_await prod.close();  // sends what is buffered and waits for every acknowledgement
  if (rep.failed() > 0) rc = exit_error;
  co_return rc;
}

void print_error(const std::string& message) { std::fprintf(stderr, "ERROR %s\n", message.c_str()); }

io::task<int> producer_main(tool_context* ctx, stdin_state* in, const producer_options* o) {
  client::cluster c(tool_client_config(o->bootstrap, o->client_id, o->timeout_ms));
  auto body = [ctx, in, o](client::cluster& connected) { return produce_connected(connected, ctx, in, o); };
  co_return co_await run_connected(c, o->bootstrap, o->timeout_ms, print_error, body);
}

}  // namespace

int run_console_producer(const std::vector<std::string>& args) {
  option_parser p = make_parser();
  producer_options o;
  auto check_into = [&o](const option_parser& parsed) { return check(parsed, o); };
  if (auto stop = read_command_line(p, args, no_arguments::check, check_into)) return *stop;
  const producer_options* op = &o;
  stdin_state in;
  stdin_state* inp = &in;
  return run_tool("console-producer", [op, inp](tool_context& ctx) {
    // Ctrl-C: stop reading (the pending read is cancelled), flush what was read, exit.
    ctx.on_interrupt = [inp] { inp->cancel.cancel(); };
    return producer_main(&ctx, inp, op);
  });
}

}  // namespace ringtail::core::tools
