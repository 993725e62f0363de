package scope

import "strings"

const upperHex = "0123456789ABCDEF"

// normalizePercent applies RFC 3986 section 6.2.2's safe normalizations to a
// path or query: percent-encoded unreserved characters are decoded, the hex
// digits of the remaining escapes are upper-cased, and every byte outside
// pchar (and '?' in a query) is encoded. Reserved characters are never
// decoded: %2F in a path or %26 in a query mean something else than / and &.
// Encoding the leftovers ('|', '^', '[' ...) also keeps net/url from
// re-escaping the whole path, which would decode %2F on the way.
func normalizePercent(s string, query bool) string {
	if isNormalPercent(s, query) {
		return s // most paths and queries: no copy
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			d := unhex(s[i+1])<<4 | unhex(s[i+2])
			if isUnreserved(d) {
				b.WriteByte(d)
			} else {
				b.WriteByte('%')
				b.WriteByte(upperHex[d>>4])
				b.WriteByte(upperHex[d&15])
			}
			i += 2
			continue
		}
		if isUnreserved(c) || isSubDelim(c) || c == ':' || c == '@' || c == '/' || (query && c == '?') {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(upperHex[c>>4])
		b.WriteByte(upperHex[c&15])
	}
	return b.String()
}

// isNormalPercent reports whether normalizePercent would return s as it is.
func isNormalPercent(s string, query bool) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '%' {
			if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
				return false
			}
			d := unhex(s[i+1])<<4 | unhex(s[i+2])
			if isUnreserved(d) || upperHex[d>>4] != s[i+1] || upperHex[d&15] != s[i+2] {
				return false
			}
			i += 2
			continue
		}
		if !isUnreserved(c) && !isSubDelim(c) && c != ':' && c != '@' && c != '/' && (!query || c != '?') {
			return false
		}
	}
	return true
}

func isUnreserved(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '~'
}

func isSubDelim(c byte) bool {
	return strings.IndexByte("!$&'()*+,;=", c) >= 0
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	default:
		return c - 'a' + 10
	}
}
