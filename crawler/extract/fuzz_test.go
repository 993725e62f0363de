package extract

import (
	"slices"
	"testing"
)

// The seed corpora live in testdata/fuzz/FuzzHTML and testdata/fuzz/FuzzCSS.

func FuzzHTML(f *testing.F) {
	base := mustURL(f, docURL)
	const maxLinks = 200
	f.Fuzz(func(t *testing.T, body []byte) {
		page := Options{MaxLinks: maxLinks}.HTML(base, body)
		checkInvariants(t, page.Links, maxLinks)
		again := Options{MaxLinks: maxLinks}.HTML(base, body)
		if !slices.Equal(summarize(page.Links), summarize(again.Links)) {
			t.Fatalf("two runs differ")
		}
	})
}

func FuzzCSS(f *testing.F) {
	base := mustURL(f, "https://news.example/static/site.css")
	const maxLinks = 200
	f.Fuzz(func(t *testing.T, css []byte) {
		links := Options{MaxLinks: maxLinks}.CSS(base, css)
		checkInvariants(t, links, maxLinks)
		for _, l := range links {
			if l.Kind != Embed {
				t.Fatalf("%q: kind %v, want embed", l.Raw, l.Kind)
			}
		}
	})
}
