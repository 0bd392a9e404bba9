#include "ringtail/core/tools/options.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <fstream>

namespace ringtail::core::tools {

namespace {

constexpr size_t help_left_column = 40;

}  // namespace

option_parser::option_parser(std::string command, std::string summary)
    : command_(std::move(command)), summary_(std::move(summary)) {
  flag("help", "Print this text.");
}

void option_parser::flag(std::string name, std::string help) {
  specs_.push_back(spec{std::move(name), {}, std::move(help), {}, false, false, false});
}

void option_parser::value(std::string name, std::string value_name, std::string help, std::string default_value) {
  specs_.push_back(
      spec{std::move(name), std::move(value_name), std::move(help), std::move(default_value), true, false, false});
}

void option_parser::multi(std::string name, std::string value_name, std::string help) {
  specs_.push_back(spec{std::move(name), std::move(value_name), std::move(help), {}, true, true, false});
}

void option_parser::optional_value(std::string name, std::string value_name, std::string help,
                                   std::string default_value) {
  specs_.push_back(
      spec{std::move(name), std::move(value_name), std::move(help), std::move(default_value), true, false, true});
}

const option_parser::spec* option_parser::find(std::string_view name) const {
  for (const auto& s : specs_) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

std::string option_parser::parse(const std::vector<std::string>& args) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a.size() < 3 || a.compare(0, 2, "--") != 0) {
      if (a == "-h") {
        values_["help"].push_back("");
        given_.push_back("help");
        continue;
      }
      return "unexpected argument '" + a + "' (options start with --)";
    }
    std::string name = a.substr(2);
    std::optional<std::string> inline_value;
    if (const size_t eq = name.find('='); eq != std::string::npos) {
      inline_value = name.substr(eq + 1);
      name.resize(eq);
    }
    const spec* s = find(name);
    if (!s) return "'" + name + "' is not a recognized option";
    std::string v;
    if (!s->takes_value) {
      if (inline_value) return "option '" + name + "' does not take a value";
    } else if (inline_value) {
      v = *inline_value;
    } else if (i + 1 < args.size() && !(s->value_optional && args[i + 1].compare(0, 2, "--") == 0)) {
      v = args[++i];
    } else if (s->value_optional) {
      v = s->default_value;
    } else {
      return "option '" + name + "' requires an argument";
    }
    auto& slot = values_[name];
    if (!s->repeatable) slot.clear();
    slot.push_back(std::move(v));
    if (std::find(given_.begin(), given_.end(), name) == given_.end()) given_.push_back(name);
  }
  return {};
}

bool option_parser::has(std::string_view name) const { return values_.find(name) != values_.end(); }

std::string option_parser::get(std::string_view name) const {
  auto it = values_.find(name);
  if (it != values_.end() && !it->second.empty()) return it->second.back();
  const spec* s = find(name);
  return s ? s->default_value : std::string();
}

std::vector<std::string> option_parser::all(std::string_view name) const {
  auto it = values_.find(name);
  return it == values_.end() ? std::vector<std::string>{} : it->second;
}

std::string option_parser::help() const {
  std::string out = summary_ + "\n\nUsage: ringtail " + command_ + " [options]\n\n";
  out += pad("Option", help_left_column) + "Description\n";
  out += pad("------", help_left_column) + "-----------\n";
  std::vector<const spec*> sorted;
  for (const auto& s : specs_) sorted.push_back(&s);
  std::sort(sorted.begin(), sorted.end(), [](const spec* a, const spec* b) { return a->name < b->name; });
  for (const spec* s : sorted) {
    std::string left = "--" + s->name;
    if (s->takes_value) {
      left += s->value_optional ? " [" : " <";
      left += s->value_name;
      left += s->value_optional ? "]" : ">";
    }
    std::string text = s->help;
    if (!s->default_value.empty() && !s->value_optional) text += " (default: " + s->default_value + ")";
    if (s->repeatable) text += " (may be repeated)";
    // Continuation lines of a description are indented under its column.
    std::string indented;
    for (char ch : text) {
      indented.push_back(ch);
      if (ch == '\n') indented += std::string(help_left_column, ' ');
    }
    if (left.size() + 1 > help_left_column) {
      out += left + "\n" + std::string(help_left_column, ' ') + indented + "\n";
    } else {
      out += pad(left, help_left_column) + indented + "\n";
    }
  }
  return out;
}

int usage_error(const option_parser& p, const std::string& message) {
  std::fprintf(stderr, "ringtail %s: %s\n(see 'ringtail %s --help')\n", p.command().c_str(), message.c_str(),
               p.command().c_str());
  return exit_error;
}

