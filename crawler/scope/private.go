package scope

import (
	"errors"
	"net/netip"
)

// ErrPrivateAddress is why a PrivateGuard refuses an address.
var ErrPrivateAddress = errors.New("address is in a private or special-purpose range")

// specialRanges are the ranges IsPrivate refuses beyond what net/netip's
// own predicates name. None of them holds a public web site: they are this
// machine, this network, addresses reserved for examples and tests, or
// deprecated forms a router may still carry somewhere local. The table is
// read-only, like a compiled regexp.
var specialRanges = []netip.Prefix{
	// IPv4 (RFC 6890 and its updates).
	netip.MustParsePrefix("0.0.0.0/8"),       // "this network": Linux dials 0.x.y.z as the local host
	netip.MustParsePrefix("100.64.0.0/10"),   // CGNAT shared space (RFC 6598): a carrier's or a cloud's inside
	netip.MustParsePrefix("192.0.0.0/24"),    // IETF protocol assignments (DS-Lite, NAT64 discovery)
	netip.MustParsePrefix("192.0.2.0/24"),    // TEST-NET-1 documentation
	netip.MustParsePrefix("198.18.0.0/15"),   // benchmarking; fake-IP DNS proxies answer from it
	netip.MustParsePrefix("198.51.100.0/24"), // TEST-NET-2
	netip.MustParsePrefix("203.0.113.0/24"),  // TEST-NET-3
	netip.MustParsePrefix("240.0.0.0/4"),     // reserved, broadcast 255.255.255.255 included; some clouds route it inside
	// IPv6.
	netip.MustParsePrefix("::/96"),          // IPv4-compatible (deprecated, RFC 4291): :: and ::1 too
	netip.MustParsePrefix("64:ff9b:1::/48"), // local-use NAT64 (RFC 8215): a translator on this network
	netip.MustParsePrefix("100::/64"),       // discard-only (RFC 6666)
	netip.MustParsePrefix("2001::/32"),      // Teredo: tunnels through a local relay; the embedded client address is obfuscated
	netip.MustParsePrefix("2001:2::/48"),    // benchmarking
	netip.MustParsePrefix("2001:db8::/32"),  // documentation
	netip.MustParsePrefix("3fff::/20"),      // documentation (RFC 9637)
	netip.MustParsePrefix("fec0::/10"),      // site-local (deprecated), still private where used
}

// Prefixes whose IPv6 addresses carry an IPv4 address: they are judged by
// that address, since a translator or relay delivers them to it.
var (
	nat64Prefix = netip.MustParsePrefix("64:ff9b::/96") // RFC 6052: the v4 address is the last 32 bits
	sixToFour   = netip.MustParsePrefix("2002::/16")    // RFC 3056: the v4 address is bits 16 to 47
)

// IsPrivate reports whether a crawler must not dial addr for a URL it found
// on the web: loopback, private (RFC 1918, RFC 4193), link-local (the cloud
// metadata address 169.254.169.254 among them), CGNAT, multicast,
// unspecified, 0.0.0.0/8, broadcast, and the reserved, documentation and
// benchmarking ranges listed in specialRanges. An IPv4-mapped address, a
// NAT64 (64:ff9b::/96) or a 6to4 (2002::/16) address is judged by the IPv4
// address it carries; every IPv4-compatible address (::/96) is refused,
// that form being deprecated. An address with a zone names a local
// interface and is refused, as is the zero Addr: what cannot be judged is
// not dialed.
func IsPrivate(addr netip.Addr) bool {
	if !addr.IsValid() || addr.Zone() != "" {
		return true
	}
	addr = addr.Unmap()
	if addr.Is6() {
		if v4, ok := embeddedV4(addr); ok {
			return IsPrivate(v4)
		}
	}
	if addr.IsLoopback() || addr.IsPrivate() || addr.IsLinkLocalUnicast() ||
		addr.IsMulticast() || addr.IsUnspecified() {
		return true
	}
	for _, p := range specialRanges {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// embeddedV4 returns the IPv4 address a NAT64 or 6to4 address carries.
func embeddedV4(addr netip.Addr) (netip.Addr, bool) {
	b := addr.As16()
	switch {
	case nat64Prefix.Contains(addr):
		return netip.AddrFrom4([4]byte(b[12:16])), true
	case sixToFour.Contains(addr):
		return netip.AddrFrom4([4]byte(b[2:6])), true
	default:
		return netip.Addr{}, false
	}
}

// PrivateGuard returns a check of the shape of capture.Options.AllowDial.
// It refuses an address IsPrivate reports with ErrPrivateAddress, unless
// the host being dialed is one of trustedHosts: the seeds' own hosts, which
// an operator chose, so that a crawl of an intranet site still works. Hosts compare as scope does: case and a
// trailing dot aside, and IP addresses by value.
func PrivateGuard(trustedHosts []string) func(host string, ip netip.Addr) error {
	trusted := make(map[string]bool, len(trustedHosts))
	for _, h := range trustedHosts {
		n, _ := normalHost(h)
		trusted[n] = true
	}
	return func(host string, ip netip.Addr) error {
		if n, _ := normalHost(host); trusted[n] {
			return nil
		}
		if IsPrivate(ip) {
			// The caller names host and address.
			return ErrPrivateAddress
		}
		return nil
	}
}
