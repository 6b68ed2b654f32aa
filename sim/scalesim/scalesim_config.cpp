#include "scalesim_config.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <system_error>

#include <fmt/format.h>

#include "sim/input/diagnostic.hpp"
#include "sim/input/did_you_mean.hpp"

namespace qtsim::scalesim {

namespace {

constexpr std::size_t kMaxCfgBytes = 1 << 20;
// 100 TB/s at 1 GHz, the most a hardware document's DRAM has (hw.schema.json).
constexpr std::int64_t kMaxBandwidthWords = 100000;

std::string lower(std::string_view s) {
  std::string t(s);
  for (char& c : t) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return t;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::string in_quotes(std::string_view s) {
  std::string t = "\"";
  for (char c : s) t += c == '\n' ? std::string("\\n") : std::string(1, c);
  return t + "\"";
}

struct Entry {
  std::string key;    // as written
  std::string value;  // trimmed; continuation lines joined with '\n'
  int line = 0, key_column = 0, value_column = 0;
};

struct Section {
  std::string name;
  int line = 0;
  std::map<std::string, Entry> entries;  // by lower-case key
};

// The keys SCALE-Sim v2 reads, as it spells them; those marked used are read here.
struct KnownKey {
  const char* name;
  bool used;
};
const std::map<std::string, std::vector<KnownKey>> kKnownKeys = {
    {"general", {{"run_name", true}}},
    {"architecture_presets",
     {{"ArrayHeight", true}, {"ArrayWidth", true}, {"IfmapSramSzkB", true}, {"FilterSramSzkB", true},
      {"OfmapSramSzkB", true}, {"Dataflow", true}, {"Bandwidth", true}, {"IfmapOffset", false},
      {"FilterOffset", false}, {"OfmapOffset", false}, {"MemoryBanks", false}, {"OnChipMemoryBanks", false},
      {"OnChipMemoryBankPorts", false}, {"IfmapCustomLayout", false}, {"FilterCustomLayout", false},
      {"IfmapSRAMBankBandwidth", false}, {"IfmapSRAMBankNum", false}, {"IfmapSRAMBankPort", false},
      {"FilterSRAMBankBandwidth", false}, {"FilterSRAMBankNum", false}, {"FilterSRAMBankPort", false},
      {"ReadRequestBuffer", false}, {"WriteRequestBuffer", false}}},
    {"run_presets",
     {{"InterfaceBandwidth", true}, {"UseRamulatorTrace", false}, {"SRAM_row_size", false},
      {"SRAM_bank_size", false}, {"DRAM_row_size", false}, {"DRAM_bank_size", false}}},
    {"network_presets", {{"TopologyCsvLoc", true}}},
};

class Parser {
 public:
  Parser(std::string_view text, const std::string& file) : text_(text), diags_(file) {}

  ScaleSimConfig run() {
    scan();
    ScaleSimConfig c;
    c.file = diags_.file();
    check_keys();
    c.run_name = std::filesystem::path(diags_.file()).stem().string();
    if (const Entry* e = find("general", "run_name")) {
      if (e->value.empty())
        add(*e, "a non-empty run name", "an empty value");
      else
        c.run_name = e->value;
    }
    c.rows = integer("architecture_presets", "ArrayHeight", "rows of the MAC array", 1, 1024);
    c.cols = integer("architecture_presets", "ArrayWidth", "columns of the MAC array", 1, 1024);
    // Within what a hardware document holds (1 GiB a buffer; the ofmap's words are 4 bytes in qtsim's run).
    c.ifmap_kb = integer("architecture_presets", "IfmapSramSzkB", "ifmap SRAM size in KiB", 1, 1 << 20);
    c.filter_kb = integer("architecture_presets", "FilterSramSzkB", "filter SRAM size in KiB", 1, 1 << 20);
    c.ofmap_kb = integer("architecture_presets", "OfmapSramSzkB", "ofmap SRAM size in KiB", 1, 1 << 18);
    if (const Entry* e = require("architecture_presets", "Dataflow", "os, ws or is")) {
      const std::string v = e->value;
      if (v == "os") c.dataflow = hw::Dataflow::os;
      else if (v == "ws") c.dataflow = hw::Dataflow::ws;
      else if (v == "is") c.dataflow = hw::Dataflow::is;
      else add(*e, "one of os, ws, is", in_quotes(v), input::did_you_mean_hint(v, {"os", "ws", "is"}));
    }
    if (const Entry* e = find("run_presets", "InterfaceBandwidth")) {
      if (e->value == "USER") c.user_bandwidth = true;
      else if (e->value == "CALC") c.user_bandwidth = false;
      else add(*e, "USER or CALC", in_quotes(e->value), input::did_you_mean_hint(e->value, {"USER", "CALC"}));
    }
    if (const Entry* e = find("architecture_presets", "Bandwidth")) {
      c.bandwidths = integer_list(*e);
    } else if (c.user_bandwidth && !suggested_.count("architecture_presets/bandwidth")) {
      const Section* s = section("architecture_presets");
      diags_.add(fmt::format("[architecture_presets] Bandwidth{}", s ? fmt::format(" (section at line {})", s->line) : ""),
                 "key \"Bandwidth\" (DRAM words per cycle) since InterfaceBandwidth is USER", "nothing",
                 similar_hint("architecture_presets", "Bandwidth"));
    }
    if (const Entry* e = find("network_presets", "TopologyCsvLoc")) {
      // SCALE-Sim takes what is between the first pair of double quotes.
      const std::string& v = e->value;
      const auto open = v.find('"');
      const auto close = open == std::string::npos ? std::string::npos : v.find('"', open + 1);
      if (close == std::string::npos || close == open + 1)
        add(*e, "a path in double quotes, e.g. \"topologies/resnet18.csv\"", in_quotes(v));
      else
        c.topology = v.substr(open + 1, close - open - 1);
    }
    throw_in_line_order();
    return c;
  }

 private:
  // Lines into sections and entries.
  void scan() {
    int line_no = 0;
    Entry* last = nullptr;  // the entry an indented line continues
    Section* current = nullptr;
    std::size_t pos = 0;
    while (pos <= text_.size()) {
      std::size_t end = text_.find('\n', pos);
      if (end == std::string_view::npos) end = text_.size();
      std::string_view raw = text_.substr(pos, end - pos);
      pos = end + 1;
      ++line_no;
      if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
      const std::string_view t = trim(raw);
      const std::size_t first = raw.find_first_not_of(" \t");
      const int col = first == std::string_view::npos ? 1 : static_cast<int>(first) + 1;
      if (t.empty()) {
        last = nullptr;
        continue;
      }
      if (t.front() == '#' || t.front() == ';') continue;
      if (first > 0 && last) {  // continuation of the previous value
        last->value += '\n';
        last->value.append(t);
        continue;
      }
      if (t.front() == '[') {
        last = nullptr;
        if (t.back() != ']' || t.size() < 3) {
          diags_.add(fmt::format("line {}, column {}", line_no, col), "a section header such as [architecture_presets]",
                     in_quotes(t));
          current = nullptr;
          skip_section_ = true;
          continue;
        }
        const std::string name(t.substr(1, t.size() - 2));
        if (const Section* s = section(name)) {
          diags_.add(fmt::format("line {}, column {}", line_no, col), fmt::format("each section once ([{}] is at line {})", name, s->line),
                     fmt::format("a second [{}]", name));
          current = nullptr;
          skip_section_ = true;
          continue;
        }
        sections_.push_back(Section{name, line_no, {}});
        current = &sections_.back();
        skip_section_ = false;
        continue;
      }
      const std::size_t delim = t.find_first_of("=:");
      if (delim == std::string_view::npos || trim(t.substr(0, delim)).empty()) {
        last = nullptr;
        diags_.add(fmt::format("line {}, column {}", line_no, col), "a line \"key = value\" or \"key: value\", a [section] or a comment",
                   in_quotes(t));
        continue;
      }
      if (!current) {
        last = nullptr;
        if (skip_section_) continue;
        diags_.add(fmt::format("line {}, column {}", line_no, col), "a [section] header before the first key", in_quotes(t));
        skip_section_ = true;  // one message is enough
        continue;
      }
      Entry e;
      e.key = std::string(trim(t.substr(0, delim)));
      e.value = std::string(trim(t.substr(delim + 1)));
      e.line = line_no;
      e.key_column = col;
      const std::size_t value_at = raw.find_first_not_of(" \t", static_cast<std::size_t>(col - 1) + delim + 1);
      e.value_column = value_at == std::string_view::npos ? static_cast<int>(raw.size()) + 1 : static_cast<int>(value_at) + 1;
      const std::string k = lower(e.key);
      auto it = current->entries.find(k);
      if (it != current->entries.end()) {
        diags_.add(fmt::format("line {}, column {}", line_no, col),
                   fmt::format("each key once in [{}] (\"{}\" is at line {})", current->name, it->second.key, it->second.line),
                   fmt::format("a second \"{}\"", e.key));
        last = nullptr;
        continue;
      }
      last = &current->entries.emplace(k, std::move(e)).first->second;
    }
  }

  // Unknown keys in the sections SCALE-Sim reads.
  void check_keys() {
    for (const Section& s : sections_) {
      const auto known = kKnownKeys.find(s.name);
      if (known == kKnownKeys.end()) continue;
      std::vector<std::string> names;
      for (const KnownKey& k : known->second) names.push_back(k.name);
      for (const auto& [k, e] : s.entries) {
        // (clang 14 cannot capture a structured binding in a lambda: name it first.)
        const std::string& key = k;
        const bool ok = std::any_of(names.begin(), names.end(), [&](const std::string& n) { return lower(n) == key; });
        if (ok) continue;
        std::string list;
        for (const std::string& n : names) list += (list.empty() ? "" : ", ") + n;
        const std::string guess = input::did_you_mean(e.key, names);
        if (!guess.empty()) suggested_.insert(s.name + "/" + lower(guess));
        diags_.add(fmt::format("line {}, column {}", e.line, e.key_column), fmt::format("a key of [{}]: {}", s.name, list),
                   fmt::format("unknown key \"{}\"", e.key), guess.empty() ? "" : "did you mean '" + guess + "'?");
      }
    }
  }

  const Section* section(const std::string& name) const {
    for (const Section& s : sections_)
      if (s.name == name) return &s;
    return nullptr;
  }

  const Entry* find(const std::string& sec, const std::string& key) const {
    const Section* s = section(sec);
    if (!s) return nullptr;
    auto it = s->entries.find(lower(key));
    return it == s->entries.end() ? nullptr : &it->second;
  }

  // "is 'ArrayHieght' meant to be 'ArrayHeight'?" when a similar key is present.
  std::string similar_hint(const std::string& sec, const std::string& key) const {
    const Section* s = section(sec);
    if (!s) return "";
    std::vector<std::string> present;
    for (const auto& [k, e] : s->entries) present.push_back(e.key);
    const std::string guess = input::did_you_mean(key, present);
    return guess.empty() ? "" : fmt::format("is '{}' meant to be '{}'?", guess, key);
  }

  const Entry* require(const std::string& sec, const std::string& key, const std::string& what) {
    if (const Entry* e = find(sec, key)) return e;
    const Section* s = section(sec);
    if (!s) {
      if (missing_sections_.insert(sec).second) {
        std::string present;
        for (const Section& x : sections_) present += (present.empty() ? "" : ", ") + ("[" + x.name + "]");
        diags_.add("[" + sec + "]", fmt::format("a section [{}] with the array's parameters", sec),
                   present.empty() ? "no sections" : "only " + present,
                   input::did_you_mean_hint(sec, [&] {
                     std::vector<std::string> names;
                     for (const Section& x : sections_) names.push_back(x.name);
                     return names;
                   }()));
      }
      return nullptr;
    }
    // A misspelt key was already reported with "did you mean"; saying the right one is missing would repeat it.
    if (suggested_.count(sec + "/" + lower(key))) return nullptr;
    diags_.add(fmt::format("[{}] {} (section at line {})", sec, key, s->line), fmt::format("key \"{}\" ({})", key, what),
               "nothing", similar_hint(sec, key));
    return nullptr;
  }

  void add(const Entry& e, const std::string& expected, const std::string& found, const std::string& hint = "") {
    diags_.add(fmt::format("line {}, column {} ({})", e.line, e.value_column, e.key), expected, found, hint);
  }

  static std::optional<std::int64_t> to_int(std::string_view s) {
    std::int64_t v = 0;
    if (s.empty()) return std::nullopt;
    if (s.front() == '+') s.remove_prefix(1);
    const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    if (r.ec != std::errc() || r.ptr != s.data() + s.size()) return std::nullopt;
    return v;
  }

  std::int64_t integer(const std::string& sec, const std::string& key, const std::string& what, std::int64_t lo, std::int64_t hi) {
    const Entry* e = require(sec, key, what);
    if (!e) return 0;
    const auto v = to_int(e->value);
    const std::string expected = fmt::format("an integer in [{}, {}] ({})", lo, hi, what);
    if (!v) {
      add(*e, expected, e->value.empty() ? "an empty value" : in_quotes(e->value));
      return 0;
    }
    if (*v < lo || *v > hi) add(*e, expected, std::to_string(*v));
    return *v;
  }

  std::vector<std::int64_t> integer_list(const Entry& e) {
    std::vector<std::int64_t> out;
    std::string_view rest = e.value;
    bool bad = rest.empty();
    while (!bad) {
      const auto comma = rest.find(',');
      const auto v = to_int(trim(rest.substr(0, comma)));
      if (!v || *v < 1 || *v > kMaxBandwidthWords) {
        bad = true;
        break;
      }
      out.push_back(*v);
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
    if (bad) add(e, fmt::format("DRAM bandwidth in words per cycle: integers from 1 to {} separated by commas (one per "
                                "memory bank)", kMaxBandwidthWords),
                 e.value.empty() ? "an empty value" : in_quotes(e.value));
    return out;
  }

  // Problems at a line first, in file order; then those about missing keys and sections.
  void throw_in_line_order() const {
    if (diags_.empty()) return;
    auto position = [](const input::Diagnostic& d) {
      int line = 0, column = 0;
      if (std::sscanf(d.pointer.c_str(), "line %d, column %d", &line, &column) != 2) return std::pair{INT32_MAX, 0};
      return std::pair{line, column};
    };
    std::vector<input::Diagnostic> items = diags_.items();
    std::stable_sort(items.begin(), items.end(),
                     [&](const input::Diagnostic& a, const input::Diagnostic& b) { return position(a) < position(b); });
    throw input::InputError(items);
  }

  std::string_view text_;
  input::DiagnosticList diags_;
  std::deque<Section> sections_;  // stable addresses while scanning
  std::set<std::string> missing_sections_;
  std::set<std::string> suggested_;  // "section/key" an unknown key was probably meant to be
  bool skip_section_ = false;
};

}  // namespace

std::string read_text_file(const std::string& path, std::size_t max_bytes) {
  std::error_code ec;
  const std::filesystem::path p(path);
  if (!std::filesystem::exists(p, ec))
    throw input::InputError(input::Diagnostic{path, "", "an existing file", "no such file", ""});
  if (!std::filesystem::is_regular_file(p, ec))
    throw input::InputError(input::Diagnostic{path, "", "a regular file", "a directory or special file", ""});
  const auto size = std::filesystem::file_size(p, ec);
  if (!ec && size > max_bytes)
    throw input::InputError(input::Diagnostic{path, "", fmt::format("a file of at most {} bytes", max_bytes),
                                              fmt::format("{} bytes", size), ""});
  std::ifstream in(p, std::ios::binary);
  if (!in) throw input::InputError(input::Diagnostic{path, "", "a readable file", "a file that cannot be opened", ""});
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

ScaleSimConfig parse_scalesim_cfg(std::string_view text, const std::string& file) { return Parser(text, file).run(); }

ScaleSimConfig load_scalesim_cfg(const std::string& path) {
  return parse_scalesim_cfg(read_text_file(path, kMaxCfgBytes), path);
}

}  // namespace qtsim::scalesim
