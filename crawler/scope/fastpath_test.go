package scope

import (
	"strings"
	"testing"
)

// FuzzCanonicalFast checks that whenever the fast path takes a URL, the
// WHATWG path accepts it too and gives the same canonical string.
func FuzzCanonicalFast(f *testing.F) {
	for _, s := range []string{
		"http://example.com/a/b?x=1&y=2#frag",
		"HTTPS://WWW.Example.COM:8443/%7euser/a%2fb?PHPSESSID=1&q=%41",
		"http://127.0.0.1:8080/section/world?page=2",
		"http://a-.-b.example/;jsessionid=0A;v=2",
		"http://a.b.0x1f/", "http://1.2.3.04/", "http://xn--bcher-kva.example/",
		"http://a.example:080/", "http://a.example:443/", "https://a.example:443/",
		"http://a.example/./b/../c", "http://a.example/%2e%2E/b", "http://a.example//b?&&",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		fast, ok := canonicalFast(raw)
		if !ok {
			return
		}
		slow, err := canonicalWHATWG(raw, nil)
		if err != nil {
			t.Fatalf("fast path took %q as %q, WHATWG path refuses it: %v", raw, fast, err)
		}
		if fast != slow {
			t.Fatalf("canonical %q: fast path %q, WHATWG path %q", raw, fast, slow)
		}
	})
}

// TestCanonicalFast pins which URLs take the fast path, so that it keeps
// serving the common case, and that those results equal the WHATWG path's.
func TestCanonicalFast(t *testing.T) {
	tests := []struct {
		raw  string
		fast bool
	}{
		{"http://example.com/a/b?x=1", true},
		{"https://news.example.co.uk/2024/05/story-1.html", true},
		{"http://127.0.0.1:46423/section/world?page=2", true},
		{"http://Example.COM/A", true},
		{"HTTP://example.com", true},
		{"http://example.com:80/a", true},
		{"https://example.com:8443/a", true},
		{"http://example.com/a%7e%2fb?q=%2b&sid=1#top", true},
		{"http://example.com/cart;jsessionid=0A?x=1", true},
		{"http://example.com//a", true},
		{"http://example.com?q", true},
		{"http://a-b.example/x", true},
		{"http://example.com/a/./b", false},
		{"http://example.com/a/..", false},
		{"http://example.com/%2e/b", false},
		{"http://example.com/a%2Eb", false},
		{"http://example.com/a b", false},
		{"http://example.com/a|b", false},
		{"http://example.com/a'b", false},
		{"http://example.com/\u00e9", false},
		{"http://example.com/100%", false},
		{"http://user@example.com/", false},
		{"http://xn--bcher-kva.example/", false},
		{"http://Bücher.example/", false},
		{"http://0x7f.1/", false},
		{"http://example.0x1/", false},
		{"http://1.2.3/", false},
		{"http://01.2.3.4/", false},
		{"http://1.2.3.256/", false},
		{"http://example.123/", false},
		{"http://example.com./", false},
		{"http://[::1]/", false},
		{"http://example.com:/", false},
		{"http://example.com:0080/", false},
		{"http://example.com:+80/", false},
		{"http://example.com:65536/", false},
		{"http:example.com/", false},
		{"http:/example.com/", false},
		{"https:///example.com", false},
		{"ftp://example.com/", false},
		{" http://example.com/", false},
		{`http://example.com\a`, false},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			fast, ok := canonicalFast(tt.raw)
			if ok != tt.fast {
				t.Fatalf("canonicalFast(%q) took the fast path: %v, want %v", tt.raw, ok, tt.fast)
			}
			if !ok {
				return
			}
			slow, err := canonicalWHATWG(tt.raw, nil)
			if err != nil || slow != fast {
				t.Errorf("canonical %q: fast path %q, WHATWG path %q, %v", tt.raw, fast, slow, err)
			}
		})
	}
}

// TestCanonicalFastAgreesOnCanonicalizeCases runs every input of
// TestCanonicalize's table through both paths: whatever the fast path takes
// must come out the same.
func TestCanonicalFastAgreesOnCanonicalizeCases(t *testing.T) {
	for _, raw := range []string{
		"HTTP://WWW.Example.COM/Path", "https://example.com", "http://example.com:80/a",
		"https://example.com:443/a", "http://example.com:8080/a", "https://example.com:80/",
		"http://example.com/a%2fb%3a?x=%2b%26%3d", "http://example.com/%7Euser/%41%62%2D%5F",
		"http://example.com/a?q=1#section-2", "http://example.com/x?", "http://example.com/x?a=1&&b=2&",
		"http://example.com/shop/cart;JSESSIONID=0A1B2C?item=3", "http://example.com/cart;jsessionid=0A;v=2",
		"http://example.com/x?PHPSESSID=1&a=1&ASPSESSIONIDQQGG=2&sid=3&CFID=4&cftoken=5&JSessionID=6&b=2",
		"http://example.com/x?side=1&sids=2&mysid=3", "http://example.com/?b=2&a=1&b=1",
	} {
		t.Run(raw, func(t *testing.T) {
			fast, ok := canonicalFast(raw)
			if !ok {
				t.Fatalf("canonicalFast(%q) refused a plain URL", raw)
			}
			slow, err := canonicalWHATWG(raw, nil)
			if err != nil || slow != fast {
				t.Errorf("canonical %q: fast path %q, WHATWG path %q, %v", raw, fast, slow, err)
			}
			if strings.Contains(fast, "#") {
				t.Errorf("canonical %q keeps its fragment: %q", raw, fast)
			}
		})
	}
}

// BenchmarkCanonicalize compares the two paths on a link as the extractor
// hands it over.
func BenchmarkCanonicalize(b *testing.B) {
	const raw = "http://127.0.0.1:46423/section/world/article-0421.html?page=2"
	b.Run("fast", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := Canonicalize(raw, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("whatwg", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := canonicalWHATWG(raw, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
}
