package scope

import (
	"net/url"
	"regexp"
	"testing"

	"arkisto/config"
)

// FuzzCanonicalize checks that any input either fails cleanly or yields a URL
// that net/url re-parses to the same key and that canonicalizes to itself.
func FuzzCanonicalize(f *testing.F) {
	for _, s := range []string{
		"HTTP://User@Example.COM:80/a/./b/../c;jsessionid=1?sid=2&q=%7e#f",
		"https://[::1]:443/%zz?a|b",
		"http://Bücher.example/straße",
		"../x", "mailto:a@b", "javascript:alert(1)", "http://",
	} {
		f.Add(s, "http://example.com/a/b")
	}
	f.Fuzz(func(t *testing.T, raw, rawBase string) {
		var base *url.URL
		if rawBase != "" {
			b, err := url.Parse(rawBase)
			if err != nil {
				return
			}
			base = b
		}
		u, err := Canonicalize(raw, base)
		if err != nil {
			return
		}
		key := Key(u)
		reparsed, err := url.Parse(key)
		if err != nil {
			t.Fatalf("key %q of %q does not re-parse: %v", key, raw, err)
		}
		if reparsed.String() != key {
			t.Fatalf("key %q re-parses as %q", key, reparsed.String())
		}
		again, err := Canonicalize(key, nil)
		if err != nil {
			t.Fatalf("canonical %q of %q fails again: %v", key, raw, err)
		}
		if Key(again) != key {
			t.Fatalf("not idempotent: %q -> %q -> %q", raw, key, Key(again))
		}
		if HostKey(u) == "" {
			t.Fatalf("empty host key for %q", key)
		}
	})
}

// FuzzInScope checks that scope and trap decisions never panic and depend
// only on the canonical URL.
func FuzzInScope(f *testing.F) {
	for _, s := range []string{
		"https://www.bbc.co.uk/news/a/a/a",
		"http://127.0.0.1:8080/x?" + "a=1&b=2",
		"https://example.com/private/x",
		"http://[::1]/",
		"https://co.uk/",
	} {
		f.Add(s, "https://news.bbc.co.uk/news/", "domain")
	}
	f.Fuzz(func(t *testing.T, raw, rawSeed, mode string) {
		seed, err := Canonicalize(rawSeed, nil)
		if err != nil {
			return
		}
		s, err := New([]*url.URL{seed}, Rules{
			Mode:    config.ScopeMode(mode),
			Include: []*regexp.Regexp{regexp.MustCompile(`/feeds/`)},
			Exclude: []*regexp.Regexp{regexp.MustCompile(`/private/`)},
		})
		if err != nil {
			return
		}
		if !s.InScope(seed) && !regexp.MustCompile(`/private/`).MatchString(Key(seed)) {
			t.Fatalf("seed %q out of its own %q scope", Key(seed), mode)
		}
		u, err := Canonicalize(raw, nil)
		if err != nil {
			return
		}
		in := s.InScope(u)
		again, err := Canonicalize(Key(u), nil)
		if err != nil {
			t.Fatalf("canonical %q fails again: %v", Key(u), err)
		}
		if s.InScope(again) != in {
			t.Fatalf("InScope(%q) changed after canonicalizing again", Key(u))
		}
		if in && regexp.MustCompile(`/private/`).MatchString(Key(u)) {
			t.Fatalf("excluded %q is in scope", Key(u))
		}
		r1, t1 := s.Trap(u)
		r2, t2 := s.Trap(again)
		if r1 != r2 || t1 != t2 {
			t.Fatalf("Trap(%q) changed after canonicalizing again", Key(u))
		}
	})
}
