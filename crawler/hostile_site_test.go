package crawler_test

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Sizes of the hostile site's oversized answers.
const (
	hugeHeaderBytes = 50 << 20 // the header block the server tries to send
	slowLorisEvery  = 200 * time.Millisecond
)

// privateTargets are the hosts news.test links or redirects to that
// resolve to (or are) addresses a crawler must never dial. The names are
// subdomains of news.test, so that scope lets them through and only the
// dial guard stands in the way.
var privateTargets = map[string]string{
	"metadata.news.test": "169.254.169.254",
	"ten.news.test":      "10.0.0.1",
	"lan.news.test":      "192.168.0.1",
	"cgnat.news.test":    "100.64.0.1",
	"ula.news.test":      "fd00::1",
	"self.news.test":     "127.0.0.1", // this very server, but not a seed's host
}

// hostileSite is news.test: a news front page linking to every misbehaviour
// the crawl must survive. Paths that fail "at first" fail for their first
// request only.
type hostileSite struct {
	deadHost string // host:port of the dead host, linked from the front page

	mu       sync.Mutex
	requests map[string]int // requests per path
	retryAt  time.Time      // the instant the HTTP-date Retry-After promised

	headerSent   atomic.Int64 // bytes of the huge header block that left
	endlessSent  atomic.Int64 // body bytes of the endless response that left
	sessionLeaks atomic.Int64 // requests whose query still carried a session id
}

func newHostileSite(deadHost string) *hostileSite {
	return &hostileSite{deadHost: deadHost, requests: make(map[string]int)}
}

// count notes a request to path and returns how many there were so far.
func (s *hostileSite) count(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests[path]++
	return s.requests[path]
}

func (s *hostileSite) promised() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.retryAt
}

// frontLinks are the front page's links, the back-off cases first so their
// pauses come early, while the healthy host is still being crawled.
func (s *hostileSite) frontLinks(self string) []string {
	links := []string{
		"/busy", "/busy-date", "/capped",
		"/loop/a", "/chain/1", "/nest/", "/a/b/a/b/a/b/", longTrapPath(), queryTrapPath(),
		"/calendar?month=2026-01",
		"/slowloris", "/endless", "/huge-header",
		"/story?id=1&jsessionid=0A1B2C", "/story?id=1&PHPSESSID=abc", "/story?id=1",
		"/go/lan", "/go/meta", "/go/ula",
	}
	for i := 1; i <= 3; i++ {
		links = append(links, fmt.Sprintf("http://%s/story/%d", s.deadHost, i))
	}
	_, port, _ := strings.Cut(self, ":")
	for _, name := range []string{"metadata.news.test", "ten.news.test", "cgnat.news.test", "ula.news.test", "self.news.test"} {
		links = append(links, "http://"+name+":"+port+"/latest/meta-data/")
	}
	return links
}

// embeds are page requisites on IP literals, which scope lets through from
// any host.
var hostileEmbeds = []string{"http://10.0.0.1/pixel.gif", "http://[fd00::1]/logo.png"}

func longTrapPath() string { return "/long/" + strings.Repeat("x", 3000) }

func queryTrapPath() string {
	params := make([]string, 100)
	for i := range params {
		params[i] = fmt.Sprintf("p%d=%d", i, i)
	}
	return "/search?" + strings.Join(params, "&")
}

