package extract

import (
	"testing"

	whatwg "github.com/nlnwa/whatwg-url/url"
)

// agreeWithWHATWG fails when fastResolve takes a value and resolves it to
// anything but what the WHATWG parser gives. It reports whether the fast
// path was taken.
func agreeWithWHATWG(t *testing.T, base, raw string) bool {
	t.Helper()
	p := whatwg.NewParser(whatwg.WithPercentEncodeSinglePercentSign())
	b, err := p.Parse(base)
	if err != nil || (b.Scheme() != "http" && b.Scheme() != "https") {
		return false
	}
	r := newResolver(p, b)
	if r.fast == nil {
		return false
	}
	fast, ok := fastResolve(r.fast, raw)
	if !ok {
		return false
	}
	_, slow, err := r.whatwg(raw)
	if err != nil {
		t.Fatalf("base %q raw %q: fast path gave %v, WHATWG failed: %v", base, raw, fast, err)
	}
	if fast.String() != slow.String() {
		t.Fatalf("base %q raw %q: fast path gave %q, WHATWG %q", base, raw, fast, slow)
	}
	return true
}

func TestFastResolve(t *testing.T) {
	const base = "https://news.example/world/story.html?id=7"
	tests := []struct {
		raw  string
		fast bool // whether the value is plain enough for net/url
	}{
		{"/a/b.html", true},
		{"next.html", true},
		{"../up/x.jpg?w=480&h=270", true},
		{"./.././../x", true},
		{"?page=2", true},
		{"?", true},
		{"#frag", true},
		{"//cdn.example/i.png", true},
		{"https://img.news-cdn.example/images/1/c_fill,g_auto,w_480/a.jpg", true},
		{"http://news.example", true},
		{"http://news.example?q", true},
		{"https://news.example:8443/x", true},
		{"/a%20b/%7Ec", true},
		{"/(x)!*$;=@:,+", true},
		{"/uutiset/1#kommentit", true},
		{"https://share.example/?u=https%3A%2F%2Fnews.example%2F", true},
		{"HTTPS://NEWS.EXAMPLE/", false},
		{"https://News.example/", false},
		{"http:relative", false},
		{"mailto:a@b", false},
		{"a:b/c", false},
		{"https://news.example:443/", false},
		{"http://news.example:080/", false},
		{"http://user@news.example/", false},
		{"http://127.0.0.1/", true},
		{"http://127.0.0.1:8080/x", true},
		{"http://127.0.0.01/", false},
		{"http://127.0.0.256/", false},
		{"http://127.0.1/", false},
		{"http://20000000000000000000a/", false},
		{"http://a.1b/", false},
		{"http://example.0x7f/", false},
		{"http://xn--bcher-kva.example/", false},
		{"http://bücher.example/", false},
		{"http://a..b/", false},
		{"http://[::1]/", false},
		{"/a b", false},
		{"/a\\b", false},
		{"/q?x='y'", false},
		{"/%2e%2e/x", false},
		{"/%zz", false},
		{"/a|b", false},
		{"/a{b}", false},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			if got := agreeWithWHATWG(t, base, tt.raw); got != tt.fast {
				t.Errorf("fast path taken %v, want %v", got, tt.fast)
			}
		})
	}
}

// FuzzResolve checks that the net/url fast path never disagrees with WHATWG.
func FuzzResolve(f *testing.F) {
	f.Fuzz(func(t *testing.T, base, raw string) {
		agreeWithWHATWG(t, base, raw)
	})
}
