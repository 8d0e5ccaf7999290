// Parser tests: every line shape the runner accepts, and every malformed or
// unsupported line rejected with file:line and a message that says why.
#include <gtest/gtest.h>

#include "option_bytes.hpp"
#include "script.hpp"
#include "tcp/segment.hpp"

namespace tcpterm::packetdrill {
namespace {

Script parse_ok(std::string_view text) {
  std::string error;
  auto script = parse_script(text, "t.pkt", ScriptOptions{}, error);
  EXPECT_TRUE(script.has_value()) << error;
  return script ? *script : Script{};
}

std::string parse_error(std::string_view text) {
  std::string error;
  auto script = parse_script(text, "t.pkt", ScriptOptions{}, error);
  EXPECT_FALSE(script.has_value()) << "parsed: " << text;
  return error;
}

const PacketEvent& packet(const Script& s, size_t i = 0) { return std::get<PacketEvent>(s.events.at(i).body); }
const SyscallEvent& syscall(const Script& s, size_t i = 0) { return std::get<SyscallEvent>(s.events.at(i).body); }

TEST(ScriptParser, InboundSynWithOptions) {
  Script s = parse_ok("0 < S 0:0(0) win 32792 <mss 1000,sackOK,nop,nop,nop,wscale 7>\n");
  ASSERT_EQ(s.events.size(), 1u);
  EXPECT_EQ(s.events[0].line, 1);
  EXPECT_EQ(s.events[0].time.kind, ScriptTime::Kind::kAbsolute);
  const PacketEvent& p = packet(s);
  EXPECT_TRUE(p.inbound);
  EXPECT_EQ(p.flags, tcp::flags::kSyn);
  EXPECT_EQ(p.window, 32792);
  ASSERT_EQ(p.options.size(), 6u);
  EXPECT_EQ(p.options[0].kind, ScriptOption::Kind::kMss);
  EXPECT_EQ(p.options[0].first, 1000u);
  EXPECT_EQ(p.options[1].kind, ScriptOption::Kind::kSackPermitted);
  EXPECT_EQ(p.options[5].kind, ScriptOption::Kind::kWindowScale);
  EXPECT_EQ(p.options[5].first, 7u);
}

TEST(ScriptParser, OutboundSynAckWithTimestamps) {
  Script s = parse_ok("+0 > S. 0:0(0) ack 1 <mss 1460,sackOK,TS val 100 ecr 0,nop,wscale 7>");
  const PacketEvent& p = packet(s);
  EXPECT_FALSE(p.inbound);
  EXPECT_EQ(p.flags, tcp::flags::kSyn | tcp::flags::kAck);
  EXPECT_EQ(p.ack, 1u);
  EXPECT_FALSE(p.window.has_value());
  EXPECT_EQ(s.events[0].time.kind, ScriptTime::Kind::kRelative);
  ASSERT_EQ(p.options.size(), 5u);
  EXPECT_EQ(p.options[2].kind, ScriptOption::Kind::kTimestamp);
  EXPECT_EQ(p.options[2].first, 100u);
  EXPECT_EQ(p.options[2].second, 0u);
  EXPECT_EQ(format_options(p.options), "mss 1460,sackOK,TS val 100 ecr 0,nop,wscale 7");
}

TEST(ScriptParser, DataSackAndUncheckedOptions) {
  Script s = parse_ok(
      "0.1 < P. 1:1001(1000) ack 1 win 257\n"
      "0.2 > . 1:1(0) ack 1 <nop,nop,sack 1001:2001 3001:4001>\n"
      "0.3 > F. 1:1(0) ack 1001 win 512 <...>\n");
  EXPECT_EQ(packet(s, 0).payload_length, 1000u);
  EXPECT_EQ(packet(s, 0).flags, tcp::flags::kPsh | tcp::flags::kAck);
  ASSERT_EQ(packet(s, 1).options.size(), 3u);
  EXPECT_EQ(packet(s, 1).options[2].sack_blocks.size(), 2u);
  EXPECT_EQ(packet(s, 1).options[2].sack_blocks[1].first, 3001u);
  EXPECT_TRUE(packet(s, 2).options_unchecked);
  EXPECT_EQ(packet(s, 2).window, 512);
}

TEST(ScriptParser, Times) {
  Script s = parse_ok(
      "0.100 < S 0:0(0) win 1\n"
      "+0.25 < S 0:0(0) win 1\n"
      "1.0~1.5 > S. 0:0(0) ack 1 <...>\n"
      "+1~+2 > S. 0:0(0) ack 1 <...>\n"
      "* > S. 0:0(0) ack 1 <...>\n"
      "+0...0.2 accept(3, ..., ...) = 4\n");
  EXPECT_EQ(s.events[0].time.low_us, 100'000);
  EXPECT_EQ(s.events[1].time.low_us, 250'000);
  EXPECT_EQ(s.events[1].time.kind, ScriptTime::Kind::kRelative);
  EXPECT_EQ(s.events[2].time.low_us, 1'000'000);
  EXPECT_EQ(s.events[2].time.high_us, 1'500'000);
  EXPECT_EQ(s.events[3].time.high_us, 2'000'000);
  EXPECT_EQ(s.events[4].time.kind, ScriptTime::Kind::kAny);
  ASSERT_TRUE(s.events[5].time.end_kind.has_value());
  EXPECT_EQ(*s.events[5].time.end_kind, ScriptTime::Kind::kAbsolute);
  EXPECT_EQ(s.events[5].time.end_us, 200'000);
}

TEST(ScriptParser, Syscalls) {
  Script s = parse_ok(
      "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
      "+0 setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0\n"
      "+0 fcntl(3, F_SETFL, O_RDWR|O_NONBLOCK) = 0\n"
      "+0 connect(3, ..., ...) = -1 EINPROGRESS (Operation now in progress)\n"
      "+0 read(4, \"abc\", 3) = 3\n"
      "+0 getsockopt(3, SOL_SOCKET, SO_ERROR, [ECONNREFUSED], [4]) = 0\n");
  EXPECT_EQ(syscall(s, 0).name, "socket");
  EXPECT_EQ(syscall(s, 0).result, 3);
  EXPECT_EQ(syscall(s, 1).args.at(3).kind, SyscallArg::Kind::kArray);
  EXPECT_EQ(syscall(s, 1).args.at(3).elements.at(0).integer, 1);
  EXPECT_TRUE(syscall(s, 2).args.at(2).has_symbol("O_NONBLOCK"));
  EXPECT_EQ(syscall(s, 3).result, -1);
  EXPECT_EQ(syscall(s, 3).errno_name, "EINPROGRESS");
  EXPECT_EQ(syscall(s, 4).args.at(1).text, "abc");
  EXPECT_TRUE(syscall(s, 5).args.at(3).elements.at(0).has_symbol("ECONNREFUSED"));
}

TEST(ScriptParser, HeaderOptionsAndDirectives) {
  Script s = parse_ok(
      "--ip_version=ipv6\n"
      "--tolerance_usecs=10000\n"
      "// tcpterm: syn_cookies=always msl_ms=1000 sack=off window_scale=0\n"
      "/* a block\n comment */ 0 < S 0:0(0) win 1 // tcpterm-state: SYN-RECEIVED\n"
      "// tcpterm-fill: Z\n");
  EXPECT_EQ(s.options.ip_version, IpVersion::kIpv6);
  EXPECT_EQ(s.options.tolerance_us, 10000);
  EXPECT_EQ(s.options.engine.syn_cookies, tcp::SynCookieMode::kAlways);
  EXPECT_EQ(s.options.engine.msl_us, 1'000'000u);
  EXPECT_FALSE(s.options.engine.sack);
  EXPECT_EQ(s.options.engine.window_scale, 0);
  ASSERT_EQ(s.events.size(), 3u);
  EXPECT_EQ(s.events[0].line, 5);
  EXPECT_EQ(std::get<StateDirective>(s.events[1].body).state, tcp::TcpState::kSynReceived);
  EXPECT_EQ(std::get<FillDirective>(s.events[2].body).byte, 'Z');
}

TEST(ScriptParser, StateNamesAcceptBothSpellings) {
  EXPECT_EQ(parse_state_name("TIME_WAIT"), tcp::TcpState::kTimeWait);
  EXPECT_EQ(parse_state_name("TIME-WAIT"), tcp::TcpState::kTimeWait);
  EXPECT_FALSE(parse_state_name("TIMEWAIT").has_value());
}

struct Malformed {
  const char* text;
  const char* message;  // a substring of the error
};

class ScriptParserRejects : public ::testing::TestWithParam<Malformed> {};

TEST_P(ScriptParserRejects, WithFileLineAndReason) {
  std::string error = parse_error(GetParam().text);
  EXPECT_TRUE(error.starts_with("t.pkt:")) << error;
  EXPECT_NE(error.find(GetParam().message), std::string::npos) << error;
}

INSTANTIATE_TEST_SUITE_P(
    Lines, ScriptParserRejects,
    ::testing::Values(
        Malformed{"`sysctl -q net.ipv4.tcp_sack=1`", "shell command"},
        Malformed{"%{ print 1 }%", "python"},
        Malformed{"hello world", "unrecognized line"},
        Malformed{"0 < X 0:0(0) win 1", "unknown TCP flag"},
        Malformed{"0 < SS 0:0(0) win 1", "repeated"},
        Malformed{"0 < S 0:5(0) win 1", "does not match payload length"},
        Malformed{"0 < S 0:0 win 1", "expected `(`"},
        Malformed{"0 < . 1:1(0) win 1", "needs `ack N`"},
        Malformed{"0 < S 0:0(0) ack 1 win 1", "without the ACK flag"},
        Malformed{"0 < S 0:0(0)", "needs `win N`"},
        Malformed{"0 < S 0:0(0) win 70000", "larger than 65535"},
        Malformed{"0 < S 0:0(0) win 1 win 2", "given twice"},
        Malformed{"0 < S 0:0(0) win 1 urg 3", "unsupported packet field `urg`"},
        Malformed{"0 < S 0:0(0) win 1 <md5 1>", "unsupported TCP option `md5`"},
        Malformed{"0 < S 0:0(0) win 1 <mss 1460", "expected `,`"},
        Malformed{"0 < S 0:0(0) win 1 <...>", "only meaningful for outbound"},
        Malformed{"0 < S 0:0(0) win 1 <TS val 1>", "expected `ecr`"},
        Malformed{"0 < S 0:0(0) win 1 <sack>", "at least one block"},
        Malformed{"0 > . 1:1(0) ack 1 <sack 1:2 3:4 5:6 7:8 9:10>", "at most four"},
        Malformed{"0 > . 1:1(0) ack 1 <TS val 1 ecr 2,TS val 1 ecr 2,TS val 1 ecr 2,TS val 1 ecr 2,nop>",
                  "exceed 40 bytes"},
        Malformed{"0 < S 0:0(0) win 1 <mss 1> extra", "after the TCP options"},
        Malformed{"0.1~+0.2 < S 0:0(0) win 1", "both absolute or both relative"},
        Malformed{"0.2~0.1 < S 0:0(0) win 1", "ends before it starts"},
        Malformed{"0.1234567 < S 0:0(0) win 1", "six decimals"},
        Malformed{"0 < S 0:0(0) win 1\n--tolerance_usecs=1", "before the first event"},
        Malformed{"--ip_version=ipv5", "ipv4 or ipv6"},
        Malformed{"--speed=fast", "unsupported option"},
        Malformed{"0 sendmsg(3, ..., 0) = 0", "unsupported syscall `sendmsg`"},
        Malformed{"0 close(3)", "expected `=`"},
        Malformed{"0 close(3) = -1", "needs an errno"},
        Malformed{"0 close(3) = 0 EBADF", "only with the return value -1"},
        Malformed{"0 close(3 = 0", "to close the syscall arguments"},
        Malformed{"0 setsockopt(3, {x}, 1) = 0", "unsupported syscall argument"},
        Malformed{"0 read(3, \"abc, 1) = 0", "unterminated string"},
        Malformed{"0 < S 0:0(0) win 1\n// tcpterm: msl_ms=1", "before the first event"},
        Malformed{"// tcpterm: warp=9", "unknown engine knob"},
        Malformed{"// tcpterm: msl_ms=soon", "needs an integer"},
        Malformed{"// tcpterm: window_scale=15", "0..14"},
        Malformed{"// tcpterm: syn_cookies=maybe", "off, auto or always"},
        Malformed{"// tcpterm: sack", "not key=value"},
        Malformed{"// tcpterm-state: SLEEPING", "unknown TCP state"},
        Malformed{"// tcpterm-fill: ab", "one character"},
        Malformed{"// tcpterm-frobnicate: 1", "unknown tcpterm directive"},
        Malformed{"/* never closed", "unterminated"},
        Malformed{"0 < S 0:0(0) win 1 ... > S", "unexpected `... > S`"},
        Malformed{"0...1 < S 0:0(0) win 1", "only for blocking syscalls"}));

TEST(ScriptParserRejects, ReportsTheLineNumber) {
  std::string error = parse_error("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n\n// ok\n0 bogus\n");
  EXPECT_TRUE(error.starts_with("t.pkt:4: ")) << error;
}

TEST(OptionBytes, RoundTripInScriptOrder) {
  std::vector<ScriptOption> options = {
      {ScriptOption::Kind::kMss, 1460, 0, {}},
      {ScriptOption::Kind::kSackPermitted, 0, 0, {}},
      {ScriptOption::Kind::kTimestamp, 7, 9, {}},
      {ScriptOption::Kind::kNop, 0, 0, {}},
      {ScriptOption::Kind::kWindowScale, 7, 0, {}},
  };
  std::vector<uint8_t> bytes = encode_script_options(options);
  EXPECT_EQ(bytes.size(), 20u);
  auto decoded = decode_option_bytes(bytes);
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(*decoded, options);
  std::vector<ScriptOption> sack = {{ScriptOption::Kind::kSack, 0, 0, {{1, 2}, {3, 4}}}};
  EXPECT_EQ(decode_option_bytes(encode_script_options(sack)), sack);
}

TEST(OptionBytes, RejectsMalformedAreas) {
  const uint8_t truncated[] = {2, 4, 5};
  EXPECT_FALSE(decode_option_bytes(truncated).has_value());
  const uint8_t bad_mss_length[] = {2, 3, 5};
  EXPECT_FALSE(decode_option_bytes(bad_mss_length).has_value());
  const uint8_t unknown_kind[] = {30, 2};
  EXPECT_FALSE(decode_option_bytes(unknown_kind).has_value());
}

}  // namespace
}  // namespace tcpterm::packetdrill
