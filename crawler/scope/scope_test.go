package scope

import (
	"net/url"
	"regexp"
	"strings"
	"testing"

	"arkisto/config"
)

func mustCanon(t testing.TB, raw string) *url.URL {
	t.Helper()
	u, err := Canonicalize(raw, nil)
	if err != nil {
		t.Fatalf("Canonicalize(%q): %v", raw, err)
	}
	return u
}

func mustScope(t testing.TB, seeds []string, rules Rules) *Scope {
	t.Helper()
	var us []*url.URL
	for _, s := range seeds {
		us = append(us, mustCanon(t, s))
	}
	s, err := New(us, rules)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return s
}

func TestInScope(t *testing.T) {
	type check struct {
		url  string
		want bool
	}
	res := func(exprs ...string) []*regexp.Regexp {
		var out []*regexp.Regexp
		for _, e := range exprs {
			out = append(out, regexp.MustCompile(e))
		}
		return out
	}
	tests := []struct {
		name   string
		seeds  []string
		rules  Rules
		checks []check
	}{
		{
			name:  "host mode",
			seeds: []string{"https://news.example.com/"},
			rules: Rules{Mode: config.ScopeHost},
			checks: []check{
				{"https://news.example.com/2024/story", true},
				{"http://news.example.com/story", true}, // http and https are one site
				{"https://NEWS.example.com:443/x", true},
				{"https://example.com/", false},
				{"https://www.news.example.com/", false},
				{"https://news.example.com.evil.net/", false},
				{"https://news.example.com:8443/", false},
			},
		},
		{
			name:  "domain mode with a plain TLD",
			seeds: []string{"https://www.example.com/"},
			rules: Rules{Mode: config.ScopeDomain},
			checks: []check{
				{"https://example.com/", true},
				{"https://img.static.example.com/a.png", true},
				{"http://example.com/", true},
				{"https://notexample.com/", false},
				{"https://example.com.evil.net/", false},
				{"https://example.org/", false},
			},
		},
		{
			name:  "domain mode with a co.uk suffix",
			seeds: []string{"https://www.bbc.co.uk/news"},
			rules: Rules{Mode: config.ScopeDomain},
			checks: []check{
				{"https://bbc.co.uk/", true},
				{"https://feeds.bbc.co.uk/rss", true},
				{"https://co.uk/", false},
				{"https://itv.co.uk/", false},
				{"https://bbc.com/", false},
			},
		},
		{
			name:  "domain mode with a private suffix",
			seeds: []string{"https://alice.github.io/blog/"},
			rules: Rules{Mode: config.ScopeDomain},
			checks: []check{
				{"https://alice.github.io/", true},
				{"https://www.alice.github.io/", true},
				{"https://bob.github.io/", false},
				{"https://github.io/", false},
			},
		},
		{
			name:  "zero mode means domain",
			seeds: []string{"https://www.example.com/"},
			rules: Rules{},
			checks: []check{
				{"https://cdn.example.com/", true},
				{"https://example.net/", false},
			},
		},
		{
			name:  "single-label seed scopes to itself",
			seeds: []string{"http://localhost:8080/"},
			rules: Rules{Mode: config.ScopeDomain},
			checks: []check{
				{"http://localhost:8080/a", true},
				{"http://a.localhost:8080/", false},
				{"http://localhost:9090/", false},
			},
		},
		{
			name:  "ipv4 seed is that address and port only",
			seeds: []string{"http://127.0.0.1:8080/"},
			rules: Rules{Mode: config.ScopeDomain},
			checks: []check{
				{"http://127.0.0.1:8080/page", true},
				{"https://127.0.0.1:8080/page", true},
				{"http://127.0.0.1:8081/", false},
				{"http://127.0.0.2:8080/", false},
				{"http://127.0.0.10:8080/", false},
				{"http://0x7f.0.0.1:8080/", true}, // canonicalizes to 127.0.0.1
			},
		},
		{
			name:  "ipv6 seed",
			seeds: []string{"http://[::1]:8080/"},
			rules: Rules{Mode: config.ScopeDomain},
			checks: []check{
				{"http://[0:0::1]:8080/x", true},
				{"http://[::2]:8080/", false},
				{"http://[::1]/", false},
			},
		},
		{
			name:  "ports: default ports are one site, others must match",
			seeds: []string{"http://example.com/", "https://example.org:8443/"},
			rules: Rules{Mode: config.ScopeHost},
			checks: []check{
				{"https://example.com/", true},
				{"http://example.com:80/", true},
				{"http://example.com:8080/", false},
				{"https://example.org:8443/", true},
				{"http://example.org:8443/", true},
				{"https://example.org/", false},
			},
		},
		{
			name:  "prefix mode",
			seeds: []string{"https://example.com/news/index.html"},
			rules: Rules{Mode: config.ScopePrefix},
			checks: []check{
				{"https://example.com/news/", true},
				{"https://example.com/news/2024/story.html", true},
				{"http://example.com/news/a", true},
				{"https://example.com/newsletter", false},
				{"https://example.com/", false},
				{"https://www.example.com/news/a", false},
				{"https://example.com:8443/news/a", false},
			},
		},
		{
			name:  "prefix mode cuts at the path's last slash, not the query's",
			seeds: []string{"https://example.com/a/b?next=/c/d"},
			rules: Rules{Mode: config.ScopePrefix},
			checks: []check{
				{"https://example.com/a/x", true},
				{"https://example.com/b", false},
			},
		},
		{
			name:  "several seeds",
			seeds: []string{"https://a.example/", "https://b.example/"},
			rules: Rules{Mode: config.ScopeHost},
			checks: []check{
				{"https://a.example/x", true},
				{"https://b.example/y", true},
				{"https://c.example/", false},
			},
		},
		{
			name:  "include widens, exclude wins",
			seeds: []string{"https://example.com/"},
			rules: Rules{
				Mode:    config.ScopeHost,
				Include: res(`^https://cdn\.partner\.net/`, `^https://example\.com/private/`),
				Exclude: res(`/private/`, `\?print=1$`),
			},
			checks: []check{
				{"https://example.com/story", true},
				{"https://cdn.partner.net/app.js", true},
				{"https://other.partner.net/", false},
				{"https://example.com/private/page", false}, // excluded although also included
				{"https://example.com/story?print=1", false},
				{"https://cdn.partner.net/private/x", false},
			},
		},
		{
			name:  "no seeds: only includes",
			seeds: nil,
			rules: Rules{Include: res(`^https://example\.com/feeds/`)},
			checks: []check{
				{"https://example.com/feeds/rss.xml", true},
				{"https://example.com/", false},
			},
		},
	}
	for _, tt := range tests {
		s := mustScope(t, tt.seeds, tt.rules)
		for _, c := range tt.checks {
			t.Run(tt.name+"/"+c.url, func(t *testing.T) {
				if got := s.InScope(mustCanon(t, c.url)); got != c.want {
					t.Errorf("InScope(%s) = %v, want %v", c.url, got, c.want)
				}
			})
		}
	}
}

