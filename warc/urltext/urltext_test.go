package urltext

import (
	"strings"
	"testing"
)

func TestNormalizeEscapes(t *testing.T) {
	const keep = "!$&'()*+,;=:@/"
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"/plain/path", "/plain/path"},
		{"/%7Euser/%2F/%2f", "/~user/%2F/%2F"}, // unreserved decoded, others upper-cased
		{"/a b|c^", "/a%20b%7Cc%5E"},           // bytes outside unreserved and keep encoded
		{"/100%", "/100%25"},                   // a lone '%'
		{"/%zz%4", "/%25zz%254"},               // malformed escapes are bytes like others
		{"/p\u00e4", "/p%C3%A4"},               // non-ASCII
		{"/%41%2e%5F", "/A._"},                 // letters, dot, underscore
		{"/?q=1", "/%3Fq=1"},                   // '?' is not in this keep set
		{"/a%3a:b", "/a%3A:b"},                 // an escaped kept byte stays escaped
	} {
		if got := NormalizeEscapes(tc.in, keep); got != tc.want {
			t.Errorf("NormalizeEscapes(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestPlainForms(t *testing.T) {
	for _, tc := range []struct {
		s                      string
		urlBytes, domain, ipv4 bool
	}{
		{s: "example.com", urlBytes: true, domain: true},
		{s: "Example.COM", urlBytes: true, domain: true},
		{s: "a-b.example", urlBytes: true, domain: true},
		{s: "xn--bcher-kva.example", urlBytes: true},
		{s: "XN--bcher-kva.example", urlBytes: true},
		{s: "example.123", urlBytes: true},
		{s: "1a", urlBytes: true},
		{s: "a..b", urlBytes: true},
		{s: "a_b.example", urlBytes: true},
		{s: "192.168.1.1", urlBytes: true, ipv4: true},
		{s: "192.168.01.1", urlBytes: true},
		{s: "256.1.1.1", urlBytes: true},
		{s: "1.2.3", urlBytes: true},
		{s: "/a%2Fb?c#d", urlBytes: true},
		{s: "/a%2eb"},
		{s: "/a%2Eb"},
		{s: "/a%zz"},
		{s: "/a b"},
		{s: "/\u00e4"},
		{s: "", urlBytes: true},
	} {
		if got := PlainURLBytes(tc.s); got != tc.urlBytes {
			t.Errorf("PlainURLBytes(%q) = %v", tc.s, got)
		}
		if got := PlainDomain(tc.s); got != tc.domain {
			t.Errorf("PlainDomain(%q) = %v", tc.s, got)
		}
		if got := IsCanonicalIPv4(tc.s); got != tc.ipv4 {
			t.Errorf("IsCanonicalIPv4(%q) = %v", tc.s, got)
		}
	}
}

func TestPlainPort(t *testing.T) {
	for _, tc := range []struct {
		port string
		n    int
		ok   bool
	}{
		{"80", 80, true}, {"65535", 65535, true}, {"1", 1, true},
		{"", 0, false}, {"0", 0, false}, {"080", 0, false}, {"65536", 0, false},
		{"123456", 0, false}, {"8a", 0, false}, {"+80", 0, false},
	} {
		n, ok := PlainPort(tc.port)
		if ok != tc.ok || (ok && n != tc.n) {
			t.Errorf("PlainPort(%q) = %d, %v; want %d, %v", tc.port, n, ok, tc.n, tc.ok)
		}
	}
}

// FuzzNormalizeEscapes checks that normalizing twice changes nothing, that
// the result holds only unreserved bytes, kept bytes and upper-case escapes
// of the others, and that s comes back as it is exactly when it is normal.
func FuzzNormalizeEscapes(f *testing.F) {
	for _, s := range []string{"/a%7e%2f b", "%", "%%41", "/p\u00e4?x=%3d"} {
		f.Add(s)
	}
	const keep = "!$&'()*+,;=:@/?"
	f.Fuzz(func(t *testing.T, s string) {
		got := NormalizeEscapes(s, keep)
		if again := NormalizeEscapes(got, keep); again != got {
			t.Fatalf("NormalizeEscapes(%q) = %q, then %q", s, got, again)
		}
		if (got == s) != isNormal(s, keep) {
			t.Fatalf("NormalizeEscapes(%q) = %q, but isNormal says %v", s, got, isNormal(s, keep))
		}
		for i := 0; i < len(got); i++ {
			c := got[i]
			switch {
			case c == '%':
				d, ok := escapeAt(got, i)
				if !ok || IsUnreserved(d) || strings.ToUpper(got[i:i+3]) != got[i:i+3] {
					t.Fatalf("NormalizeEscapes(%q) = %q: escape at %d", s, got, i)
				}
				i += 2
			case !IsUnreserved(c) && strings.IndexByte(keep, c) < 0:
				t.Fatalf("NormalizeEscapes(%q) = %q: raw byte %q", s, got, c)
			}
		}
	})
}
