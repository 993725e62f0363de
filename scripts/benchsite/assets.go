package main

import (
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"strings"
)

// imageKind is an image format; the file extension tells the server its
// Content-Type.
type imageKind int

const (
	jpeg imageKind = iota
	png
	webp
)

func (k imageKind) ext() string {
	return [...]string{"jpg", "png", "webp"}[k]
}

// randomBytes fills n bytes from a stream keyed by seed and a name, so each
// file has its own bytes whatever order the files are written in.
func randomBytes(seed uint64, name string, n int) []byte {
	h := fnv.New64a()
	h.Write([]byte(name))
	var key [32]byte
	binary.LittleEndian.PutUint64(key[:], seed)
	binary.LittleEndian.PutUint64(key[8:], h.Sum64())
	b := make([]byte, n)
	_, _ = rand.NewChaCha8(key).Read(b) // ChaCha8.Read never fails
	return b
}

// imageBytes makes an image file of img.size bytes: the format's real
// header, then bytes as incompressible as a real compressed image's.
func imageBytes(img image, seed uint64) []byte {
	b := randomBytes(seed, img.path, img.size)
	switch img.kind {
	case jpeg:
		copy(b, []byte{0xFF, 0xD8, 0xFF, 0xE0, 0, 16, 'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0})
		copy(b[len(b)-2:], []byte{0xFF, 0xD9})
	case png:
		hdr := []byte{0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R', 0, 0, 0, 0, 0, 0, 0, 0, 8, 2, 0, 0, 0}
		binary.BigEndian.PutUint32(hdr[16:], uint32(img.width))
		binary.BigEndian.PutUint32(hdr[20:], uint32(img.height))
		copy(b, hdr)
		copy(b[len(b)-12:], []byte{0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xAE, 0x42, 0x60, 0x82})
	case webp:
		copy(b, "RIFF\x00\x00\x00\x00WEBPVP8 ")
		binary.LittleEndian.PutUint32(b[4:], uint32(len(b)-8))
	}
	return b
}

// mp4Head is the start of video i: an ISO BMFF "ftyp" box, then bytes of
// its own, so every video has a distinct digest.
func mp4Head(seed, i uint64) []byte {
	b := randomBytes(seed, fmt.Sprintf("video-%d", i), 64<<10)
	copy(b, "\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2")
	return b
}

const siteCSS = `@import url("print.css") print;
@font-face { font-family: "Gazette Serif"; src: url(/static/fonts/serif-regular.woff2) format("woff2"); font-weight: 400; }
@font-face { font-family: "Gazette Serif"; src: url('/static/fonts/serif-bold.woff2') format("woff2"); font-weight: 700; }
@font-face { font-family: "Gazette Sans"; src: url(fonts/sans-regular.woff2) format("woff2"); }
body { margin: 0; font: 18px/1.5 "Gazette Serif", Georgia, serif; background: #fbf8f1 url(img/paper.png) repeat; color: #1d1d1b; }
.masthead { display: flex; align-items: center; gap: 2rem; padding: 1rem 2rem; border-bottom: 3px double #1d1d1b; }
.sections ul { display: flex; gap: 1rem; list-style: none; margin: 0; padding: 0; font-family: "Gazette Sans", sans-serif; }
.sections a { color: inherit; text-decoration: none; text-transform: uppercase; letter-spacing: .05em; }
main { max-width: 72rem; margin: 0 auto; padding: 1rem 2rem; }
.teaser { display: grid; grid-template-columns: 240px 1fr; gap: 1rem; margin: 1.5rem 0; }
.teaser img, figure img { max-width: 100%; height: auto; }
.story h1 { font-size: 2.6rem; line-height: 1.1; }
.story .kicker a { color: #a0201c; background: url("/static/img/icons/arrow.svg") no-repeat right center; padding-right: 1.2em; }
.byline { font-family: "Gazette Sans", sans-serif; color: #555; }
blockquote { background: url(/static/img/quote.png) no-repeat; padding-left: 3rem; }
.related { border-top: 1px solid #ccc; margin-top: 2rem; }
.related li::before { content: ""; display: inline-block; width: 1em; height: 1em; background: url(img/icons/dot.svg); }
.pagination a, .pagination span { display: inline-block; padding: .2rem .6rem; }
.site-footer { border-top: 3px double #1d1d1b; padding: 1rem 2rem; font-size: .9rem; }
`

const printCSS = `.masthead, .sections, .related, .pagination { display: none; }
body { background: none; }
.masthead::before { content: url(img/print-logo.png); }
`

func svgIcon(shape string) []byte {
	return []byte(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16">` + shape + "</svg>\n")
}

// appJS is a script of a plausible size; nothing runs it.
func appJS(seed uint64) []byte {
	rng := rand.New(rand.NewPCG(seed, 1<<40))
	var b strings.Builder
	b.WriteString("\"use strict\";\n(function () {\n")
	for i := range 120 {
		fmt.Fprintf(&b, "  function f%d(el) { return el && el.dataset ? %q + el.dataset.id : %d; }\n", i, nouns[rng.IntN(len(nouns))], rng.IntN(1e6))
	}
	b.WriteString("  document.documentElement.classList.add(\"js\");\n})();\n")
	return []byte(b.String())
}

type namedFile struct {
	path string
	data []byte
}

func (s *site) writeAssets(w *writer, base string) error {
	files := []namedFile{
		{"/static/site.css", []byte(siteCSS)},
		{"/static/print.css", []byte(printCSS)},
		{"/static/app.js", appJS(s.seed)},
		{"/static/img/icons/arrow.svg", svgIcon(`<path d="M4 2l8 6-8 6z"/>`)},
		{"/static/img/icons/dot.svg", svgIcon(`<circle cx="8" cy="8" r="3"/>`)},
		{"/robots.txt", []byte("User-agent: *\nDisallow: /search.html\n\nSitemap: " + base + "/sitemap.xml\n")},
		{"/sitemap.xml", s.sitemap(base)},
	}
	for _, img := range []image{
		{path: "/static/img/logo.png", kind: png, size: 9_000, width: 320, height: 60},
		{path: "/static/img/paper.png", kind: png, size: 24_000, width: 256, height: 256},
		{path: "/static/img/quote.png", kind: png, size: 1_800, width: 48, height: 48},
		{path: "/static/img/print-logo.png", kind: png, size: 6_000, width: 320, height: 60},
	} {
		files = append(files, namedFile{img.path, imageBytes(img, s.seed)})
	}
	for _, font := range []string{"serif-regular", "serif-bold", "sans-regular"} {
		p := "/static/fonts/" + font + ".woff2"
		b := randomBytes(s.seed, p, 28_000)
		copy(b, "wOF2")
		files = append(files, namedFile{p, b})
	}
	icon := randomBytes(s.seed, "/favicon.ico", 4_286)
	copy(icon, []byte{0, 0, 1, 0, 1, 0})
	files = append(files, namedFile{"/favicon.ico", icon})
	for _, f := range files {
		if err := w.file(f.path, f.data); err != nil {
			return err
		}
	}
	return nil
}

// sitemap lists the front page, the sections and every article.
func (s *site) sitemap(base string) []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">` + "\n")
	fmt.Fprintf(&b, "<url><loc>%s/</loc></url>\n", base)
	for sec := range sections {
		fmt.Fprintf(&b, "<url><loc>%s%s</loc></url>\n", base, listingPath(sec, 1))
	}
	for i := len(s.articles) - 1; i >= 0; i-- {
		a := &s.articles[i]
		fmt.Fprintf(&b, "<url><loc>%s%s</loc><lastmod>%s</lastmod></url>\n", base, a.path, a.published.Format("2006-01-02"))
	}
	b.WriteString("</urlset>\n")
	return []byte(b.String())
}
