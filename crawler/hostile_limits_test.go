package crawler_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

// slowSite answers /slow after a pause; its front page links /slow, then
// /next.
func slowSite(pause time.Duration) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /robots.txt", http.NotFound)
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) {
		writeText(w, "text/html", `<html><body><a href="/slow">slow</a> <a href="/next">next</a></body></html>`)
	})
	mux.HandleFunc("GET /slow", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(pause):
		case <-r.Context().Done():
		}
		writeText(w, "text/html", "<html><body>slow</body></html>")
	})
	mux.HandleFunc("GET /next", func(w http.ResponseWriter, _ *http.Request) {
		writeText(w, "text/html", "<html><body>next</body></html>")
	})
	return mux
}

// --delay-factor F: after a response that took d, the host rests F*d,
// capped by --max-delay.
func TestHostileDelayFactor(t *testing.T) {
	t.Parallel()
	const pause = 200 * time.Millisecond
	tests := []struct {
		name     string
		factor   float64
		maxDelay time.Duration
		least    time.Duration // the gap after /slow must be at least this
		below    time.Duration // and, when the cap applies, less than this (0: no bound)
	}{
		{"factor 2", 2, 10 * time.Second, 2 * pause, 0},
		{"factor 50 capped at 300ms", 50, 300 * time.Millisecond, 300 * time.Millisecond, 25 * pause},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := serveHosts(t, map[string]http.Handler{"news.test": slowSite(pause)})
			c.cfg.Delay = 10 * time.Millisecond
			c.cfg.DelayFactor = tt.factor
			c.cfg.MaxDelay = tt.maxDelay
			c.run(t)
			hits := c.hits["news.test"]
			slow := hits.to("/slow")
			if len(slow) != 1 {
				t.Fatalf("/slow requested %d times", len(slow))
			}
			next, ok := hits.next(slow[0])
			if !ok {
				t.Fatal("nothing requested after /slow")
			}
			gap := next.start.Sub(slow[0].end)
			if gap < tt.least {
				t.Errorf("%s came %v after the slow response, want at least %v", next.target, gap, tt.least)
			}
			if tt.below > 0 && gap >= tt.below {
				t.Errorf("%s came %v after the slow response: max-delay did not cap the %v", next.target, gap, tt.below)
			}
		})
	}
}

// linkingSite's front page links pages stories.
func linkingSite(stories int) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/robots.txt":
			http.NotFound(w, r)
		case "/":
			var b strings.Builder
			for i := 1; i <= stories; i++ {
				fmt.Fprintf(&b, "<a href=\"/story/%d\">story</a>\n", i)
			}
			writeText(w, "text/html", "<html><body>"+b.String()+"</body></html>")
		default:
			writeText(w, "text/html", "<html><body>story</body></html>")
		}
	})
}

// --max-pages-per-host stops the host that spent its budget, and only it.
func TestHostileMaxPagesPerHost(t *testing.T) {
	t.Parallel()
	c := serveHosts(t, map[string]http.Handler{"big.test": linkingSite(10), "small.test": linkingSite(2)})
	c.cfg.Delay = 10 * time.Millisecond
	c.cfg.MaxPagesPerHost = 3
	lines := c.run(t)
	pages := func(host string) int {
		n := 0
		for _, p := range c.targets(host) {
			if p != "/robots.txt" {
				n++
			}
		}
		return n
	}
	if n := pages("big.test"); n != 3 {
		t.Errorf("big.test served %d pages, want the budget of 3", n)
	}
	if n := pages("small.test"); n != 3 {
		t.Errorf("small.test served %d pages, want all 3", n)
	}
	refused := 0
	for _, l := range lines {
		if !l.has("max-pages-per-host") {
			continue
		}
		refused++
		if !strings.HasPrefix(l.url, c.base["big.test"]) {
			t.Errorf("%s refused for the page budget of another host", l.url)
		}
	}
	if refused != 8 {
		t.Errorf("%d URLs logged max-pages-per-host, want big.test's 8 over budget", refused)
	}
}

// A host that stays dead is given up after failing again and again, and
// every URL still queued for it is logged, none dropped silently. Under
// --robots ignore the pages themselves are tried, so this is the page
// path of giving up; the main hostile test covers the default, obey.
func TestHostileDeadHostGivenUp(t *testing.T) {
	t.Parallel()
	c := serveHosts(t, map[string]http.Handler{"news.test": http.NotFoundHandler()})
	dead := "http://dead.test:" + closedPort(t)
	c.net.add("dead.test", "127.0.0.1")
	seeds := slices.Clone(c.cfg.Seeds)
	for i := range 12 {
		seeds = append(seeds, fmt.Sprintf("%s/story/%d", dead, i))
	}
	c.cfg.Seeds = seeds
	c.cfg.Robots = "ignore"
	c.cfg.RetryDelay = 10 * time.Millisecond
	lines := c.run(t)
	givenUp := 0
	for _, s := range seeds[1:] {
		ls := linesOf(lines, s)
		if len(ls) == 0 {
			t.Errorf("%s has no crawl.log line: dropped silently", s)
		}
		for _, l := range ls {
			if l.has("host-given-up") {
				givenUp++
			}
		}
	}
	if givenUp == 0 {
		t.Error("no URL of the dead host logged host-given-up")
	}
	// Every attempt before giving up is one dial; a host given up is not
	// tried for each of its URLs three times over.
	deadDials := 0
	for _, d := range c.net.dialed() {
		if strings.HasSuffix(dead, strings.TrimPrefix(d, "127.0.0.1")) {
			deadDials++
		}
	}
	if deadDials >= 12*(1+c.cfg.Retries) {
		t.Errorf("%d dial attempts to the dead host: not given up", deadDials)
	}
}
