package crawler_test

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"
)

// malformedLocations are redirect targets no URL parser accepts.
var malformedLocations = map[string]string{
	"/unclosed-ipv6": "http://[::1",
	"/space-in-host": "http://exa mple.com/",
	"/bad-scheme":    "ht!tp://x/",
}

// redirectTo answers with status and the Location header as given, raw,
// as a broken server sends it.
func redirectTo(status int, loc string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header()["Location"] = []string{loc}
		w.WriteHeader(status)
	}
}

// A redirect whose Location cannot be parsed is archived like any other
// response, and its Location is logged -7 malformed-url, as a malformed
// link is: the raw value in the URL column (spaces as '+'), found by an R
// hop via the redirect.
func TestMalformedRedirectIsLogged(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/{$}", linkingTo(append(slices.Sorted(maps.Keys(malformedLocations)), "/good")...))
	for path, loc := range malformedLocations {
		mux.HandleFunc(path, redirectTo(http.StatusFound, loc))
	}
	mux.HandleFunc("/good", redirectTo(http.StatusMovedPermanently, "/target"))
	mux.HandleFunc("/target", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, "arrived") })
	c := crawlMux(t, mux, nil)

	for path, loc := range malformedLocations {
		t.Run(path, func(t *testing.T) {
			from := c.base + path
			if lines := linesOf(c.log, from); len(lines) != 1 || lines[0].status != "302" {
				t.Errorf("crawl.log lines of %s: %v, want one 302", from, lines)
			}
			if _, ok := c.responses[from]; !ok {
				t.Errorf("the redirect %s was not archived", from)
			}
			logged := strings.ReplaceAll(loc, " ", "+")
			lines := linesOf(c.log, logged)
			if len(lines) != 1 {
				t.Fatalf("crawl.log lines of the Location %q: %v, want one", logged, lines)
			}
			if l := lines[0]; l.status != "-7" || !l.has("malformed-url") || l.hops != "LR" || !strings.Contains(l.raw, " "+from+" ") {
				t.Errorf("crawl.log line %q, want -7 malformed-url, hops LR, via %s", l.raw, from)
			}
		})
	}
	t.Run("a good redirect is followed", func(t *testing.T) {
		if lines := linesOf(c.log, c.base+"/target"); len(lines) != 1 || lines[0].status != "200" || lines[0].hops != "LR" {
			t.Errorf("crawl.log lines of /target: %v, want one 200 with hops LR", lines)
		}
	})
}

// A robots.txt that redirects to a malformed Location is unavailable, which
// allows all (RFC 9309): the host is crawled, not given up, and the
// Location is logged -7 after the P hop.
func TestMalformedRobotsRedirect(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/robots.txt", redirectTo(http.StatusMovedPermanently, "http://[::1"))
	mux.HandleFunc("/{$}", linkingTo())
	c := crawlMux(t, mux, nil)
	if lines := linesOf(c.log, c.base+"/robots.txt"); len(lines) != 1 || lines[0].status != "301" {
		t.Errorf("robots.txt lines %v, want one 301", lines)
	}
	if lines := linesOf(c.log, "http://[::1"); len(lines) != 1 || lines[0].status != "-7" || lines[0].hops != "PR" || !lines[0].has("malformed-url") {
		t.Errorf("Location lines %v, want one -7 malformed-url with hops PR", lines)
	}
	if lines := linesOf(c.log, c.base+"/"); len(lines) != 1 || lines[0].status != "200" {
		t.Errorf("front page lines %v, want one 200: robots.txt unavailable allows all", lines)
	}
}
