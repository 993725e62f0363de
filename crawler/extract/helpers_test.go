package extract

import (
	"errors"
	"net/url"
	"slices"
	"testing"
)

const docURL = "https://news.example/world/story.html?id=7#top"

func mustURL(t testing.TB, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatalf("parse %q: %v", s, err)
	}
	return u
}

// summarize renders links as "HOP CONTEXT URL" lines, or "HOP CONTEXT !why RAW"
// for errors, so a table case reads like the crawl log would.
func summarize(links []Link) []string {
	out := make([]string, 0, len(links))
	for _, l := range links {
		switch {
		case errors.Is(l.Err, ErrUnsupportedScheme):
			out = append(out, string(l.Hop)+" "+l.Context+" !scheme "+l.Raw)
		case errors.Is(l.Err, ErrMalformedURL):
			out = append(out, string(l.Hop)+" "+l.Context+" !malformed "+l.Raw)
		case l.Err != nil:
			out = append(out, string(l.Hop)+" "+l.Context+" !other "+l.Err.Error())
		default:
			out = append(out, string(l.Hop)+" "+l.Context+" "+l.URL.String())
		}
	}
	return out
}

func checkLinks(t *testing.T, got []Link, want []string) {
	t.Helper()
	checkInvariants(t, got, DefaultMaxLinks)
	if s := summarize(got); !slices.Equal(s, want) {
		t.Errorf("links:\n got  %q\n want %q", s, want)
	}
}

// checkInvariants holds for every result, whatever the input: the fuzz
// targets call it too.
func checkInvariants(t testing.TB, links []Link, maxLinks int) {
	t.Helper()
	if len(links) > maxLinks {
		t.Fatalf("%d links, cap %d", len(links), maxLinks)
	}
	seen := make(map[string]bool)
	for _, l := range links {
		if l.Hop != l.Kind.Hop() {
			t.Errorf("%q: hop %q, kind %v", l.Raw, l.Hop, l.Kind)
		}
		if l.Kind < Navigation || l.Kind > Feed {
			t.Errorf("%q: kind %d", l.Raw, l.Kind)
		}
		if l.Context == "" {
			t.Errorf("%q: empty context", l.Raw)
		}
		if (l.URL == nil) == (l.Err == nil) {
			t.Fatalf("%q: url %v and err %v: exactly one must be set", l.Raw, l.URL, l.Err)
		}
		if l.Err != nil {
			if !errors.Is(l.Err, ErrUnsupportedScheme) && !errors.Is(l.Err, ErrMalformedURL) {
				t.Errorf("%q: err %v wraps neither sentinel", l.Raw, l.Err)
			}
			continue
		}
		if l.URL.Scheme != "http" && l.URL.Scheme != "https" {
			t.Errorf("%q: scheme %q", l.Raw, l.URL.Scheme)
		}
		if l.URL.Host == "" || l.URL.Fragment != "" || !l.URL.IsAbs() {
			t.Errorf("%q: url %v not absolute without fragment", l.Raw, l.URL)
		}
		key := l.Kind.String() + " " + l.URL.String()
		if seen[key] {
			t.Errorf("duplicate %s", key)
		}
		seen[key] = true
	}
}