func TestInScopeRefusesOddURLs(t *testing.T) {
	s := mustScope(t, []string{"https://example.com/"}, Rules{Mode: config.ScopeHost})
	tests := []struct {
		name string
		u    *url.URL
	}{
		{"nil", nil},
		{"ftp", &url.URL{Scheme: "ftp", Host: "example.com", Path: "/"}},
		{"mailto", &url.URL{Scheme: "mailto", Opaque: "a@example.com"}},
		{"no host", &url.URL{Scheme: "https", Path: "/no-host"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if s.InScope(tt.u) {
				t.Errorf("InScope(%v) = true", tt.u)
			}
		})
	}
}

func TestNewRejects(t *testing.T) {
	good := []*url.URL{mustCanon(t, "https://example.com/")}
	tests := []struct {
		name  string
		seeds []*url.URL
		rules Rules
		want  string
	}{
		{"unknown mode", good, Rules{Mode: "planet"}, `mode "planet"`},
		{"nil seed", []*url.URL{nil}, Rules{}, "seed 0 is nil"},
		{"seed with unsupported scheme", []*url.URL{{Scheme: "ftp", Host: "example.com"}}, Rules{}, "unsupported url scheme"},
		{"repeat limit of one", good, Rules{MaxRepeatedSegments: 1}, "at least 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.seeds, tt.rules)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("New error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestNewCanonicalizesSeeds(t *testing.T) {
	raw := &url.URL{Scheme: "HTTPS", Host: "WWW.Example.COM:443", Path: "/News/./index.html"}
	s, err := New([]*url.URL{raw}, Rules{Mode: config.ScopePrefix})
	if err != nil {
		t.Fatal(err)
	}
	if !s.InScope(mustCanon(t, "https://www.example.com/News/today")) {
		t.Error("a URL under the non-canonical seed's folder is out of scope")
	}
}
