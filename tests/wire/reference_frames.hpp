// Known-good frames for the wire tests, made with scapy 2.5.0 (Debian
// python3-scapy) by /usr/bin/python3 and pasted as hex. MACs: A =
// 02:00:00:00:00:01, B = 02:00:00:00:00:02. The scapy expression is above each.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "wire/ip_address.hpp"
#include "wire/mac_address.hpp"
#include "wire/tcp_options.hpp"

namespace tcpterm::wire::test {

/// Bytes of a hex string (two digits per byte, no separators).
inline std::vector<uint8_t> from_hex(std::string_view hex) {
  auto digit = [](char c) -> uint8_t {
    return static_cast<uint8_t>(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
  };
  std::vector<uint8_t> bytes;
  bytes.reserve(hex.size() / 2);
  for (size_t i = 0; i + 1 < hex.size(); i += 2)
    bytes.push_back(static_cast<uint8_t>(digit(hex[i]) << 4 | digit(hex[i + 1])));
  return bytes;
}

/// The endpoints of the reference frames.
inline const MacAddress kMacA = *MacAddress::parse("02:00:00:00:00:01");
inline const MacAddress kMacB = *MacAddress::parse("02:00:00:00:00:02");
inline const IpAddress kIp4A = *IpAddress::parse("10.0.0.1");
inline const IpAddress kIp4B = *IpAddress::parse("10.0.0.2");
inline const IpAddress kIp6A = *IpAddress::parse("2001:db8::1");
inline const IpAddress kIp6B = *IpAddress::parse("2001:db8::2");

/// SYN options as in kIpv4Syn and kIpv6SynAck: MSS, SACK-permitted,
/// timestamps, window scale.
inline TcpOptions syn_options(uint16_t mss, uint32_t ts_val, uint32_t ts_ecr, uint8_t window_scale) {
  TcpOptions options;
  options.has_mss = true;
  options.mss = mss;
  options.sack_permitted = true;
  options.has_timestamps = true;
  options.ts_val = ts_val;
  options.ts_ecr = ts_ecr;
  options.has_window_scale = true;
  options.window_scale = window_scale;
  return options;
}

// Ether(src=A,dst=B)/IP(src="10.0.0.1",dst="10.0.0.2",id=0,flags="DF",ttl=64)/
// TCP(sport=40000,dport=80,seq=1000,ack=0,flags="S",window=64240,
//     options=[('MSS',1460),('SAckOK',b''),('Timestamp',(12345,0)),('NOP',None),('WScale',7)])
inline constexpr std::string_view kIpv4Syn =
    "02000000000202000000000108004500003c00004000400626ba0a0000010a0000029c400050000003e8000000"
    "00a002faf0685b0000020405b40402080a000030390000000001030307";

// Ether(src=A,dst=B)/Dot1Q(vlan=100)/IP(src="10.0.0.1",dst="10.0.0.2",id=0,flags="DF",ttl=64)/
// TCP(sport=40000,dport=80,seq=1001,ack=5001,flags="PA",window=502,
//     options=[('NOP',None),('NOP',None),('Timestamp',(12346,777))])/Raw(b"hello world")
inline constexpr std::string_view kIpv4VlanAckPayload =
    "0200000000020200000000018100006408004500003f00004000400626b70a0000010a0000029c400050000003"
    "e900001389801801f6e79d00000101080a0000303a0000030968656c6c6f20776f726c64";

// Ether(src=B,dst=A)/IPv6(src="2001:db8::2",dst="2001:db8::1",hlim=64)/
// TCP(sport=80,dport=40000,seq=7000,ack=1001,flags="SA",window=65160,
//     options=[('MSS',1440),('SAckOK',b''),('Timestamp',(999,12345)),('NOP',None),('WScale',9)])
inline constexpr std::string_view kIpv6SynAck =
    "02000000000102000000000286dd600000000028064020010db800000000000000000000000220010db8000000"
    "00000000000000000100509c4000001b58000003e9a012fe88fe120000020405a00402080a000003e700003039"
    "01030309";

// Ether(src=A,dst=B)/IPv6(src="2001:db8::1",dst="2001:db8::2",hlim=64)/
// TCP(sport=40000,dport=80,seq=1001,ack=7001,flags="A",window=1000)/Raw(b"GET / HTTP/1.0\r\n\r\n!")
inline constexpr std::string_view kIpv6AckPayload =
    "02000000000202000000000186dd600000000027064020010db800000000000000000000000120010db8000000"
    "0000000000000000029c400050000003e900001b59501003e894f20000474554202f20485454502f312e300d0a"
    "0d0a21";

// Ether(src=A,dst=B)/IP(src="10.0.0.1",dst="10.0.0.2",id=77,ttl=5,
//     options=[IPOption_RR(routers=["1.2.3.4"])])/TCP(sport=40000,dport=80,seq=1,ack=2,flags="A",window=100)
inline constexpr std::string_view kIpv4OptionsTcp =
    "020000000002020000000001080047000030004d000005068e6e0a0000010a00000207070401020304009c4000"
    "50000000010000000250100064feda0000";

// Ether(src=A,dst="ff:ff:ff:ff:ff:ff")/ARP(op=1,hwsrc=A,psrc="10.0.0.1",
//     hwdst="00:00:00:00:00:00",pdst="10.0.0.2")
inline constexpr std::string_view kArpRequest =
    "ffffffffffff020000000001080600010800060400010200000000010a0000010000000000000a000002";

// Ether(src=B,dst=A)/ARP(op=2,hwsrc=B,psrc="10.0.0.2",hwdst=A,pdst="10.0.0.1")
inline constexpr std::string_view kArpReply =
    "020000000001020000000002080600010800060400020200000000020a0000020200000000010a000001";

// Ether(src=A,dst=B)/IP(src="10.0.0.1",dst="10.0.0.2",id=1,ttl=64)/
// ICMP(type=8,id=0x1234,seq=7)/Raw(b"abcdefghijklmnopq")
inline constexpr std::string_view kIcmpv4EchoRequest =
    "02000000000202000000000108004500002d00010000400166cd0a0000010a0000020800317912340007616263"
    "6465666768696a6b6c6d6e6f7071";

// ICMP(type=0,id=0x1234,seq=7)/Raw(b"abcdefghijklmnopq") (the ICMP message only)
inline constexpr std::string_view kIcmpv4EchoReplyMessage =
    "00003979123400076162636465666768696a6b6c6d6e6f7071";

// Ether(src=A,dst=B)/IPv6(src="2001:db8::1",dst="2001:db8::2",hlim=64)/
// ICMPv6EchoRequest(id=0x4321,seq=3,data=b"ping6 data")
inline constexpr std::string_view kIcmpv6EchoRequest =
    "02000000000202000000000186dd6000000000123a4020010db800000000000000000000000120010db8000000"
    "0000000000000000028000f3654321000370696e67362064617461";

// raw(IPv6(src="2001:db8::2",dst="2001:db8::1")/ICMPv6EchoReply(id=0x4321,seq=3,data=b"ping6 data"))[40:]
inline constexpr std::string_view kIcmpv6EchoReplyMessage =
    "8100f2654321000370696e67362064617461";

// Ether(src=A,dst="33:33:ff:00:00:02")/IPv6(src="2001:db8::1",dst="ff02::1:ff00:2",hlim=255)/
// ICMPv6ND_NS(tgt="2001:db8::2")/ICMPv6NDOptSrcLLAddr(lladdr=A)
inline constexpr std::string_view kNeighbourSolicitation =
    "3333ff00000202000000000186dd6000000000203aff20010db8000000000000000000000001ff020000000000"
    "0000000001ff00000287001c270000000020010db80000000000000000000000020101020000000001";

// Ether(src=B,dst=A)/IPv6(src="2001:db8::2",dst="2001:db8::1",hlim=255)/
// ICMPv6ND_NA(tgt="2001:db8::2",R=0,S=1,O=1)/ICMPv6NDOptDstLLAddr(lladdr=B)
inline constexpr std::string_view kNeighbourAdvertisement =
    "02000000000102000000000286dd6000000000203aff20010db800000000000000000000000220010db8000000"
    "00000000000000000188008a716000000020010db80000000000000000000000020201020000000002";

/// Every complete reference frame, for sweeps that must hold for all of them.
inline constexpr std::array<std::string_view, 11> kAllReferenceFrames = {
    kIpv4Syn,           kIpv4VlanAckPayload, kIpv6SynAck,         kIpv6AckPayload,
    kIpv4OptionsTcp,    kArpRequest,         kArpReply,           kIcmpv4EchoRequest,
    kIcmpv6EchoRequest, kNeighbourSolicitation, kNeighbourAdvertisement,
};

}  // namespace tcpterm::wire::test
