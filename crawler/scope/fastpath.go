package scope

import (
	"strings"

	"arkisto/warc/urltext"
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
	if !ok || !urltext.PlainURLBytes(rest) {
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

// plainAuthority checks an authority of the form PlainURLBytes describes and
// returns its host in lower case and its port unless it is the scheme's
// default.
func plainAuthority(authority, scheme string) (host, port string, ok bool) {
	host, port, hasPort := strings.Cut(authority, ":")
	if hasPort {
		if _, ok := urltext.PlainPort(port); !ok {
			return "", "", false
		}
		port = explicitPort(scheme, port)
	}
	switch {
	case urltext.IsCanonicalIPv4(host):
		return host, port, true
	case urltext.PlainDomain(host):
		return strings.ToLower(host), port, true
	}
	return "", "", false
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
