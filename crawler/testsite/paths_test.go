package testsite

import (
	"bytes"
	"image/png"
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

func parseHTML(t *testing.T, body []byte) *goquery.Document {
	t.Helper()
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("parse html: %v", err)
	}
	return doc
}

// wantText fails unless the document has sel and its text contains want.
func wantText(t *testing.T, doc *goquery.Document, sel, want string) {
	t.Helper()
	if got := doc.Find(sel).Text(); !strings.Contains(got, want) {
		t.Errorf("%s text = %q, want it to contain %q", sel, got, want)
	}
}

func wantCount(t *testing.T, doc *goquery.Document, sel string, want int) {
	t.Helper()
	if got := doc.Find(sel).Length(); got != want {
		t.Errorf("%d elements match %s, want %d", got, sel, want)
	}
}

func TestPaths(t *testing.T) {
	s := New(Options{})
	base := s.Start(t)
	art := s.Articles()[3]
	key := art.Path[strings.LastIndex(art.Path, "-")+1 : len(art.Path)-len(".html")]
	html := func(check func(*testing.T, *goquery.Document)) func(*testing.T, []byte) {
		return func(t *testing.T, body []byte) { check(t, parseHTML(t, body)) }
	}
	tests := []struct {
		name, path string
		status     int
		ctype      string
		check      func(*testing.T, []byte)
	}{
		{"front page", "/", 200, "text/html; charset=utf-8", html(func(t *testing.T, d *goquery.Document) {
			wantText(t, d, "header .brand", siteName)
			wantCount(t, d, "nav.sections li", 3+2)
			wantCount(t, d, ".latest li", latestCount)
			wantCount(t, d, `link[rel=alternate][type="application/rss+xml"][href="`+PathRSS+`"]`, 1)
			wantCount(t, d, `link[rel=alternate][type="application/atom+xml"][href="`+PathAtom+`"]`, 1)
			wantCount(t, d, `a[href="`+PathDisallowed+`"], a[href="`+OutOfScopeURL+`"], a[href^="mailto:"], a[href^="javascript:"], a[href^="data:"]`, 5)
			wantCount(t, d, `img[src^="data:"]`, 1)
			wantText(t, d, "footer", "2026")
		})},
		{"section page 1", "/world/", 200, "text/html; charset=utf-8", html(func(t *testing.T, d *goquery.Document) {
			wantText(t, d, "main h1", "World")
			wantCount(t, d, ".teasers article", PageSize)
			wantCount(t, d, `.pager a[rel=next][href="/world/page/2/"]`, 1)
		})},
		{"section page 2", "/world/page/2/", 200, "text/html; charset=utf-8", html(func(t *testing.T, d *goquery.Document) {
			wantCount(t, d, ".teasers article", 8-PageSize) // 24 articles, 3 sections
			wantCount(t, d, `.pager a[rel=prev][href="/world/"]`, 1)
			wantCount(t, d, ".pager a[rel=next]", 0)
		})},
		{"section page past the end", "/world/page/3/", 404, "text/html; charset=utf-8", nil},
		{"section page 1 by number", "/world/page/1/", 404, "text/html; charset=utf-8", nil},
		{"unknown section", "/weather/", 404, "text/html; charset=utf-8", nil},
		{"article", art.Path, 200, "text/html; charset=utf-8", html(func(t *testing.T, d *goquery.Document) {
			wantText(t, d, "article h1", art.Title)
			wantText(t, d, "article .byline", "By ")
			wantText(t, d, "article .dateline time", longDate(art.Published))
			wantCount(t, d, "article > p", 4+5) // kicker, standfirst, byline, dateline, five paragraphs
			srcset, _ := d.Find("figure.lead img").Attr("srcset")
			if n := len(strings.Split(srcset, ",")); n != len(imageWidths) {
				t.Errorf("srcset %q has %d candidates, want %d", srcset, n, len(imageWidths))
			}
			wantText(t, d, "figure.lead figcaption", "Photo: ")
			wantCount(t, d, `video[poster="`+PathVideoPoster+`"] source[src="`+PathVideo+`"]`, 1)
			wantCount(t, d, `iframe[src="`+PathEmbed+`"]`, 1)
			wantCount(t, d, "aside.related li a", 1) // article 4 is the second of its section
		})},
		{"unknown article", "/world/2025/01/01/nothing-here-99999.html", 404, "text/html; charset=utf-8", nil},
		{"article image", imagePath(key, 320), 200, "image/png", func(t *testing.T, b []byte) {
			cfg, err := png.DecodeConfig(bytes.NewReader(b))
			if err != nil || cfg.Width != 320 || cfg.Height != 180 {
				t.Errorf("decode png: %dx%d, %v; want 320x180", cfg.Width, cfg.Height, err)
			}
		}},
		{"image of unknown width", imagePath(key, 300), 404, "text/html; charset=utf-8", nil},
		{"image of unknown article", imagePath("999999", 320), 404, "text/html; charset=utf-8", nil},
		{"stylesheet", "/static/css/site.css", 200, "text/css; charset=utf-8", contains(`@import url("theme.css")`, `url("../fonts/serif.woff2")`, "url(/static/img/masthead.png)")},
		{"imported stylesheet", "/static/css/theme.css", 200, "text/css; charset=utf-8", contains("url('../img/rule.png')")},
		{"script", "/static/js/site.js", 200, "text/javascript; charset=utf-8", contains("DOMContentLoaded")},
		{"font", "/static/fonts/serif.woff2", 200, "font/woff2", prefix("wOF2")},
		{"preloaded font", "/static/fonts/sans.woff2", 200, "font/woff2", prefix("wOF2")},
		{"favicon", "/favicon.ico", 200, "image/x-icon", prefix("\x00\x00\x01\x00\x01\x00")},
		{"video", PathVideo, 200, "video/mp4", contains("ftypisom")},
		{"poster", PathVideoPoster, 200, "image/png", prefix("\x89PNG")},
		{"iframe", PathEmbed, 200, "text/html; charset=utf-8", contains("Reader poll")},
		{"archive", "/archive/", 200, "text/html; charset=utf-8", html(func(t *testing.T, d *goquery.Document) {
			wantCount(t, d, `.months a[href^="/archive/20"]`, len(s.byMonth))
		})},
		{"archive month", "/archive/2025-01/", 200, "text/html; charset=utf-8", contains(s.Articles()[0].Path)},
		{"empty archive month", "/archive/2030-01/", 404, "text/html; charset=utf-8", nil},
		{"calendar", calendarPath("2026-01"), 200, "text/html; charset=utf-8", html(func(t *testing.T, d *goquery.Document) {
			wantCount(t, d, `a[rel=prev][href="/calendar?month=2025-12"]`, 1)
			wantCount(t, d, `a[rel=next][href="/calendar?month=2026-02"]`, 1)
			wantCount(t, d, "table.calendar td", 3+31)
		})},
		{"calendar far away", calendarPath("2431-07"), 200, "text/html; charset=utf-8", contains(`href="/calendar?month=2431-08"`)},
		{"calendar bad month", calendarPath("2026-13"), 404, "text/html; charset=utf-8", nil},
		{"calendar without month", PathCalendar, 404, "text/html; charset=utf-8", nil},
		{"meta refresh", PathRefresh, 200, "text/html; charset=utf-8", contains(`<meta http-equiv="refresh" content="5; url=` + PathRefreshTarget + `">`)},
		{"refresh target", PathRefreshTarget, 200, "text/html; charset=utf-8", nil},
		{"base href", PathBase, 200, "text/html; charset=utf-8", contains(`<base href="/special/stacks/">`, `<a href="story.html">`)},
		{"base target", PathBaseTarget, 200, "text/html; charset=utf-8", nil},
		{"redirect 301", PathRedirect, 301, "text/html; charset=utf-8", nil},
		{"redirect 302", PathRedirectHop, 302, "text/html; charset=utf-8", nil},
		{"redirect end", PathRedirectTarget, 200, "text/html; charset=utf-8", nil},
		{"deliberate 404", PathNotFound, 404, "text/html; charset=utf-8", contains("Page not found")},
		{"deliberate 500", PathServerError, 500, "text/html; charset=utf-8", contains("Something went wrong")},
		{"disallowed page", PathDisallowed, 200, "text/html; charset=utf-8", contains("Draft stories")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := fetch(t, base+tt.path, nil)
			if r.status != tt.status {
				t.Fatalf("status = %d, want %d", r.status, tt.status)
			}
			if got := r.header.Get("Content-Type"); got != tt.ctype {
				t.Errorf("Content-Type = %q, want %q", got, tt.ctype)
			}
			if tt.check != nil {
				tt.check(t, r.body)
			}
		})
	}
}

