package testsite

import (
	"html"
	"net/http"
	"strconv"
	"strings"
)

// page is what a handler has to say; render wraps it in the site's chrome.
type page struct {
	path    string // URL path, keys ChangePage revisions
	title   string
	head    string // extra markup inside <head>
	main    string // markup inside <main>
	charset string // declared in <meta>; "" means utf-8
}

const siteName = "The Arkisto Herald"

// Every page carries the same requisites, each reachable through one
// mechanism only, so a crawler that misses a mechanism misses a URL:
// the favicon link, the preload link (sans.woff2), the stylesheet (which
// @imports theme.css and url()s the serif font and masthead.png), the
// <style> block (paper.png), a style attribute (badge.png) and a script.
const headTop = `<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="/favicon.ico" type="image/x-icon">
<link rel="preload" href="/static/fonts/sans.woff2" as="font" type="font/woff2" crossorigin>
<link rel="stylesheet" href="/static/css/site.css">
<style>
body { background-image: url("/static/img/paper.png"); }
</style>
<script src="/static/js/site.js" defer></script>
`

// render writes the whole document. The caller holds s.mu (read).
func (s *Site) render(p page) []byte {
	var b strings.Builder
	charset := p.charset
	if charset == "" {
		charset = "utf-8"
	}
	b.WriteString("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"" + charset + "\">\n")
	b.WriteString("<title>" + esc(p.title) + " | " + siteName + "</title>\n")
	b.WriteString(headTop)
	b.WriteString(p.head)
	b.WriteString("</head>\n<body>\n<header class=\"masthead\">\n")
	b.WriteString(`<p class="ticker" style="background-image: url('/static/img/badge.png')">Latest news from the loopback coast</p>` + "\n")
	b.WriteString(`<a class="brand" href="/">` + siteName + "</a>\n</header>\n")
	s.writeNav(&b)
	b.WriteString("<main id=\"content\">\n")
	if n := s.revision[p.path]; n > 0 {
		b.WriteString(`<p class="correction">Correction ` + strconv.Itoa(n) + `: this page was updated after publication.</p>` + "\n")
	}
	b.WriteString(p.main)
	b.WriteString("</main>\n")
	b.WriteString(footer)
	b.WriteString("</body>\n</html>\n")
	return []byte(b.String())
}

func (s *Site) writeNav(b *strings.Builder) {
	b.WriteString("<nav class=\"sections\">\n<ul>\n")
	for _, sec := range s.sections {
		b.WriteString(`<li><a href="/` + sec.name + `/">` + esc(sec.title) + "</a></li>\n")
	}
	b.WriteString(`<li><a href="/archive/">Archive</a></li>` + "\n")
	b.WriteString(`<li><a href="` + calendarPath(CalendarStart) + `">Calendar</a></li>` + "\n")
	b.WriteString("</ul>\n</nav>\n")
}

// footer links the two terms pages, which share one body byte for byte.
const footer = `<footer>
<ul>
<li><a href="/about/terms.html">Terms of use</a></li>
<li><a href="/legal/terms.html">Legal</a></li>
</ul>
<p>&copy; 2026 The Arkisto Herald. Generated for crawler tests; every story is invented.</p>
</footer>
`

func esc(s string) string { return html.EscapeString(s) }

func link(href, text string) string { return `<a href="` + esc(href) + `">` + esc(text) + "</a>" }

// writeBody sends a complete body with its length, so Go's server never
// switches to chunked encoding on its own: only the live blog is chunked.
func writeBody(w http.ResponseWriter, status int, contentType string, body []byte) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body) // a client that left is no concern of the site
}

// servePage adapts a page builder to a handler: 404 when build says the
// page does not exist.
func (s *Site) servePage(build func(r *http.Request) (page, bool)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.mu.RLock()
		p, ok := build(r)
		var body []byte
		if ok {
			body = s.render(p)
		}
		s.mu.RUnlock()
		if !ok {
			s.notFound(w, r)
			return
		}
		writeBody(w, http.StatusOK, "text/html; charset=utf-8", body)
	}
}

func (s *Site) notFound(w http.ResponseWriter, r *http.Request) {
	s.mu.RLock()
	body := s.render(page{title: "Page not found", main: "<h1>Page not found</h1>\n<p>The page you asked for is not here. Try the " + link("/", "front page") + ".</p>\n"})
	s.mu.RUnlock()
	writeBody(w, http.StatusNotFound, "text/html; charset=utf-8", body)
}
