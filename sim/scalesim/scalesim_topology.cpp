#include "scalesim_topology.hpp"

#include <cctype>
#include <charconv>
#include <optional>

#include <fmt/format.h>

#include "scalesim_config.hpp"
#include "sim/input/diagnostic.hpp"

namespace qtsim::scalesim {

namespace {

constexpr std::size_t kMaxTopologyBytes = 16 << 20;

struct Field {
  std::string_view text;  // trimmed
  int column = 1;         // 1-based, where the trimmed text starts (or would)
};

std::vector<Field> split(std::string_view line) {
  std::vector<Field> fields;
  std::size_t start = 0;
  for (;;) {
    const std::size_t comma = line.find(',', start);
    const std::size_t end = comma == std::string_view::npos ? line.size() : comma;
    std::size_t a = start, b = end;
    while (a < b && std::isspace(static_cast<unsigned char>(line[a]))) ++a;
    while (b > a && std::isspace(static_cast<unsigned char>(line[b - 1]))) --b;
    fields.push_back({line.substr(a, b - a), static_cast<int>(a) + 1});
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  // SCALE-Sim ends every row with a comma; tolerate it (and its absence).
  if (fields.size() > 1 && fields.back().text.empty()) fields.pop_back();
  return fields;
}

std::optional<std::int64_t> to_int(std::string_view s) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  std::int64_t v = 0;
  if (s.empty()) return std::nullopt;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

std::string shown(std::string_view s) {
  if (s.empty()) return "an empty field";
  std::string t = "\"";
  t += s.size() > 40 ? std::string(s.substr(0, 40)) + "..." : std::string(s);
  return t + "\"";
}

const char* const kColumns[] = {"Layer name",  "IFMAP Height", "IFMAP Width", "Filter Height", "Filter Width",
                                "Channels",    "Num Filter",   "Strides",     "Stride width"};
constexpr std::int64_t kMaxDim = 1 << 16;
constexpr std::int64_t kMaxCount = 1 << 20;
// Beyond any real network (ResNet-50's largest layer: 1.2e8 MACs, 2.4e6
// weights), below int64 overflow in every count the run computes.
constexpr std::int64_t kMaxLayerMacs = std::int64_t{1} << 40;
constexpr std::int64_t kMaxLayerElements = std::int64_t{1} << 40;
// Layers after depthwise expansion (one per channel), so a file cannot ask for
// millions of layers in a few bytes.
constexpr std::int64_t kMaxLayers = 1 << 16;

// a * b, or `cap` + 1 when it exceeds `cap` (a, b >= 0).
std::int64_t capped_product(std::int64_t a, std::int64_t b, std::int64_t cap) {
  std::int64_t p = 0;
  if (__builtin_mul_overflow(a, b, &p) || p > cap) return cap + 1;
  return p;
}

const char* const kGemmColumns[] = {"Layer", "M", "N", "K"};

bool lower_equals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

// A header naming M, N and K in its second to fourth columns: SCALE-Sim's GEMM format.
bool gemm_header(const std::vector<Field>& f) {
  return f.size() >= 4 && lower_equals(f[1].text, "M") && lower_equals(f[2].text, "N") && lower_equals(f[3].text, "K");
}

class Reader {
 public:
  Reader(const std::string& file, TopologyFormat format) : diags_(file), format_(format) {}

  std::vector<TopologyLayer> run(std::string_view text) {
    std::vector<TopologyLayer> layers;
    bool header_seen = false;
    int line_no = 0;
    std::size_t pos = 0;
    while (pos < text.size()) {
      std::size_t end = text.find('\n', pos);
      if (end == std::string_view::npos) end = text.size();
      std::string_view line = text.substr(pos, end - pos);
      pos = end + 1;
      ++line_no;
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
      const std::vector<Field> f = split(line);
      if (!header_seen) {
        header_seen = true;
        if (format_ == TopologyFormat::from_header) format_ = gemm_header(f) ? TopologyFormat::gemm : TopologyFormat::conv;
        if (format_ == TopologyFormat::gemm ? looks_like_gemm(f) : looks_like_layer(f))
          diags_.add(at(line_no, f[0], 0), "a header row first (SCALE-Sim skips the first line unread)", "a layer row",
                     format_ == TopologyFormat::gemm
                         ? "add the line: Layer, M, N, K,"
                         : "add the line: Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,");
        continue;
      }
      TopologyLayer l;
      if (format_ == TopologyFormat::gemm ? read_gemm(f, line_no, l) : read_layer(f, line_no, l)) {
        const bool depthwise = l.name.find("DP") != std::string::npos;
        const std::int64_t count = depthwise ? l.channels : 1;
        if (static_cast<std::int64_t>(layers.size()) + count > kMaxLayers) {
          diags_.add(at(line_no, f[0], 0),
                     fmt::format("at most {} layers in all (a depthwise layer, one whose name contains \"DP\", "
                                 "counts once per channel)", kMaxLayers),
                     fmt::format("{} layers up to this line", static_cast<std::int64_t>(layers.size()) + count));
          break;
        }
        if (depthwise) {
          // SCALE-Sim's depthwise convention: one single-channel layer per channel.
          const std::int64_t channels = l.channels;
          for (std::int64_t c = 0; c < channels; ++c) {
            TopologyLayer d = l;
            d.name = l.name + "Channel_" + std::to_string(c);
            d.channels = 1;
            layers.push_back(d);
          }
        } else {
          layers.push_back(l);
        }
      }
    }
    if (!header_seen) diags_.add("", "a header row and at least one layer row", "an empty file");
    else if (layers.empty() && diags_.empty()) diags_.add("", "at least one layer row after the header", "only the header");
    diags_.throw_if_any();
    return layers;
  }

 private:
  static std::string at(int line, const Field& f, std::size_t index) {
    return fmt::format("line {}, column {} ({})", line, f.column, kColumns[std::min<std::size_t>(index, 8)]);
  }

  static bool looks_like_gemm(const std::vector<Field>& f) {
    if (f.size() < 4) return false;
    for (std::size_t i = 1; i < 4; ++i)
      if (!to_int(f[i].text)) return false;
    return true;
  }

  // A GEMM row as SCALE-Sim converts it: one M x K channel, N filters of 1 x K, stride 1.
  bool read_gemm(const std::vector<Field>& f, int line_no, TopologyLayer& l) {
    const std::size_t before = diags_.items().size();
    if (f.size() != 4) {
      const Field& where = f.size() > 4 ? f[4] : f.back();
      diags_.add(fmt::format("line {}, column {}", line_no, f.size() > 4 ? where.column : where.column + static_cast<int>(where.text.size())),
                 "4 fields (Layer, M, N, K)", fmt::format("{} field{}", f.size(), f.size() == 1 ? "" : "s"));
      return false;
    }
    l.line = line_no;
    if (f[0].text.empty())
      diags_.add(fmt::format("line {}, column {} (Layer)", line_no, f[0].column), "a layer name", "an empty field");
    l.name = std::string(f[0].text);
    std::int64_t mnk[3] = {0, 0, 0};
    for (std::size_t i = 1; i < 4; ++i) {
      const auto v = to_int(f[i].text);
      if (!v || *v < 1 || *v > kMaxCount)
        diags_.add(fmt::format("line {}, column {} ({})", line_no, f[i].column, kGemmColumns[i]),
                   fmt::format("an integer in [1, {}]", kMaxCount), v ? std::to_string(*v) : shown(f[i].text));
      else
        mnk[i - 1] = *v;
    }
    if (diags_.items().size() != before) return false;
    l.ifmap_h = mnk[0];
    l.ifmap_w = mnk[2];
    l.filter_h = 1;
    l.filter_w = mnk[2];
    l.channels = 1;
    l.filters = mnk[1];
    l.stride_h = l.stride_w = 1;
    check_size(l, line_no, f[0]);
    return diags_.items().size() == before;
  }

  static bool looks_like_layer(const std::vector<Field>& f) {
    if (f.size() < 8) return false;
    for (std::size_t i = 1; i < 8; ++i)
      if (!to_int(f[i].text)) return false;
    return true;
  }

  bool read_layer(const std::vector<Field>& f, int line_no, TopologyLayer& l) {
    const std::size_t before = diags_.items().size();
    if (f.size() < 8 || f.size() > 9) {
      const Field& where = f.size() > 9 ? f[9] : f.back();
      diags_.add(fmt::format("line {}, column {}", line_no, f.size() > 9 ? where.column : where.column + static_cast<int>(where.text.size())),
                 "8 fields (Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides) "
                 "or 9 (Stride height, Stride width)",
                 fmt::format("{} field{}", f.size(), f.size() == 1 ? "" : "s"));
      return false;
    }
    l.line = line_no;
    if (f[0].text.empty()) diags_.add(at(line_no, f[0], 0), "a layer name", "an empty field");
    l.name = std::string(f[0].text);
    std::int64_t* slots[] = {nullptr, &l.ifmap_h, &l.ifmap_w, &l.filter_h, &l.filter_w, &l.channels, &l.filters, &l.stride_h, &l.stride_w};
    const std::int64_t limits[] = {0, kMaxDim, kMaxDim, kMaxDim, kMaxDim, kMaxCount, kMaxCount, 4096, 4096};
    bool numbers_ok = true;
    for (std::size_t i = 1; i < f.size(); ++i) {
      const auto v = to_int(f[i].text);
      if (!v || *v < 1 || *v > limits[i]) {
        diags_.add(at(line_no, f[i], i), fmt::format("an integer in [1, {}]", limits[i]), v ? std::to_string(*v) : shown(f[i].text));
        numbers_ok = false;
      } else {
        *slots[i] = *v;
      }
    }
    if (f.size() == 8) l.stride_w = l.stride_h;
    if (numbers_ok) {
      if (l.filter_h > l.ifmap_h)
        diags_.add(at(line_no, f[3], 3), fmt::format("at most the IFMAP Height {}", l.ifmap_h), std::to_string(l.filter_h));
      if (l.filter_w > l.ifmap_w)
        diags_.add(at(line_no, f[4], 4), fmt::format("at most the IFMAP Width {}", l.ifmap_w), std::to_string(l.filter_w));
      if (l.stride_w != l.stride_h)
        diags_.add(at(line_no, f[8], 8), fmt::format("the stride height {} (a conv shape here has one stride)", l.stride_h),
                   std::to_string(l.stride_w));
    }
    if (diags_.items().size() == before) check_size(l, line_no, f[0]);
    return diags_.items().size() == before;
  }

  // Sizes a run can count without overflow: MACs, input and weight elements.
  void check_size(const TopologyLayer& l, int line_no, const Field& name) {
    const std::int64_t macs = capped_product(l.ofmap_h() * l.ofmap_w() * l.filters, l.window(), kMaxLayerMacs);
    const std::int64_t inputs = capped_product(l.ifmap_h * l.ifmap_w, l.channels, kMaxLayerElements);
    const std::int64_t weights = capped_product(l.filters, l.window(), kMaxLayerElements);
    const auto amount = [](std::int64_t v, std::int64_t cap) {
      return v > cap ? fmt::format("more than {}", cap) : std::to_string(v);
    };
    if (macs > kMaxLayerMacs || inputs > kMaxLayerElements || weights > kMaxLayerElements)
      diags_.add(at(line_no, name, 0),
                 fmt::format("a layer of at most {} MACs, {} input elements and {} weights", kMaxLayerMacs,
                             kMaxLayerElements, kMaxLayerElements),
                 fmt::format("{} MACs, {} input elements, {} weights", amount(macs, kMaxLayerMacs),
                             amount(inputs, kMaxLayerElements), amount(weights, kMaxLayerElements)));
  }

  input::DiagnosticList diags_;
  TopologyFormat format_;
};

}  // namespace

hw::ConvShape TopologyLayer::conv_shape() const {
  hw::ConvShape s;
  s.n = 1;
  s.c = channels;
  s.k = filters;
  s.r = filter_h;
  s.s = filter_w;
  s.stride = stride_h;
  s.pad = 0;
  s.h = (ofmap_h() - 1) * stride_h + filter_h;
  s.w = (ofmap_w() - 1) * stride_w + filter_w;
  return s;
}

std::vector<TopologyLayer> parse_topology(std::string_view text, const std::string& file, TopologyFormat format) {
  return Reader(file, format).run(text);
}

std::vector<TopologyLayer> load_topology(const std::string& path, TopologyFormat format) {
  return parse_topology(read_text_file(path, kMaxTopologyBytes), path, format);
}

}  // namespace qtsim::scalesim
