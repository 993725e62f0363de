package crawler_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"arkisto/crawler"
)

// malformedLocations are redirect targets no URL parser accepts.
var malformedLocations = map[string]string{
	"/unclosed-ipv6": "http://[::1",
	"/space-in-host": "http://exa mple.com/",
	"/bad-scheme":    "ht!tp://x/",
}

// A redirect whose Location cannot be parsed is archived like any other
// response, and its Location is logged -7 malformed-url, as a malformed
// link is: the raw value in the URL column (spaces as '+'), found by an R
// hop via the redirect.
func TestMalformedRedirectIsLogged(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, `<html><body><a href="/good">good</a>`)
		for path := range malformedLocations {
			fmt.Fprintf(w, ` <a href="%s">x</a>`, path)
		}
		fmt.Fprint(w, `</body></html>`)
	})
	for path, loc := range malformedLocations {
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			w.Header()["Location"] = []string{loc} // raw, as a broken server sends it
			w.WriteHeader(http.StatusFound)
		})
	}
	mux.HandleFunc("/good", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/target", http.StatusMovedPermanently)
	})
	mux.HandleFunc("/target", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "arrived")
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	cfg := testConfig(t, srv.URL+"/")
	if err := runCrawl(t, t.Context(), cfg, crawler.Options{}); err != nil {
		t.Fatalf("crawl: %v", err)
	}
	log := readCrawlLog(t, cfg)
	responses := responsesByURL(readWARCs(t, cfg.Output+"/archive"))
	for path, loc := range malformedLocations {
		t.Run(path, func(t *testing.T) {
			from := srv.URL + path
			if lines := linesOf(log, from); len(lines) != 1 || lines[0].status != "302" {
				t.Errorf("crawl.log lines of %s: %v, want one 302", from, lines)
			}
			if _, ok := responses[from]; !ok {
				t.Errorf("the redirect %s was not archived", from)
			}
			logged := strings.ReplaceAll(loc, " ", "+")
			lines := linesOf(log, logged)
			if len(lines) != 1 {
				t.Fatalf("crawl.log lines of the Location %q: %v, want one", logged, lines)
			}
			if l := lines[0]; l.status != "-7" || !l.has("malformed-url") || l.hops != "LR" || !strings.Contains(l.raw, " "+from+" ") {
				t.Errorf("crawl.log line %q, want -7 malformed-url, hops LR, via %s", l.raw, from)
			}
		})
	}
	t.Run("a good redirect is followed", func(t *testing.T) {
		if lines := linesOf(log, srv.URL+"/target"); len(lines) != 1 || lines[0].status != "200" || lines[0].hops != "LR" {
			t.Errorf("crawl.log lines of /target: %v, want one 200 with hops LR", lines)
		}
	})
}

// A robots.txt that redirects to a malformed Location is unavailable, which
// allows all (RFC 9309): the host is crawled, not given up, and the
// Location is logged -7 after the P hop.
func TestMalformedRobotsRedirect(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
		w.Header()["Location"] = []string{"http://[::1"}
		w.WriteHeader(http.StatusMovedPermanently)
	})
	mux.HandleFunc("/{$}", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "front page")
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	cfg := testConfig(t, srv.URL+"/")
	if err := runCrawl(t, t.Context(), cfg, crawler.Options{}); err != nil {
		t.Fatalf("crawl: %v", err)
	}
	log := readCrawlLog(t, cfg)
	if lines := linesOf(log, srv.URL+"/robots.txt"); len(lines) != 1 || lines[0].status != "301" {
		t.Errorf("robots.txt lines %v, want one 301", lines)
	}
	if lines := linesOf(log, "http://[::1"); len(lines) != 1 || lines[0].status != "-7" || lines[0].hops != "PR" || !lines[0].has("malformed-url") {
		t.Errorf("Location lines %v, want one -7 malformed-url with hops PR", lines)
	}
	if lines := linesOf(log, srv.URL+"/"); len(lines) != 1 || lines[0].status != "200" {
		t.Errorf("front page lines %v, want one 200: robots.txt unavailable allows all", lines)
	}
}
