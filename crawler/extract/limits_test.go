package extract

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

func TestLimits(t *testing.T) {
	distinct := func(n int) []byte {
		var b bytes.Buffer
		for i := range n {
			fmt.Fprintf(&b, `<a href="/p/%d">`, i)
		}
		return b.Bytes()
	}
	tests := []struct {
		name          string
		opts          Options
		body          []byte
		wantLinks     int
		wantTruncated bool
	}{
		{"under the link cap", Options{MaxLinks: 10}, distinct(10), 10, false},
		{"link cap reached", Options{MaxLinks: 10}, distinct(50), 10, true},
		{"duplicates do not count", Options{MaxLinks: 10},
			[]byte(strings.Repeat(`<a href="/same">`, 100_000)), 1, false},
		{"default link cap", Options{}, distinct(DefaultMaxLinks + 5), DefaultMaxLinks, true},
		{"byte cap cuts the body", Options{MaxBytes: 100},
			[]byte(`<a href="/early">` + strings.Repeat(" ", 100) + `<a href="/late">`), 1, true},
		{"byte cap inside a tag", Options{MaxBytes: 25},
			[]byte(`<a href="/early"><a href="/late-and-long">`), 1, true},
		{"default byte cap", Options{},
			append(append([]byte(`<a href="/early">`), bytes.Repeat([]byte("x"), DefaultMaxBytes)...), `<a href="/late">`...), 1, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page := tt.opts.HTML(mustURL(t, docURL), tt.body)
			checkInvariants(t, page.Links, tt.opts.withDefaults().MaxLinks)
			if len(page.Links) != tt.wantLinks || page.Truncated != tt.wantTruncated {
				t.Errorf("got %d links, truncated %v; want %d, %v", len(page.Links), page.Truncated, tt.wantLinks, tt.wantTruncated)
			}
			if len(page.Links) > 0 && page.Links[0].Raw != "/early" && page.Links[0].Raw != "/p/0" && page.Links[0].Raw != "/same" {
				t.Errorf("first link %q: document order lost", page.Links[0].Raw)
			}
		})
	}
}

func TestCSSLimits(t *testing.T) {
	var b bytes.Buffer
	for i := range 30 {
		fmt.Fprintf(&b, ".c%d{background:url(/i/%d.png)}\n", i, i)
	}
	base := mustURL(t, "https://news.example/s.css")
	if got := (Options{MaxLinks: 7}).CSS(base, b.Bytes()); len(got) != 7 {
		t.Errorf("MaxLinks 7: got %d links", len(got))
	}
	if got := (Options{MaxBytes: 40}).CSS(base, b.Bytes()); len(got) != 1 {
		t.Errorf("MaxBytes 40: got %q", summarize(got))
	}
}

func TestResolvedDuplicatesCollapse(t *testing.T) {
	// Different text, same URL: one link per kind, the first context wins.
	body := `<a href="/x">a</a><a href="./../x">b</a><a href="HTTPS://NEWS.EXAMPLE:443/x">c</a><img src="/x">`
	checkLinks(t, HTML(mustURL(t, docURL), []byte(body)).Links, []string{
		"L a/@href https://news.example/x",
		"E img/@src https://news.example/x",
	})
}
