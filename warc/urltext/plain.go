package urltext

import "strings"

// PlainURLBytes reports whether every byte of s is one the WHATWG parser
// keeps as it is in an http(s) URL (ASCII letters, digits and
// "-._~!$&()*+,;=:@/?#"; no spaces, quotes, angle brackets, braces,
// backslashes, controls or non-ASCII), and every '%' starts a well-formed
// escape that is not an encoded dot (WHATWG counts %2e as a dot segment).
func PlainURLBytes(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case isAlnum(c):
		case strings.IndexByte("-._~!$&()*+,;=:@/?#", c) >= 0:
		case c == '%':
			if d, ok := escapeAt(s, i); !ok || d == '.' {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// PlainDomain reports whether host is a DNS name that IDNA mapping at most
// lower-cases: non-empty labels of ASCII letters, digits and hyphens, none
// starting with the punycode prefix "xn--" (WHATWG validates punycode), and
// a last label that starts with a letter. WHATWG reads a host whose last
// label is a number, decimal or 0x hex, as an IPv4 address; a label that
// starts with a letter is no number, while "1a" is not one either but
// "20000000000000000000a" is taken for one (the parser sees the overflow
// before the letter).
func PlainDomain(host string) bool {
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
	c := last[0]
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// IsCanonicalIPv4 reports whether host is four decimal numbers up to 255
// without leading zeros: the only IPv4 form WHATWG prints back unchanged.
func IsCanonicalIPv4(host string) bool {
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

// PlainPort returns the number of a port written the way both parsers
// print it back: one to five decimal digits without a leading zero, up to
// 65535. ok is false for any other text.
func PlainPort(port string) (n int, ok bool) {
	if port == "" || port[0] == '0' || len(port) > 5 {
		return 0, false
	}
	for i := 0; i < len(port); i++ {
		if !isDigit(port[i]) {
			return 0, false
		}
		n = n*10 + int(port[i]-'0')
	}
	return n, n <= 65535
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || isDigit(c)
}
