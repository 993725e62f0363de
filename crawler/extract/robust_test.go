package extract

import (
	"strings"
	"testing"
)

const sampleDoc = `<!DOCTYPE html><html><head><base href="/base/">
<meta http-equiv="refresh" content="30; url='/again'"><meta name=robots content="noindex">
<link rel=stylesheet href=site.css><link rel=alternate type=application/atom+xml href=/atom>
<style>@import url("x.css"); .h{background:url('h.png')} /* url(c.png) */</style>
<script src=app.js></script><script>if (a<b) document.write("<img src=w.png>")</script>
</head><body background=bg.png><a href="one.html">1</a><img src=i.jpg srcset="i1.jpg 1x, i2.jpg 2x">
<picture><source srcset="p.webp 480w, p2.webp 960w"><img src=p.jpg></picture>
<noscript><img src=ns.jpg></noscript><iframe src=//video.example/e></iframe>
<form action=/search><input type=image src=go.png></form><div style="background:url(d.png)"></div>
<video poster=v.jpg><source src=v.mp4><track src=v.vtt></video><a href="mailto:x@y">m</a>
</body></html>`

// Every prefix of a document stands for a body cut off mid-transfer.
func TestTruncatedInputs(t *testing.T) {
	base := mustURL(t, docURL)
	for n := range len(sampleDoc) + 1 {
		page := HTML(base, []byte(sampleDoc[:n]))
		checkInvariants(t, page.Links, DefaultMaxLinks)
		checkInvariants(t, CSS(base, []byte(sampleDoc[:n])), DefaultMaxLinks)
	}
	full := HTML(base, []byte(sampleDoc))
	if !full.NoIndex || full.NoFollow {
		t.Errorf("full sample: noindex %v, nofollow %v", full.NoIndex, full.NoFollow)
	}
	checkLinks(t, full.Links, []string{
		"L base/@href https://news.example/base/",
		"R meta/refresh https://news.example/again",
		"E link/@href https://news.example/base/site.css",
		"L link/@href https://news.example/atom",
		"E style/@import https://news.example/base/x.css",
		"E style/url https://news.example/base/h.png",
		"E script/@src https://news.example/base/app.js",
		"E body/@background https://news.example/base/bg.png",
		"L a/@href https://news.example/base/one.html",
		"E img/@src https://news.example/base/i.jpg",
		"E img/@srcset https://news.example/base/i1.jpg",
		"E img/@srcset https://news.example/base/i2.jpg",
		"E source/@srcset https://news.example/base/p.webp",
		"E source/@srcset https://news.example/base/p2.webp",
		"E img/@src https://news.example/base/p.jpg",
		"E img/@src https://news.example/base/ns.jpg",
		"E iframe/@src https://video.example/e",
		"L form/@action https://news.example/search",
		"E input/@src https://news.example/base/go.png",
		"E div/@style https://news.example/base/d.png",
		"E video/@poster https://news.example/base/v.jpg",
		"E source/@src https://news.example/base/v.mp4",
		"E track/@src https://news.example/base/v.vtt",
		"L a/@href !scheme mailto:x@y",
	})
}

func TestHostileInputs(t *testing.T) {
	tests := []struct {
		name string
		body string
		want []string
	}{
		{"invalid utf-8 in url", "<a href=\"/caf\xe9\xff.html\">",
			[]string{"L a/@href https://news.example/caf%EF%BF%BD%EF%BF%BD.html"}},
		{"invalid utf-8 in tag and attribute names", "<im\xffg src=/a.png><img s\xferc=/b.png><img src=/c.png>",
			[]string{"E img/@src https://news.example/c.png"}},
		{"invalid utf-8 in css", "<style>.a{background:url(\xfe\xff.png)} .b{background:url(\"\\\xff\")}</style>",
			[]string{"E style/url https://news.example/world/%EF%BF%BD%EF%BF%BD.png", "E style/url https://news.example/world/%EF%BF%BD"}},
		{"nul bytes", "<a href=\"/a\x00b\">\x00<img\x00 src=/n.png>",
			[]string{"L a/@href https://news.example/a%EF%BF%BDb"}},
		{"unclosed everything", `<a href="/open`, []string{}},
		{"unclosed attribute quote closes at end", `<img src="/x.png" alt="oops><a href="/hidden">`,
			[]string{"E img/@src https://news.example/x.png"}},
		{"stray angle brackets", `<<a href=/a>> </ bogus comment <img src=/hidden.png> <img src=/i.png> <`,
			[]string{"L a/@href https://news.example/a", "E img/@src https://news.example/i.png"}},
		{"nested noscript stays linear", strings.Repeat("<noscript>", 50_000) + `<img src=/deep.png>`, []string{}},
		{"plaintext swallows the rest", `<img src=/a.png><plaintext><img src=/b.png>`,
			[]string{"E img/@src https://news.example/a.png"}},
		{"huge attribute", `<a href="/` + strings.Repeat("x", 1<<20) + `">`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page := HTML(mustURL(t, docURL), []byte(tt.body))
			if tt.want == nil {
				checkInvariants(t, page.Links, DefaultMaxLinks)
				if len(page.Links) != 1 {
					t.Errorf("got %d links", len(page.Links))
				}
				return
			}
			checkLinks(t, page.Links, tt.want)
		})
	}
}

func TestNoDocumentURL(t *testing.T) {
	page := HTML(nil, []byte(`<a href="https://news.example/abs"><a href="relative.html">`))
	checkLinks(t, page.Links, []string{
		"L a/@href https://news.example/abs",
		"L a/@href !malformed relative.html",
	})
}

func TestContentTypes(t *testing.T) {
	tests := []struct {
		contentType string
		html, css   bool
	}{
		{"text/html", true, false},
		{"text/html; charset=UTF-8", true, false},
		{"TEXT/HTML;charset=", true, false},
		{"application/xhtml+xml", true, false},
		{"text/css", false, true},
		{"text/css;charset=utf-8", false, true},
		{" Text/CSS ; garbage=\"", false, true},
		{"text/plain", false, false},
		{"application/rss+xml", false, false},
		{"", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.contentType, func(t *testing.T) {
			if IsHTML(tt.contentType) != tt.html || IsCSS(tt.contentType) != tt.css {
				t.Errorf("IsHTML %v IsCSS %v, want %v %v", IsHTML(tt.contentType), IsCSS(tt.contentType), tt.html, tt.css)
			}
		})
	}
}
