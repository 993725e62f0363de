package scope

import (
	"strconv"
	"strings"
)

// canonicalFast returns the canonical string of raw without the WHATWG
// parser, for the URLs a crawl meets most: absolute http(s) URLs that
// net/url already printed, which the WHATWG parser would take apart and put
// back together unchanged. That parser costs about 100 allocations a URL,
// and every link of every page passes here. ok is false when raw is not
// plain enough, and the caller takes the WHATWG path.
//
// Plain means: the scheme is http or https followed by "//"; every byte is
// one both parsers keep as it is (no spaces, quotes, angle brackets, braces,
// backslashes, controls or non-ASCII) and every % starts a well-formed escape
// that is not an encoded dot; the authority is a DNS name of ASCII letters,
// digits and hyphens whose last label starts with a letter, no xn-- label
// (WHATWG validates punycode, and reads a numeric last label as IPv4), or
// a dotted-quad IPv4 address already in its canonical form, with no user
// info and a port, if any, without leading zeros; and the path has no dot
// segments. The path and query then go through the same percent and
// session-id normalization as the WHATWG path's output. FuzzCanonicalFast
// checks that both paths agree.
func canonicalFast(raw string) (canonical string, ok bool) {
	scheme, rest, ok := plainScheme(raw)
	if !ok || !plainBytes(rest) {
		return "", false
	}
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	host, port, ok := plainAuthority(rest[:end], scheme)
	if !ok {
		return "", false
	}
	rest = rest[end:]
	if i := strings.IndexByte(rest, '#'); i >= 0 {
		rest = rest[:i]
	}
	path, query, _ := strings.Cut(rest, "?")
	if path == "" {
		path = "/"
	}
	if hasDotSegment(path) {
		return "", false
	}
	var b strings.Builder
	b.Grow(len(raw) + 1)
	b.WriteString(scheme)
	b.WriteString("://")
	b.WriteString(host)
	if port != "" {
		b.WriteByte(':')
		b.WriteString(port)
	}
	b.WriteString(stripPathSessionIDs(normalizePercent(path, false)))
	if q := stripQuerySessionIDs(normalizePercent(query, true)); q != "" {
		b.WriteByte('?')
		b.WriteString(q)
	}
	return b.String(), true
}

// plainScheme splits off "http://" or "https://" in any case and returns
// the scheme in lower case and what follows the slashes.
func plainScheme(raw string) (scheme, rest string, ok bool) {
	for _, s := range [...]string{"http", "https"} {
		if len(raw) > len(s)+3 && strings.EqualFold(raw[:len(s)], s) && raw[len(s):len(s)+3] == "://" {
			return s, raw[len(s)+3:], true
		}
	}
	return "", "", false
}

// plainBytes reports whether every byte of s is one the WHATWG parser keeps
// as it is in an http(s) URL, and every % starts a well-formed escape that
// is not a dot (WHATWG counts %2e as a dot segment in a path).
func plainBytes(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case strings.IndexByte("-._~!$&()*+,;=:@/?#", c) >= 0:
		case c == '%':
			if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) ||
				(s[i+1] == '2' && (s[i+2] == 'e' || s[i+2] == 'E')) {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// plainAuthority checks an authority of the form plainBytes describes and
// returns its host in lower case and its port unless it is the scheme's
// default.
func plainAuthority(authority, scheme string) (host, port string, ok bool) {
	host, port, hasPort := strings.Cut(authority, ":")
	if hasPort {
		if port == "" || port[0] == '0' || len(port) > 5 || strings.IndexFunc(port, notDigit) >= 0 {
			return "", "", false
		}
		if n, _ := strconv.Atoi(port); n > 65535 {
			return "", "", false
		}
		port = explicitPort(scheme, port)
	}
	switch {
	case isCanonicalIPv4(host):
		return host, port, true
	case plainDomain(host):
		return strings.ToLower(host), port, true
	}
	return "", "", false
}

// plainDomain reports whether host is a DNS name that IDNA mapping only
// lower-cases: non-empty labels of ASCII letters, digits and hyphens, none
// starting with the punycode prefix, and a last label that WHATWG cannot
// read as a number.
func plainDomain(host string) bool {
	if host == "" {
		return false
	}
	last := ""
	for label := range strings.SplitSeq(host, ".") {
		if label == "" || len(label) >= 4 && strings.EqualFold(label[:4], "xn--") {
			return false
		}
		for i := 0; i < len(label); i++ {
			if c := label[i]; !isAlnum(c) && c != '-' {
				return false
			}
		}
		last = label
	}
	// A label that starts with a letter is no number in any base WHATWG
	// tries; "1a" is not either, but "20000000000000000000a" is taken for
	// one (the parser sees the overflow before the letter).
	c := last[0]
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
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

// hasDotSegment reports whether a path holds a "." or ".." segment, which
// the WHATWG parser resolves.
func hasDotSegment(path string) bool {
	for seg := range strings.SplitSeq(path, "/") {
		if seg == "." || seg == ".." {
			return true
		}
	}
	return false
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func notDigit(r rune) bool { return r < '0' || r > '9' }

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || isDigit(c)
}
