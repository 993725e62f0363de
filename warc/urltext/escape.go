package urltext

import "strings"

const upperHex = "0123456789ABCDEF"

// IsHex reports whether c is a hexadecimal digit, in either case.
func IsHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// Unhex returns the value of the hexadecimal digit c (IsHex(c) must hold).
func Unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	default:
		return c - 'a' + 10
	}
}

// WriteEscape writes c as a percent escape with upper-case hex digits.
func WriteEscape(b *strings.Builder, c byte) {
	b.WriteByte('%')
	b.WriteByte(upperHex[c>>4])
	b.WriteByte(upperHex[c&15])
}

// IsUnreserved reports whether c is in RFC 3986's unreserved set, whose
// escapes mean the same as the characters themselves.
func IsUnreserved(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '~'
}

// escapeAt reports whether s holds a well-formed escape at i ("%" and two
// hex digits) and returns the byte it stands for.
func escapeAt(s string, i int) (byte, bool) {
	if s[i] != '%' || i+2 >= len(s) || !IsHex(s[i+1]) || !IsHex(s[i+2]) {
		return 0, false
	}
	return Unhex(s[i+1])<<4 | Unhex(s[i+2]), true
}

// NormalizeEscapes brings s to one percent-encoding, by RFC 3986 section
// 6.2.2's safe steps: escapes of unreserved characters are decoded, the
// other escapes get upper-case hex digits, and every byte that is neither
// unreserved nor in keep (a lone '%' included) is encoded. Escapes of the
// bytes in keep stay escapes: %2F and / differ. It returns s itself when
// nothing changes, which is the common case.
func NormalizeEscapes(s, keep string) string {
	if isNormal(s, keep) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if d, ok := escapeAt(s, i); ok {
			if IsUnreserved(d) {
				b.WriteByte(d)
			} else {
				WriteEscape(&b, d)
			}
			i += 2
			continue
		}
		if IsUnreserved(c) || strings.IndexByte(keep, c) >= 0 {
			b.WriteByte(c)
			continue
		}
		WriteEscape(&b, c)
	}
	return b.String()
}

// isNormal reports whether NormalizeEscapes would return s as it is.
func isNormal(s, keep string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '%' {
			d, ok := escapeAt(s, i)
			if !ok || IsUnreserved(d) || upperHex[d>>4] != s[i+1] || upperHex[d&15] != s[i+2] {
				return false
			}
			i += 2
			continue
		}
		if !IsUnreserved(c) && strings.IndexByte(keep, c) < 0 {
			return false
		}
	}
	return true
}
