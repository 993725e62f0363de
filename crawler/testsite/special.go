package testsite

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"golang.org/x/text/encoding/charmap"
)

// The odd cases, all linked from the front page.
const (
	PathChunked        = "/special/live-blog.html"        // Transfer-Encoding: chunked, several chunks
	PathGzip           = "/special/digest.html"           // Content-Encoding: gzip when the request accepts it
	PathLatin1         = "/special/nordic.html"           // ISO-8859-1 bytes, declared in Content-Type
	PathBadUTF8        = "/special/wire-copy.html"        // declared UTF-8, holds invalid bytes
	PathRefresh        = "/special/moved.html"            // <meta http-equiv="refresh"> to PathRefreshTarget
	PathRefreshTarget  = "/special/moved-here.html"       // reachable only through that refresh
	PathBase           = "/special/reading-room.html"     // <base href="/special/stacks/"> and a relative link
	PathBaseTarget     = "/special/stacks/story.html"     // reachable only by resolving against the base
	PathBaseHref       = "/special/stacks/"               // the <base href> itself, a link as Heritrix counts it (404 here)
	PathRedirect       = "/go/old-front"                  // 301 to PathRedirectHop
	PathRedirectHop    = "/go/front-2024"                 // 302 to PathRedirectTarget
	PathRedirectTarget = "/special/new-front.html"        // 200, end of the chain
	PathNotFound       = "/special/withdrawn.html"        // 404
	PathServerError    = "/special/election-results.html" // 500
	PathDuplicate      = "/about/terms.html"              // same body as PathDuplicateCopy
	PathDuplicateCopy  = "/legal/terms.html"
	PathDisallowed     = "/private/drafts.html" // robots.txt disallows /private/
	OutOfScopeURL      = "http://elsewhere.invalid/world/"
	// MalformedHref is an href no URL parser accepts (an unclosed IPv6 host).
	MalformedHref = "http://[::1"
)

// renderLocked renders p under the read lock, for handlers that write the
// body their own way.
func (s *Site) renderLocked(p page) []byte {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.render(p)
}

// storyPage is a plain page of generated prose.
func storyPage(path, title string, seed uint64, head, extra string) page {
	rg := newRNG(seed)
	var b strings.Builder
	b.WriteString("<article class=\"story\">\n<h1>" + esc(title) + "</h1>\n")
	b.WriteString(extra)
	for range 3 {
		b.WriteString("<p>" + esc(paragraph(rg)) + "</p>\n")
	}
	b.WriteString("</article>\n")
	return page{path: path, title: title, head: head, main: b.String()}
}

// serveChunked writes the live blog in several flushed pieces. Without a
// Content-Length, the first flush makes Go's server send chunked encoding.
func (s *Site) serveChunked(w http.ResponseWriter, r *http.Request) {
	body := s.renderLocked(storyPage(PathChunked, "Live: storm over the Saltholm strait", 501, "", `<p class="live">Updated as the storm passes.</p>`+"\n"))
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	rc := http.NewResponseController(w)
	const pieces = 4
	for i := range pieces {
		if _, err := w.Write(body[len(body)*i/pieces : len(body)*(i+1)/pieces]); err != nil {
			return // the client left
		}
		if err := rc.Flush(); err != nil {
			return
		}
	}
}

// serveGzip compresses only for clients that ask, as servers do.
func (s *Site) serveGzip(w http.ResponseWriter, r *http.Request) {
	body := s.renderLocked(storyPage(PathGzip, "The weekly digest", 502, "", ""))
	w.Header().Set("Vary", "Accept-Encoding")
	if !acceptsGzip(r.Header.Values("Accept-Encoding")) {
		writeBody(w, http.StatusOK, "text/html; charset=utf-8", body)
		return
	}
	w.Header().Set("Content-Encoding", "gzip")
	writeBody(w, http.StatusOK, "text/html; charset=utf-8", gzipBytes(body))
}

// gzipBytes compresses deterministically: gzip.Writer leaves the header's
// name and time empty.
func gzipBytes(b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, _ = zw.Write(b) // writes to a bytes.Buffer do not fail
	_ = zw.Close()
	return buf.Bytes()
}

// acceptsGzip reads Accept-Encoding lists such as "br, gzip;q=0.8".
func acceptsGzip(values []string) bool {
	for _, v := range values {
		for part := range strings.SplitSeq(v, ",") {
			name, params, _ := strings.Cut(part, ";")
			name = strings.TrimSpace(name)
			if !strings.EqualFold(name, "gzip") && !strings.EqualFold(name, "x-gzip") {
				continue
			}
			q, ok := strings.CutPrefix(strings.TrimSpace(params), "q=")
			if !ok {
				return true
			}
			f, err := strconv.ParseFloat(q, 64)
			return err == nil && f > 0
		}
	}
	return false
}

