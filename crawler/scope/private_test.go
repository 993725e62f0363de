package scope

import (
	"errors"
	"net/netip"
	"testing"
)

func TestIsPrivate(t *testing.T) {
	tests := []struct {
		addr string
		want bool
	}{
		// Loopback, v4 and v6, and the v6 forms of the v4 one.
		{"127.0.0.1", true},
		{"127.255.255.254", true},
		{"::1", true},
		{"::ffff:127.0.0.1", true},
		{"::127.0.0.1", true},
		{"64:ff9b::127.0.0.1", true},
		{"2002:7f00:1::", true},
		// RFC 1918 and RFC 4193.
		{"10.0.0.1", true},
		{"172.16.0.1", true},
		{"172.31.255.255", true},
		{"172.32.0.1", false},
		{"192.168.1.1", true},
		{"::ffff:10.0.0.1", true},
		{"::ffff:192.168.1.1", true},
		{"64:ff9b::a00:1", true},
		{"2002:c0a8:101::1", true},
		{"fd00::1", true},
		{"fc00::1", true},
		// Link-local, the cloud metadata address first.
		{"169.254.169.254", true},
		{"::ffff:169.254.169.254", true},
		{"64:ff9b::169.254.169.254", true},
		{"2002:a9fe:a9fe::1", true},
		{"fe80::1", true},
		{"fe80::1%eth0", true},
		{"febf::1", true},
		// CGNAT.
		{"100.64.0.1", true},
		{"100.127.255.255", true},
		{"100.128.0.1", false},
		{"100.63.255.255", false},
		{"::ffff:100.64.0.1", true},
		// Multicast.
		{"224.0.0.1", true},
		{"239.255.255.250", true},
		{"ff02::1", true},
		{"ff05::2", true},
		// Unspecified, "this network" and broadcast.
		{"0.0.0.0", true},
		{"0.1.2.3", true},
		{"::", true},
		{"::ffff:0.0.0.0", true},
		{"255.255.255.255", true},
		{"::ffff:255.255.255.255", true},
		{"240.0.0.1", true},
		// Documentation, benchmarking and other special-purpose ranges.
		{"192.0.0.8", true},
		{"192.0.2.1", true},
		{"198.18.0.1", true},
		{"198.19.255.255", true},
		{"198.20.0.1", false},
		{"198.51.100.1", true},
		{"203.0.113.1", true},
		{"::8.8.8.8", true}, // IPv4-compatible is deprecated whatever it carries
		{"64:ff9b:1::1", true},
		{"100::1", true},
		{"2001::1", true},
		{"2001:2::1", true},
		{"2001:db8::1", true},
		{"3fff::1", true},
		{"fec0::1", true},
		{"2001:db8::1%eth0", true}, // a zone names a local interface
		// Public addresses, in every form that carries one.
		{"8.8.8.8", false},
		{"93.184.215.14", false},
		{"1.1.1.1", false},
		{"::ffff:8.8.8.8", false},
		{"64:ff9b::808:808", false},
		{"2002:808:808::1", false},
		{"2606:4700:4700::1111", false},
		{"2a00:1450:4001:80b::200e", false},
		{"2001:4860:4860::8888", false},
	}
	for _, tc := range tests {
		t.Run(tc.addr, func(t *testing.T) {
			addr := netip.MustParseAddr(tc.addr)
			if got := IsPrivate(addr); got != tc.want {
				t.Errorf("IsPrivate(%s) = %v, want %v", addr, got, tc.want)
			}
		})
	}
	t.Run("zero Addr", func(t *testing.T) {
		if !IsPrivate(netip.Addr{}) {
			t.Error("IsPrivate(netip.Addr{}) = false, want true: what cannot be judged is not dialed")
		}
	})
}

func TestPrivateGuard(t *testing.T) {
	guard := PrivateGuard([]string{"Intranet.Example.", "10.1.2.3", "::1", "localhost"})
	tests := []struct {
		name    string
		host    string
		ip      string
		refused bool
	}{
		{name: "public address of any host", host: "news.example", ip: "93.184.215.14"},
		{name: "metadata address of a linked host", host: "metadata.example", ip: "169.254.169.254", refused: true},
		{name: "private address of a linked host", host: "evil.example", ip: "10.0.0.1", refused: true},
		{name: "loopback literal", host: "127.0.0.1", ip: "127.0.0.1", refused: true},
		{name: "mapped loopback literal", host: "::ffff:127.0.0.1", ip: "::ffff:127.0.0.1", refused: true},
		{name: "seed host, case and dot aside", host: "intranet.example", ip: "10.0.0.1"},
		{name: "seed host with dot", host: "INTRANET.example.", ip: "192.168.1.1"},
		{name: "subdomain of a seed host is not the seed's host", host: "www.intranet.example", ip: "10.0.0.1", refused: true},
		{name: "seed IP literal", host: "10.1.2.3", ip: "10.1.2.3"},
		{name: "seed IPv6 literal in another spelling", host: "0:0::1", ip: "::1"},
		{name: "seed single-label host", host: "localhost", ip: "127.0.0.1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := guard(tc.host, netip.MustParseAddr(tc.ip))
			if got := errors.Is(err, ErrPrivateAddress); got != tc.refused || (err != nil) != tc.refused {
				t.Errorf("guard(%q, %s) = %v, want refused %v", tc.host, tc.ip, err, tc.refused)
			}
		})
	}
}
