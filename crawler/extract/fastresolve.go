package extract

import (
	"net/url"
	"strings"
)

// fastResolve resolves raw against base with net/url when raw is plain
// enough that net/url and the WHATWG parser must agree, which is most values
// on real pages; ok is false otherwise and the caller takes the WHATWG path.
// WHATWG parsing costs about 100 allocations per URL, a third of the
// extraction time of a news front page.
//
// base must be the net/url form of a WHATWG-parsed http(s) URL. Plain means:
// only ASCII bytes that neither parser rewrites (no spaces, quotes, angle
// brackets, braces, backslashes or controls, nothing WHATWG percent-encodes),
// only well-formed percent escapes and none of an encoded dot (WHATWG counts
// %2e as a dot segment), a scheme only if it is lower-case http or https
// followed by "//", and an authority, if any, that is a lower-case DNS name
// whose last label starts with a letter (WHATWG rewrites numeric hosts as
// IPv4) and that has no xn-- label (WHATWG validates punycode), or an IPv4
// address in canonical dotted-decimal form; no user info, and a port, if
// any, that is not the scheme's default; and a path without empty segments.
// FuzzResolve checks the agreement.
func fastResolve(base *url.URL, raw string) (u *url.URL, ok bool) {
	if !plainURLBytes(raw) {
		return nil, false
	}
	rest := raw
	scheme := ""
	if i := strings.IndexAny(rest, ":/?#"); i >= 0 && rest[i] == ':' {
		scheme = rest[:i]
		if scheme != "http" && scheme != "https" {
			// Another scheme, or a relative path whose first segment has a
			// colon, which net/url rejects and WHATWG accepts.
			return nil, false
		}
		rest = rest[i+1:]
		if !strings.HasPrefix(rest, "//") {
			return nil, false
		}
	}
	if strings.HasPrefix(rest, "//") {
		if scheme == "" {
			scheme = base.Scheme
		}
		authority := rest[2:]
		if i := strings.IndexAny(authority, "/?#"); i >= 0 {
			authority = authority[:i]
		}
		if !plainAuthority(authority, scheme) {
			return nil, false
		}
		rest = rest[2+len(authority):]
	}
	if i := strings.IndexAny(rest, "?#"); i >= 0 {
		rest = rest[:i]
	}
	if strings.Contains(rest, "//") {
		// net/url and WHATWG remove dot segments differently around empty
		// segments.
		return nil, false
	}
	ref, err := url.Parse(raw)
	if err != nil {
		return nil, false
	}
	u = base.ResolveReference(ref)
	u.Fragment, u.RawFragment = "", ""
	if u.Path == "" {
		u.Path, u.RawPath = "/", ""
	}
	return u, true
}

// plainURLBytes reports whether every byte of raw is one both parsers keep
// as it is, and every % starts a well-formed escape that is not a dot.
func plainURLBytes(raw string) bool {
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case strings.IndexByte("-._~!$&()*+,;=:@/?#", c) >= 0:
		case c == '%':
			if i+2 >= len(raw) || !isHex(raw[i+1]) || !isHex(raw[i+2]) ||
				(raw[i+1] == '2' && (raw[i+2] == 'e' || raw[i+2] == 'E')) {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// plainAuthority reports whether an authority is host[:port] with a
// lower-case DNS name or a canonical IPv4 address, and a non-default port
// written without leading zeros.
func plainAuthority(authority, scheme string) bool {
	host, port, hasPort := strings.Cut(authority, ":")
	if hasPort {
		if port == "" || port[0] == '0' || len(port) > 5 {
			return false
		}
		n := 0
		for i := 0; i < len(port); i++ {
			if !isDigit(port[i]) {
				return false
			}
			n = n*10 + int(port[i]-'0')
		}
		if n > 65535 || (scheme == "http" && n == 80) || (scheme == "https" && n == 443) {
			return false
		}
	}
	if isCanonicalIPv4(host) {
		return true
	}
	if host == "" {
		return false
	}
	labels := strings.Split(host, ".")
	for _, l := range labels {
		if l == "" || strings.HasPrefix(l, "xn--") {
			return false
		}
		for i := 0; i < len(l); i++ {
			if c := l[i]; !('a' <= c && c <= 'z') && !isDigit(c) && c != '-' {
				return false
			}
		}
	}
	// WHATWG reads a host whose last label is a number, decimal or 0x hex,
	// as an IPv4 address. A label that starts with a letter is no number;
	// "1a" is not either, but "20000000000000000000a" is taken for one (the
	// parser sees the overflow before the letter).
	last := labels[len(labels)-1]
	return 'a' <= last[0] && last[0] <= 'z'
}

// isCanonicalIPv4 reports whether host is four decimal numbers up to 255
// without leading zeros: the only IPv4 form WHATWG prints back unchanged.
func isCanonicalIPv4(host string) bool {
	parts := 0
	for part := range strings.SplitSeq(host, ".") {
		parts++
		if part == "" || len(part) > 3 || len(part) > 1 && part[0] == '0' {
			return false
		}
		n := 0
		for i := 0; i < len(part); i++ {
			if !isDigit(part[i]) {
				return false
			}
			n = n*10 + int(part[i]-'0')
		}
		if n > 255 {
			return false
		}
	}
	return parts == 4
}
