package warc

import (
	"slices"
	"strings"

	"arkisto/warc/urltext"
)

// The path, query and escaping steps of surt's canonicalizers, each a port
// of the Python function named in its comment.

// normalizePath resolves "." and ".." segments and drops empty ones, as
// GoogleURLCanonicalizer.normalizePath does (a leading ".." is kept).
func normalizePath(path string) string {
	if path == "" {
		return "/"
	}
	var kept []string
	for _, p := range strings.Split(path, "/")[1:] {
		switch p {
		case ".":
		case "..":
			if len(kept) > 0 {
				kept = kept[:len(kept)-1]
			} else {
				kept = append(kept, p)
			}
		default:
			kept = append(kept, p)
		}
	}
	var b strings.Builder
	b.WriteString("/")
	if len(kept) > 0 {
		for _, p := range kept[:len(kept)-1] {
			if p != "" {
				b.WriteString(p + "/")
			}
		}
		b.WriteString(kept[len(kept)-1])
	}
	return b.String()
}

func stripPathSessionID(path string) string {
	for _, re := range pathSessionRes {
		if m := re.FindStringSubmatch(path); m != nil {
			path = m[1] + m[3]
		}
	}
	return path
}

func stripQuerySessionID(query string) string {
	for _, re := range querySessionRes {
		if m := re.FindStringSubmatch(query); m != nil {
			query = m[1] + m[2]
		}
	}
	return query
}

// alphaReorderQuery sorts the query's arguments the way Python sorts
// (name, value) tuples: by name, a bare "name" before any "name=value".
func alphaReorderQuery(q string) string {
	if len(q) <= 1 {
		return q
	}
	type arg struct {
		name, value string
		hasValue    bool
	}
	var args []arg
	for _, a := range strings.Split(q, "&") {
		n, v, ok := strings.Cut(a, "=")
		args = append(args, arg{n, v, ok})
	}
	slices.SortStableFunc(args, func(x, y arg) int {
		if c := strings.Compare(x.name, y.name); c != 0 {
			return c
		}
		switch {
		case x.hasValue != y.hasValue && !x.hasValue:
			return -1
		case x.hasValue != y.hasValue:
			return 1
		}
		return strings.Compare(x.value, y.value)
	})
	parts := make([]string, len(args))
	for i, a := range args {
		parts[i] = a.name
		if a.hasValue {
			parts[i] += "=" + a.value
		}
	}
	return strings.Join(parts, "&")
}

// escapeOnce percent-encodes what Python's quote_from_bytes would with surt's
// safe set: control bytes, space, '#', '%', DEL and every non-ASCII byte.
func escapeOnce(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c == '#' || c == '%' || c >= 0x7f {
			urltext.WriteEscape(&b, c)
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// unescapeRepeatedly decodes %XX sequences until nothing changes; a '%'
// not followed by two hex digits stays as it is.
func unescapeRepeatedly(s string) string {
	for {
		u := unquoteBytes(s)
		if u == s {
			return s
		}
		s = u
	}
}

func unquoteBytes(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && urltext.IsHex(s[i+1]) && urltext.IsHex(s[i+2]) {
			b.WriteByte(urltext.Unhex(s[i+1])<<4 | urltext.Unhex(s[i+2]))
			i += 2
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// asciiLower lower-cases ASCII letters only, as Python's bytes.lower does.
func asciiLower(s string) string {
	var b []byte
	for i := 0; i < len(s); i++ {
		if c := s[i]; 'A' <= c && c <= 'Z' {
			if b == nil {
				b = []byte(s)
			}
			b[i] = c + 'a' - 'A'
		}
	}
	if b == nil {
		return s
	}
	return string(b)
}

func isASCIIDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