func contains(wants ...string) func(*testing.T, []byte) {
	return func(t *testing.T, body []byte) {
		t.Helper()
		for _, w := range wants {
			if !bytes.Contains(body, []byte(w)) {
				t.Errorf("body lacks %q", w)
			}
		}
	}
}

func prefix(p string) func(*testing.T, []byte) {
	return func(t *testing.T, body []byte) {
		t.Helper()
		if !bytes.HasPrefix(body, []byte(p)) {
			t.Errorf("body starts %q, want %q", body[:min(len(body), len(p))], p)
		}
	}
}

func TestRedirectChain(t *testing.T) {
	base := New(Options{}).Start(t)
	hops := []struct {
		path, location string
		status         int
	}{
		{PathRedirect, PathRedirectHop, http.StatusMovedPermanently},
		{PathRedirectHop, PathRedirectTarget, http.StatusFound},
		{PathRedirectTarget, "", http.StatusOK},
	}
	for _, h := range hops {
		t.Run(h.path, func(t *testing.T) {
			r := fetch(t, base+h.path, nil)
			if r.status != h.status || r.header.Get("Location") != h.location {
				t.Errorf("got %d Location %q, want %d %q", r.status, r.header.Get("Location"), h.status, h.location)
			}
		})
	}
}

func TestMethodNotAllowed(t *testing.T) {
	base := New(Options{}).Start(t)
	c := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := c.Post(base+"/", "text/plain", strings.NewReader("x"))
	if err != nil {
		t.Fatalf("post: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST / = %d, want 405", resp.StatusCode)
	}
}
