package testsite

import (
	"bytes"
	"encoding/binary"
	"net/http"
)

// asset is a fixed file, built once by New.
type asset struct {
	contentType string
	body        []byte
}

// site.css reaches theme.css by @import, the serif font and the masthead
// by url(); theme.css reaches rule.png by a url() relative to itself.
const siteCSS = `@import url("theme.css");

@font-face {
  font-family: "Herald Serif";
  src: url("../fonts/serif.woff2") format("woff2");
  font-display: swap;
}

:root { --ink: #1d1d1b; --paper: #fbf8f1; --accent: #9b1c1c; --rule: #d8d2c4; }
body { margin: 0; color: var(--ink); background-color: var(--paper); font: 18px/1.55 "Herald Serif", Georgia, serif; }
a { color: inherit; }
.masthead { background: #f1ebdd url(/static/img/masthead.png) repeat-x left bottom; padding: 1.2rem 2rem 1.6rem; border-bottom: 4px double var(--ink); text-align: center; }
.masthead .brand { font-size: 2.6rem; font-weight: bold; letter-spacing: .02em; text-decoration: none; }
.ticker { margin: 0 0 .6rem; padding: .2rem .6rem 0 2rem; font: 600 .8rem/1.6 sans-serif; text-transform: uppercase; background-repeat: no-repeat; background-position: left center; color: var(--accent); }
main { max-width: 46rem; margin: 0 auto; padding: 1rem 1.5rem 3rem; }
h1 { font-size: 2.1rem; line-height: 1.15; margin: .4rem 0 .6rem; }
.kicker, .meta, .dateline, .byline { font: .85rem/1.4 sans-serif; color: #5a574f; }
.kicker a { color: var(--accent); text-transform: uppercase; text-decoration: none; font-weight: 700; }
.standfirst { font-size: 1.2rem; color: #3b3a36; }
figure { margin: 1.2rem 0; }
figure img, figure video, iframe.poll { width: 100%; height: auto; border: 0; background: #e5e0d3; }
figcaption { font: .8rem/1.4 sans-serif; color: #5a574f; padding-top: .3rem; }
.related, .specials, .elsewhere, .by-section, .latest, .top-story { border-top: 1px solid var(--rule); margin-top: 1.6rem; }
.teasers { list-style: none; padding: 0; }
.teasers h2 { font-size: 1.25rem; margin: .8rem 0 .2rem; }
.pager a, .pager span { display: inline-block; min-width: 1.6rem; padding: .1rem .3rem; font: .85rem sans-serif; text-align: center; }
.pager .current { background: var(--ink); color: var(--paper); }
table.calendar { border-collapse: collapse; width: 100%; }
table.calendar td, table.calendar th { border: 1px solid var(--rule); padding: .4rem; text-align: right; }
.correction { background: #fff4cc; padding: .4rem .8rem; font: .9rem sans-serif; }
footer { border-top: 4px double var(--ink); padding: 1rem 2rem 2rem; font: .85rem/1.5 sans-serif; text-align: center; }
footer ul { list-style: none; padding: 0; }
footer li { display: inline; margin: 0 .6rem; }
`

const themeCSS = `/* Section navigation: a thin printed rule under the links. */
.sections { background: url('../img/rule.png') repeat-x left bottom; padding: .5rem 1rem .7rem; font: 600 .9rem/1.4 sans-serif; }
.sections ul { display: flex; flex-wrap: wrap; justify-content: center; gap: 1.2rem; list-style: none; margin: 0; padding: 0; }
.sections a { text-decoration: none; text-transform: uppercase; letter-spacing: .05em; }
.sections a[aria-current] { color: var(--accent); }
`

// siteJS mentions no URL: some crawlers mine scripts for strings that look
// like links, and the site's URL set must not depend on that.
const siteJS = `// The Arkisto Herald: mark the section being read in the navigation.
document.addEventListener("DOMContentLoaded", function () {
  var here = window.location.pathname.split("/")[1];
  document.querySelectorAll(".sections a").forEach(function (a) {
    if (here && a.getAttribute("href").split("/")[1] === here) {
      a.setAttribute("aria-current", "page");
    }
  });
});
`

func newAssets() map[string]asset {
	return map[string]asset{
		"/favicon.ico":              {"image/x-icon", favicon()},
		"/static/css/site.css":      {"text/css; charset=utf-8", []byte(siteCSS)},
		"/static/css/theme.css":     {"text/css; charset=utf-8", []byte(themeCSS)},
		"/static/js/site.js":        {"text/javascript; charset=utf-8", []byte(siteJS)},
		"/static/fonts/serif.woff2": {"font/woff2", noise([]byte("wOF2\x00\x01\x00\x00"), 6000, 11)},
		"/static/fonts/sans.woff2":  {"font/woff2", noise([]byte("wOF2\x00\x01\x00\x00"), 5000, 12)},
		"/static/img/masthead.png":  {"image/png", drawPNG(64, 12, 21)},
		"/static/img/rule.png":      {"image/png", drawPNG(8, 4, 22)},
		"/static/img/paper.png":     {"image/png", drawPNG(32, 32, 23)},
		"/static/img/badge.png":     {"image/png", drawPNG(16, 16, 24)},
		PathVideoPoster:             {"image/png", drawPNG(320, 180, 25)},
		PathVideo:                   {"video/mp4", fakeMP4()},
	}
}

func (s *Site) serveAsset(path string) http.HandlerFunc {
	a := s.assets[path]
	return func(w http.ResponseWriter, r *http.Request) { writeBody(w, http.StatusOK, a.contentType, a.body) }
}

// favicon is an ICO file holding one 16x16 PNG.
func favicon() []byte {
	img := drawPNG(16, 16, 26)
	var b bytes.Buffer
	for _, v := range []any{
		uint16(0), uint16(1), uint16(1), // reserved, type icon, one image
		uint8(16), uint8(16), uint8(0), uint8(0), // width, height, no palette, reserved
		uint16(1), uint16(32), uint32(len(img)), uint32(22), // planes, bits, size, offset
	} {
		_ = binary.Write(&b, binary.LittleEndian, v) // fixed-size values into a buffer
	}
	b.Write(img)
	return b.Bytes()
}

// fakeMP4 starts like an MP4 (an ftyp box) and carries noise in its mdat:
// enough for content sniffing and size, not for playback.
func fakeMP4() []byte {
	var b bytes.Buffer
	b.Write([]byte("\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2"))
	const payload = 48 << 10
	_ = binary.Write(&b, binary.BigEndian, uint32(payload+8))
	b.WriteString("mdat")
	return noise(b.Bytes(), payload, 27)
}

// noise appends n pseudo-random bytes to prefix.
func noise(prefix []byte, n int, seed uint64) []byte {
	rg := newRNG(seed)
	out := append([]byte(nil), prefix...)
	for range n {
		out = append(out, byte(rg.next()))
	}
	return out
}