const nordicText = `<p>Kahvila Mörkö in Hämeenlinna reopened on Monday after a long winter. Its owner, Séverine Åberg, said the crème brûlée was gone before noon.</p>
<p>Ferries between Ålandsö and Västervik return to the summer timetable in May; the café on the quay serves smörgås and kaffe from seven.</p>
<p>Über 300 residents of Skärgårdby signed a petition asking for a later last boat. «Wir fahren gern», said one visitor from Lübeck.</p>
`

// serveLatin1 sends real ISO-8859-1 bytes (é is 0xE9, ä 0xE4, ö 0xF6).
func (s *Site) serveLatin1(w http.ResponseWriter, r *http.Request) {
	body := s.renderLocked(page{path: PathLatin1, title: "Nordic roundup", charset: "iso-8859-1",
		main: "<article class=\"story\">\n<h1>Nordic roundup: cafés and ferries</h1>\n" + nordicText + "</article>\n"})
	latin, err := charmap.ISO8859_1.NewEncoder().Bytes(body)
	if err != nil {
		http.Error(w, fmt.Sprintf("encode nordic roundup as iso-8859-1: %v", err), http.StatusInternalServerError)
		return
	}
	writeBody(w, http.StatusOK, "text/html; charset=ISO-8859-1", latin)
}

// badUTF8 holds a stray 0xFF, a Latin-1 é (0xE9) and a cut three-byte
// sequence (0xE2 0x82 without its last byte), in a page declared UTF-8.
const badUTF8 = "<p>Wire copy as received: caf\xe9 owners in Harbourton \xff reported \xe2\x82 losses.</p>\n"

func (s *Site) serveBadUTF8(w http.ResponseWriter, r *http.Request) {
	body := s.renderLocked(storyPage(PathBadUTF8, "Wire copy, as received", 503, "", badUTF8))
	writeBody(w, http.StatusOK, "text/html; charset=utf-8", body)
}

func (s *Site) serveServerError(w http.ResponseWriter, r *http.Request) {
	body := s.renderLocked(page{path: PathServerError, title: "Service unavailable",
		main: "<h1>Something went wrong</h1>\n<p>The results service failed. Please try again later.</p>\n"})
	writeBody(w, http.StatusInternalServerError, "text/html; charset=utf-8", body)
}

func redirect(to string, status int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, to, status) }
}

// Pages of the odd cases that need no special writing.
func (s *Site) refreshPage(*http.Request) (page, bool) {
	return storyPage(PathRefresh, "A story that moved", 504,
		`<meta http-equiv="refresh" content="5; url=`+PathRefreshTarget+`">`+"\n",
		"<p>This story has moved. You will be taken to its new address.</p>\n"), true
}

func (s *Site) refreshTarget(*http.Request) (page, bool) {
	return storyPage(PathRefreshTarget, "The story, at its new address", 505, "", ""), true
}

func (s *Site) basePage(*http.Request) (page, bool) {
	return storyPage(PathBase, "The reading room", 506, `<base href="`+PathBaseHref+`">`+"\n",
		`<p>Today in the stacks: <a href="story.html">the harbour ledger of 1911</a>.</p>`+"\n"), true
}

func (s *Site) baseTarget(*http.Request) (page, bool) {
	return storyPage(PathBaseTarget, "The harbour ledger of 1911", 507, "", ""), true
}

func (s *Site) redirectTarget(*http.Request) (page, bool) {
	return storyPage(PathRedirectTarget, "Welcome to the new front page", 508, "",
		"<p>Our front page lives at "+link("/", "the usual address")+".</p>\n"), true
}

// termsPage serves both duplicate URLs with one body: nothing in it
// depends on the path.
func (s *Site) termsPage(r *http.Request) (page, bool) {
	p := storyPage("", "Terms of use", 509, "", "")
	p.path = r.URL.Path
	return p, true
}

func (s *Site) draftsPage(*http.Request) (page, bool) {
	return storyPage(PathDisallowed, "Draft stories", 510, `<meta name="robots" content="noindex">`+"\n",
		"<p>Unpublished drafts. Crawlers that obey robots.txt never see this page.</p>\n"), true
}

// pollEmbed is the iframe's document: bare, as embeds are.
const pollEmbed = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Reader poll</title>
<style>body { font: 14px/1.4 sans-serif; margin: 8px; } label { display: block; }</style>
</head>
<body>
<form>
<p>Should the night trains to Kivikoski return?</p>
<label><input type="radio" name="vote" value="yes"> Yes</label>
<label><input type="radio" name="vote" value="no"> No</label>
<label><input type="radio" name="vote" value="unsure"> Not sure</label>
</form>
</body>
</html>
`