std::optional<int> read_command_line(option_parser& p, const std::vector<std::string>& args, no_arguments if_none,
                                     const std::function<std::string(const option_parser&)>& check,
                                     int (*report)(const option_parser&, const std::string&)) {
  if (args.empty() && if_none == no_arguments::print_help) {
    std::fputs(p.help().c_str(), stderr);
    return exit_error;
  }
  if (const std::string err = p.parse(args); !err.empty()) return report(p, err);
  if (p.has("help")) {
    std::fputs(p.help().c_str(), stdout);
    return exit_ok;
  }
  if (const std::string err = check(p); !err.empty()) return report(p, err);
  return std::nullopt;
}

std::optional<std::string> only_action(const option_parser& p, std::initializer_list<const char*> actions) {
  std::optional<std::string> found;
  for (const char* a : actions) {
    if (!p.has(a)) continue;
    if (found) return std::nullopt;
    found = a;
  }
  return found;
}

std::string collect_raw_properties(const option_parser& p, std::initializer_list<const char*> options,
                                   const std::string& kind, std::vector<std::pair<std::string, std::string>>& out) {
  for (const char* opt : options) {
    for (const auto& kv : p.all(opt)) {
      const size_t eq = kv.find('=');
      if (eq == std::string::npos) return "Invalid " + kind + " property '" + kv + "': expected key=value";
      out.emplace_back(trim(kv.substr(0, eq)), kv.substr(eq + 1));
    }
  }
  return {};
}

std::string collect_properties(const option_parser& p, std::initializer_list<const char*> file_options,
                               std::initializer_list<const char*> value_options, const std::string& client,
                               std::map<std::string, std::string>& props) {
  for (const char* file : file_options) {
    if (!p.has(file)) continue;
    auto loaded = load_properties(p.get(file));
    if (!loaded) return "cannot read --" + std::string(file) + " " + p.get(file);
    for (auto& [k, v] : *loaded) props[k] = v;
  }
  for (const char* opt : value_options) {
    for (const auto& kv : p.all(opt)) {
      auto parsed = parse_key_value(kv);
      if (!parsed) return "Invalid " + client + " property '" + kv + "': expected key=value";
      props[parsed->first] = parsed->second;
    }
  }
  return {};
}

std::optional<int64_t> parse_int(std::string_view s, int64_t lo, int64_t hi) {
  const std::string t = trim(s);
  int64_t v = 0;
  const char* b = t.data();
  const char* e = t.data() + t.size();
  if (b != e && *b == '+') ++b;
  auto [p, ec] = std::from_chars(b, e, v);
  if (t.empty() || ec != std::errc{} || p != e || v < lo || v > hi) return std::nullopt;
  return v;
}

bool parse_bool(std::string_view s) {
  std::string t = trim(s);
  std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return t == "true";
}

std::string trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

std::vector<std::string> split(std::string_view s, std::string_view sep) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    const size_t at = s.find(sep, start);
    out.emplace_back(s.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start));
    if (at == std::string_view::npos) break;
    start = at + sep.size();
  }
  return out;
}

std::vector<std::string> split(std::string_view s, char sep) { return split(s, std::string_view(&sep, 1)); }

std::optional<std::pair<std::string, std::string>> parse_key_value(std::string_view s) {
  const size_t eq = s.find('=');
  if (eq == std::string_view::npos) return std::nullopt;
  std::string k = trim(s.substr(0, eq));
  if (k.empty()) return std::nullopt;
  return std::make_pair(std::move(k), trim(s.substr(eq + 1)));
}

std::optional<std::map<std::string, std::string>> load_properties(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::map<std::string, std::string> out;
  std::string line;
  while (std::getline(in, line)) {
    const std::string t = trim(line);
    if (t.empty() || t[0] == '#' || t[0] == '!') continue;
    size_t sep = t.find_first_of("=:");
    if (sep == std::string::npos) {
      out[t] = "";
      continue;
    }
    out[trim(std::string_view(t).substr(0, sep))] = trim(std::string_view(t).substr(sep + 1));
  }
  return out;
}

std::optional<topic_pattern> topic_pattern::compile(const std::string& expression) {
  std::string e = trim(expression);
  if (e.size() >= 2 && (e.front() == '"' || e.front() == '\'') && e.back() == e.front()) e = e.substr(1, e.size() - 2);
  std::replace(e.begin(), e.end(), ',', '|');
  auto re = std::make_unique<regex_t>();
  if (::regcomp(re.get(), ("^(" + e + ")$").c_str(), REG_EXTENDED | REG_NOSUB) != 0) return std::nullopt;
  topic_pattern p;
  p.re_ = std::shared_ptr<regex_t>(re.release(), deleter{});
  return p;
}

bool topic_pattern::matches(const std::string& name) const {
  return ::regexec(re_.get(), name.c_str(), 0, nullptr, 0) == 0;
}

std::string pad(std::string_view s, size_t width) {
  std::string out(s);
  if (out.size() < width) out.append(width - out.size(), ' ');
  return out;
}

}  // namespace ringtail::core::tools
