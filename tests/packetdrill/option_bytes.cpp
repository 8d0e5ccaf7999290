// Script options <-> TCP option bytes (RFC 9293 3.2, RFC 7323 2-3, RFC 2018 2-3).
#include "option_bytes.hpp"

#include "wire/tcp_options.hpp"

namespace tcpterm::packetdrill {
namespace {

namespace kind = wire::tcp_option_kind;
constexpr uint8_t kEol = kind::kEndOfList;
constexpr uint8_t kNop = kind::kNoOperation;
constexpr uint8_t kMss = kind::kMaximumSegmentSize;
constexpr uint8_t kWindowScale = kind::kWindowScale;
constexpr uint8_t kSackPermitted = kind::kSackPermitted;
constexpr uint8_t kSack = kind::kSack;
constexpr uint8_t kTimestamp = kind::kTimestamps;

void put32(std::vector<uint8_t>& out, uint32_t v) {
  out.push_back(static_cast<uint8_t>(v >> 24));
  out.push_back(static_cast<uint8_t>(v >> 16));
  out.push_back(static_cast<uint8_t>(v >> 8));
  out.push_back(static_cast<uint8_t>(v));
}

uint32_t get32(std::span<const uint8_t> b) {
  return (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8) | uint32_t{b[3]};
}

}  // namespace

std::vector<uint8_t> encode_script_options(const std::vector<ScriptOption>& options) {
  std::vector<uint8_t> out;
  for (const ScriptOption& o : options) {
    switch (o.kind) {
      case ScriptOption::Kind::kNop: out.push_back(kNop); break;
      case ScriptOption::Kind::kEol: out.push_back(kEol); break;
      case ScriptOption::Kind::kMss:
        out.insert(out.end(), {kMss, 4, static_cast<uint8_t>(o.first >> 8), static_cast<uint8_t>(o.first)});
        break;
      case ScriptOption::Kind::kWindowScale:
        out.insert(out.end(), {kWindowScale, 3, static_cast<uint8_t>(o.first)});
        break;
      case ScriptOption::Kind::kSackPermitted: out.insert(out.end(), {kSackPermitted, 2}); break;
      case ScriptOption::Kind::kTimestamp:
        out.insert(out.end(), {kTimestamp, 10});
        put32(out, o.first);
        put32(out, o.second);
        break;
      case ScriptOption::Kind::kSack:
        out.push_back(kSack);
        out.push_back(static_cast<uint8_t>(2 + 8 * o.sack_blocks.size()));
        for (auto [left, right] : o.sack_blocks) {
          put32(out, left);
          put32(out, right);
        }
        break;
    }
  }
  return out;
}

std::optional<std::vector<ScriptOption>> decode_option_bytes(std::span<const uint8_t> bytes) {
  std::vector<ScriptOption> out;
  size_t i = 0;
  while (i < bytes.size()) {
    uint8_t kind = bytes[i];
    if (kind == kNop || kind == kEol) {
      ScriptOption o;
      o.kind = kind == kNop ? ScriptOption::Kind::kNop : ScriptOption::Kind::kEol;
      out.push_back(o);
      ++i;
      continue;
    }
    if (i + 1 >= bytes.size()) return std::nullopt;
    size_t length = bytes[i + 1];
    if (length < 2 || i + length > bytes.size()) return std::nullopt;
    auto body = bytes.subspan(i + 2, length - 2);
    ScriptOption o;
    switch (kind) {
      case kMss:
        if (length != 4) return std::nullopt;
        o.kind = ScriptOption::Kind::kMss;
        o.first = (uint32_t{body[0]} << 8) | body[1];
        break;
      case kWindowScale:
        if (length != 3) return std::nullopt;
        o.kind = ScriptOption::Kind::kWindowScale;
        o.first = body[0];
        break;
      case kSackPermitted:
        if (length != 2) return std::nullopt;
        o.kind = ScriptOption::Kind::kSackPermitted;
        break;
      case kTimestamp:
        if (length != 10) return std::nullopt;
        o.kind = ScriptOption::Kind::kTimestamp;
        o.first = get32(body);
        o.second = get32(body.subspan(4));
        break;
      case kSack:
        if ((length - 2) % 8 != 0) return std::nullopt;
        o.kind = ScriptOption::Kind::kSack;
        for (size_t b = 0; b < body.size(); b += 8) {
          o.sack_blocks.emplace_back(get32(body.subspan(b)), get32(body.subspan(b + 4)));
        }
        break;
      default:
        return std::nullopt;
    }
    out.push_back(std::move(o));
    i += length;
  }
  return out;
}

}  // namespace tcpterm::packetdrill