func (s *hostileSite) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	n := s.count(r.URL.RequestURI())
	if q := strings.ToLower(r.URL.RawQuery); strings.Contains(q, "jsessionid") || strings.Contains(q, "phpsessid") {
		s.sessionLeaks.Add(1)
	}
	switch {
	case path == "/robots.txt":
		writeText(w, "text/plain", "User-agent: *\nAllow: /\n")
	case path == "/":
		var b strings.Builder
		b.WriteString("<html><head><title>News</title></head><body>\n")
		for _, l := range s.frontLinks(r.Host) {
			fmt.Fprintf(&b, "<a href=%q>story</a>\n", l)
		}
		for _, e := range hostileEmbeds {
			fmt.Fprintf(&b, "<img src=%q>\n", e)
		}
		b.WriteString("</body></html>\n")
		writeText(w, "text/html; charset=utf-8", b.String())
	case path == "/busy" && n == 1:
		w.Header().Set("Retry-After", "1")
		w.WriteHeader(http.StatusTooManyRequests)
	case path == "/busy-date" && n == 1:
		// HTTP dates have whole seconds: the promise is the parsed date.
		date := time.Now().Add(2 * time.Second).UTC().Format(http.TimeFormat)
		at, _ := http.ParseTime(date)
		s.mu.Lock()
		s.retryAt = at
		s.mu.Unlock()
		w.Header().Set("Retry-After", date)
		w.WriteHeader(http.StatusTooManyRequests)
	case path == "/capped" && n == 1:
		w.Header().Set("Retry-After", "3600")
		w.WriteHeader(http.StatusServiceUnavailable)
	case path == "/loop/a":
		http.Redirect(w, r, "/loop/b", http.StatusFound)
	case path == "/loop/b":
		http.Redirect(w, r, "/loop/a", http.StatusFound)
	case strings.HasPrefix(path, "/chain/"):
		k, _ := strconv.Atoi(strings.TrimPrefix(path, "/chain/"))
		http.Redirect(w, r, fmt.Sprintf("/chain/%d", k+1), http.StatusFound)
	case strings.HasPrefix(path, "/nest/"):
		// A relative link resolved against its own page nests forever.
		writeText(w, "text/html", `<html><body><a href="nest/">deeper</a></body></html>`)
	case path == "/calendar":
		s.calendar(w, r)
	case path == "/slowloris":
		s.slowLoris(w, r)
	case path == "/endless":
		s.endless(w, r)
	case path == "/huge-header":
		s.hugeHeader(w)
	case path == "/go/lan":
		_, port, _ := strings.Cut(r.Host, ":")
		http.Redirect(w, r, "http://lan.news.test:"+port+"/admin", http.StatusFound)
	case path == "/go/meta":
		http.Redirect(w, r, "http://169.254.169.254/latest/meta-data/", http.StatusFound)
	case path == "/go/ula":
		http.Redirect(w, r, "http://[fd00::1]/", http.StatusMovedPermanently)
	default:
		writeText(w, "text/html", "<html><body><p>An ordinary page.</p></body></html>")
	}
}

func writeText(w http.ResponseWriter, contentType, body string) {
	w.Header().Set("Content-Type", contentType)
	_, _ = w.Write([]byte(body))
}

// calendar links the month before and after, forever.
func (s *hostileSite) calendar(w http.ResponseWriter, r *http.Request) {
	m, err := time.Parse("2006-01", r.URL.Query().Get("month"))
	if err != nil {
		http.NotFound(w, r)
		return
	}
	writeText(w, "text/html", fmt.Sprintf(`<html><body><a href="/calendar?month=%s">prev</a> <a href="/calendar?month=%s">next</a></body></html>`,
		m.AddDate(0, -1, 0).Format("2006-01"), m.AddDate(0, 1, 0).Format("2006-01")))
}

// slowLoris sends its headers, then one body byte every 200 ms, until the
// client leaves.
func (s *hostileSite) slowLoris(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html")
	w.Header().Set("Content-Length", "100000")
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	if rc.Flush() != nil {
		return
	}
	tick := time.NewTicker(slowLorisEvery)
	defer tick.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-tick.C:
		}
		if _, err := w.Write([]byte("x")); err != nil || rc.Flush() != nil {
			return
		}
	}
}

// endless sends a chunked body that never ends, until the client leaves.
func (s *hostileSite) endless(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html")
	rc := http.NewResponseController(w)
	chunk := bytes.Repeat([]byte("<p>and it goes on</p>\n"), 1500)
	for r.Context().Err() == nil {
		n, err := w.Write(chunk)
		s.endlessSent.Add(int64(n))
		if err != nil || rc.Flush() != nil {
			return
		}
	}
}

// hugeHeader streams a 50 MB header block, stopping when the client stops
// reading.
func (s *hostileSite) hugeHeader(w http.ResponseWriter) {
	conn, buf, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return
	}
	defer conn.Close()
	// A client that neither reads nor closes must not hold the test.
	_ = conn.SetWriteDeadline(time.Now().Add(10 * time.Second))
	if _, err := buf.WriteString("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"); err != nil || buf.Flush() != nil {
		return
	}
	line := "X-Filler: " + strings.Repeat("a", 1014) + "\r\n" // 1 KiB a line
	block := []byte(strings.Repeat(line, 64))
	for s.headerSent.Load() < hugeHeaderBytes {
		n, err := conn.Write(block)
		s.headerSent.Add(int64(n))
		if err != nil {
			return
		}
	}
	_, _ = conn.Write([]byte("Content-Length: 2\r\n\r\nok"))
}
