// Command-line options for the admin and console tools, in the style of Kafka's scripts
// (joptsimple): `--name value` or `--name=value`, flags without a value, repeatable
// options, and a two-column help text. Also the small parsers the tools share
// (integers, key=value lists, .properties files, topic regexes).
//
// Plain values on the caller's thread; nothing here touches the runtime.
#pragma once

#include <regex.h>

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ringtail::core::tools {

// Exit codes, as Kafka's scripts use them.
inline constexpr int exit_ok = 0;
inline constexpr int exit_error = 1;
inline constexpr int exit_interrupted = 130;  // a second Ctrl-C, or one during an admin call

// How long a tool waits for its bootstrap servers (and each admin call) unless told
// otherwise (--timeout-ms).
inline constexpr int default_timeout_ms = 15'000;

class option_parser {
 public:
  // `command` is the subcommand ("topics"); `summary` the first line of --help.
  option_parser(std::string command, std::string summary);

  // A flag without a value.
  void flag(std::string name, std::string help);
  // An option with a value; `value_name` shows in --help ("<String: topic>").
  void value(std::string name, std::string value_name, std::string help, std::string default_value = {});
  // A value that may be given several times (all() returns them in order).
  void multi(std::string name, std::string value_name, std::string help);
  // A value that may be omitted (`--compression-codec` alone means `default_value`).
  void optional_value(std::string name, std::string value_name, std::string help, std::string default_value);

  // Parses `args`; returns an error message ("" on success).
  std::string parse(const std::vector<std::string>& args);

  bool has(std::string_view name) const;
  // The last value given, else the declared default ("" if none).
  std::string get(std::string_view name) const;
  std::vector<std::string> all(std::string_view name) const;
  // Every option given, in order (for "exactly one action" checks).
  const std::vector<std::string>& given() const noexcept { return given_; }

  // The --help text: the summary, then "Option / Description" rows.
  std::string help() const;
  const std::string& command() const noexcept { return command_; }

 private:
  struct spec {
    std::string name;
    std::string value_name;
    std::string help;
    std::string default_value;
    bool takes_value = false;
    bool repeatable = false;
    bool value_optional = false;
  };
  const spec* find(std::string_view name) const;

  std::string command_;
  std::string summary_;
  std::vector<spec> specs_;
  std::map<std::string, std::vector<std::string>, std::less<>> values_;
  std::vector<std::string> given_;
};

// Prints "ringtail <command>: <message>" and a pointer to --help on stderr; returns
// exit_error.
int usage_error(const option_parser& p, const std::string& message);

// Whether a tool run without any argument prints its help and fails (Kafka's admin
// scripts do), or checks its options like any other command line (the console scripts).
enum class no_arguments { print_help, check };

// The steps every tool takes with its command line before it runs, as Kafka's scripts
// take them: no argument at all (see no_arguments); --help prints the help on stdout
// (exit_ok); a malformed command line, or options `check` rejects (it fills the tool's
// own options and returns a message, "" when they are valid), go to `report` —
// usage_error unless the tool words its errors otherwise. Returns the exit code when the
// tool stops here, nullopt when it should run.
std::optional<int> read_command_line(option_parser& p, const std::vector<std::string>& args, no_arguments if_none,
                                     const std::function<std::string(const option_parser&)>& check,
                                     int (*report)(const option_parser&, const std::string&) = usage_error);

// The one of `actions` (flags) the command line gives; nullopt when it gives none or
// several.
std::optional<std::string> only_action(const option_parser& p, std::initializer_list<const char*> actions);

// The key=value pairs the `options` give, in order: keys trimmed, values as given (a
// separator such as a tab stays what it is, as Kafka takes them). `kind` names them in
// errors ("formatter"). Returns an error message, "" on success.
std::string collect_raw_properties(const option_parser& p, std::initializer_list<const char*> options,
                                   const std::string& kind, std::vector<std::pair<std::string, std::string>>& out);

// A client's properties as Kafka's console scripts take them: the .properties files the
// `file_options` name, then the key=value pairs of the `value_options` (later ones win),
// into `props`. `client` names the client in errors ("consumer"). Returns an error
// message, "" on success.
std::string collect_properties(const option_parser& p, std::initializer_list<const char*> file_options,
                               std::initializer_list<const char*> value_options, const std::string& client,
                               std::map<std::string, std::string>& props);

// Parses a whole decimal integer in [lo, hi].
std::optional<int64_t> parse_int(std::string_view s, int64_t lo, int64_t hi);
// "true"/"false", case-insensitive, surrounding blanks ignored (Kafka's rule).
bool parse_bool(std::string_view s);

// "k=v" → {k, v}, split at the first '=', both sides trimmed; nullopt without '='.
std::optional<std::pair<std::string, std::string>> parse_key_value(std::string_view s);

// A Java .properties file (k=v, k: v, # and ! comments); nullopt if it cannot be read.
std::optional<std::map<std::string, std::string>> load_properties(const std::string& path);

// Kafka's topic filter (IncludeList): a regular expression, ',' meaning '|', matched
// against the whole name. POSIX extended syntax (<regex.h>), which covers what topic
// patterns use in practice ("t", "t.*", "a|b", "[a-z]+-[0-9]").
class topic_pattern {
 public:
  // nullopt if the expression is invalid.
  static std::optional<topic_pattern> compile(const std::string& expression);
  bool matches(const std::string& name) const;

 private:
  struct deleter {
    void operator()(regex_t* r) const noexcept {
      ::regfree(r);
      delete r;
    }
  };
  std::shared_ptr<regex_t> re_;
};

std::string trim(std::string_view s);
// The pieces of `s` between the separators (one piece, `s`, when there is none).
std::vector<std::string> split(std::string_view s, std::string_view sep);
std::vector<std::string> split(std::string_view s, char sep);

// Java's "%-Ns": `s` padded with spaces to at least `width`.
std::string pad(std::string_view s, size_t width);

}  // namespace ringtail::core::tools
