package crawler_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"
)

// healthySite is wire.test: robots.txt asks for delay between requests,
// and the front page links that many pages, all of them fine.
func healthySite(pages int, delay time.Duration) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/robots.txt":
			writeText(w, "text/plain", fmt.Sprintf("User-agent: *\nCrawl-delay: %g\n", delay.Seconds()))
		case "/":
			var b strings.Builder
			b.WriteString("<html><body>\n")
			for i := range pages {
				fmt.Fprintf(&b, "<a href=\"/p/%d\">wire story</a>\n", i)
			}
			b.WriteString("</body></html>\n")
			writeText(w, "text/html", b.String())
		default:
			writeText(w, "text/html", "<html><body><p>A wire story.</p></body></html>")
		}
	})
}

// stormSite is storm.test, overloaded for a while: after its front page,
// the next storm requests for pages all get 503 without Retry-After, then
// everything is fine again. robots.txt is always served.
func stormSite(storm int) http.Handler {
	var mu sync.Mutex
	pageRequests := 0
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			writeText(w, "text/plain", "User-agent: *\nAllow: /\n")
			return
		}
		mu.Lock()
		pageRequests++
		n := pageRequests
		mu.Unlock()
		switch {
		case n > 1 && n <= 1+storm:
			w.WriteHeader(http.StatusServiceUnavailable)
		case r.URL.Path == "/":
			writeText(w, "text/html", `<html><body><a href="/s/1">1</a> <a href="/s/2">2</a> <a href="/s/3">3</a></body></html>`)
		default:
			writeText(w, "text/html", "<html><body><p>Storm over.</p></body></html>")
		}
	})
}
