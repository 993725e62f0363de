package crawler_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"arkisto/config"
	"arkisto/crawler"
)

// deadHostPaths are the URLs the front page of frontPage embeds from its
// dead host.
var deadHostPaths = []string{"/a.png", "/b.png", "/c.css", "/d.js"}

// frontPage is news.test's front page: it embeds deadHostPaths from dead
// (scheme, host and port) and links a second page that embeds one more, so
// the dead host has URLs queued when its verdict falls and may get more
// after it.
func frontPage(dead string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/robots.txt":
			writeText(w, "text/plain", "User-agent: *\nAllow: /\n")
		case "/":
			var b strings.Builder
			b.WriteString("<html><body><a href=\"/more\">more</a>\n")
			for _, p := range deadHostPaths {
				fmt.Fprintf(&b, "<img src=%q>\n", dead+p)
			}
			writeText(w, "text/html", b.String()+"</body></html>\n")
		case "/more":
			writeText(w, "text/html", fmt.Sprintf("<html><body><img src=%q></body></html>\n", dead+"/e.png"))
		default:
			http.NotFound(w, r)
		}
	})
}

// deadHostURLs are every URL of the dead host a crawl of frontPage meets.
func deadHostURLs(dead string) []string {
	out := []string{dead + "/robots.txt", dead + "/e.png"}
	for _, p := range deadHostPaths {
		out = append(out, dead+p)
	}
	return out
}

// patientConfig keeps the default back-off (30 s doubling, Retry-After up
// to 10 minutes), which would keep any crawl that retried a dead host with
// it past runBounded's minute.
func patientConfig(t *testing.T, c *smallCrawl) {
	t.Helper()
	def := config.Default()
	c.cfg.RetryDelay = def.RetryDelay
	c.cfg.MaxRetryAfter = def.MaxRetryAfter
	if err := c.cfg.Finish(); err != nil {
		t.Fatal(err)
	}
}

// TestNoSuchHostIsFinal: a host whose name does not exist (NXDOMAIN) is
// asked once; its URLs, queued or found later, are logged -1 no-such-host
// without a fetch, and the crawl ends with the live host's work.
func TestNoSuchHostIsFinal(t *testing.T) {
	t.Parallel()
	dead := "http://gone.test"
	c := serveHosts(t, map[string]http.Handler{"news.test": frontPage(dead)})
	patientConfig(t, c)
	lines := c.run(t)

	if got := countOf(c.net.lookedUp(), "gone.test"); got != 1 {
		t.Errorf("gone.test looked up %d times, want once: NXDOMAIN is final", got)
	}
	robots := linesOf(lines, dead+"/robots.txt")
	if len(robots) != 1 || robots[0].status != "-1" || !robots[0].has("no-such-host") || !robots[0].has("host-given-up") {
		t.Errorf("robots.txt of gone.test logged %v, want one line -1 no-such-host,host-given-up", robots)
	}
	for _, u := range deadHostURLs(dead)[1:] {
		ls := linesOf(lines, u)
		if len(ls) != 1 || ls[0].status != "-1" || !ls[0].has("no-such-host") {
			t.Errorf("%s logged %v, want one line -1 no-such-host", u, ls)
		}
	}
	if got := c.targets("news.test"); !slices.Equal(got, []string{"/robots.txt", "/", "/more"}) {
		t.Errorf("news.test served %v, want robots.txt, the front page and /more", got)
	}
}

// flakyResolver fails chosen lookups of news.test with a given error and
// leaves the others to the hostileNet.
type flakyResolver struct {
	*hostileNet
	err  error
	fail []int // which lookups of news.test fail, counted from 1

	mu      sync.Mutex
	lookups int
}

func (r *flakyResolver) LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error) {
	if host == "news.test" {
		r.mu.Lock()
		r.lookups++
		fail := slices.Contains(r.fail, r.lookups)
		r.mu.Unlock()
		if fail {
			return nil, r.err
		}
	}
	return r.hostileNet.LookupNetIP(ctx, network, host)
}

// TestTemporaryDNSFailureIsRetried: a lookup that times out or meets a
// server failure (SERVFAIL) says nothing about the name, so the fetch is
// retried, robots.txt or page, and the host crawled once its name resolves.
func TestTemporaryDNSFailureIsRetried(t *testing.T) {
	t.Parallel()
	timeout := &net.DNSError{Err: "i/o timeout", Name: "news.test", Server: "127.0.0.53:53", IsTimeout: true, IsTemporary: true}
	servfail := &net.DNSError{Err: "server misbehaving", Name: "news.test", Server: "127.0.0.53:53", IsTemporary: true}
	tests := []struct {
		name  string
		err   error
		fail  []int  // lookups that fail: robots.txt's tries come first, then the front page's
		path  string // the URL whose tries are checked
		notes [][]string
	}{
		{"robots.txt: timeout", timeout, []int{1, 2}, "/robots.txt", [][]string{{"dns", "retry:1"}, {"dns", "retry:2"}, {"-"}}},
		{"robots.txt: servfail", servfail, []int{1}, "/robots.txt", [][]string{{"dns", "retry:1"}, {"-"}}},
		{"page: timeout", timeout, []int{2}, "/", [][]string{{"dns", "retry:1"}, {"-"}}},
		{"page: servfail", servfail, []int{2, 3}, "/", [][]string{{"dns", "retry:1"}, {"dns", "retry:2"}, {"-"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := serveHosts(t, map[string]http.Handler{"news.test": healthySite(2, 0)})
			// One connection per fetch, so that every fetch looks the name
			// up and the nth lookup is the nth fetch of the one host.
			c.cfg.KeepAlive = false
			res := &flakyResolver{hostileNet: c.net, err: tt.err, fail: tt.fail}
			ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
			defer cancel()
			if err := runCrawl(t, ctx, c.cfg, crawler.Options{Resolver: res, DialContext: c.net.DialContext}); err != nil {
				t.Fatalf("crawl did not finish cleanly: %v", err)
			}
			tries := linesOf(readCrawlLog(t, c.cfg), c.base["news.test"]+tt.path)
			var notes, statuses []string
			for _, l := range tries {
				notes = append(notes, strings.Join(l.notes, ","))
				statuses = append(statuses, l.status)
			}
			var want, wantStatuses []string
			for i, n := range tt.notes {
				want = append(want, strings.Join(n, ","))
				status := "-1"
				if i == len(tt.notes)-1 {
					status = "200"
				}
				wantStatuses = append(wantStatuses, status)
			}
			if !slices.Equal(notes, want) || !slices.Equal(statuses, wantStatuses) {
				t.Errorf("%s logged statuses %v notes %v, want %v %v", tt.path, statuses, notes, wantStatuses, want)
			}
			if got := c.targets("news.test"); !slices.Equal(got, []string{"/robots.txt", "/", "/p/0", "/p/1"}) {
				t.Errorf("news.test served %v, want the whole site once its name resolved", got)
			}
		})
	}
}

// TestRefusingHostGivenUpWithinSeconds: a host that refuses every
// connection gets robots.txt tried 1+retries times, seconds apart rather
// than --retry-delay's 30 s doubling, and is then given up with its URLs
// logged; nothing of it is dialed after that.
func TestRefusingHostGivenUpWithinSeconds(t *testing.T) {
	t.Parallel()
	port := closedPort(t)
	dead := "http://down.test:" + port
	c := serveHosts(t, map[string]http.Handler{"news.test": frontPage(dead)})
	c.net.add("down.test", "127.0.0.1")
	c.cfg.Seeds = append(c.cfg.Seeds, dead+"/") // a seed's host may be on loopback
	patientConfig(t, c)
	var mu sync.Mutex
	var tries []time.Time // dials of down.test
	dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
		if addr == "127.0.0.1:"+port {
			mu.Lock()
			tries = append(tries, time.Now())
			mu.Unlock()
		}
		return c.net.DialContext(ctx, network, addr)
	}
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	if err := runCrawl(t, ctx, c.cfg, crawler.Options{Resolver: c.net, DialContext: dial}); err != nil {
		t.Fatalf("crawl did not finish cleanly: %v", err)
	}
	lines := readCrawlLog(t, c.cfg)

	robots := linesOf(lines, dead+"/robots.txt")
	var notes [][]string
	for _, l := range robots {
		if l.status != "-2" {
			t.Errorf("robots.txt of down.test logged %q, want status -2 (connect)", l.raw)
		}
		notes = append(notes, l.notes)
	}
	want := [][]string{{"connect", "retry:1"}, {"connect", "retry:2"}, {"connect", "host-given-up"}}
	if !slices.EqualFunc(notes, want, slices.Equal) {
		t.Errorf("robots.txt of down.test logged %v, want %d tries, then host-given-up", notes, 1+c.cfg.Retries)
	}
	for _, u := range append(deadHostURLs(dead)[1:], dead+"/") {
		ls := linesOf(lines, u)
		if len(ls) != 1 || ls[0].status != "-8" || !ls[0].has("host-given-up") {
			t.Errorf("%s logged %v, want one line -8 host-given-up", u, ls)
		}
	}
	if len(tries) != 1+c.cfg.Retries {
		t.Errorf("down.test dialed %d times, want %d: one per robots.txt try and none after the verdict", len(tries), 1+c.cfg.Retries)
	}
	// The tries are spaced by the short back-off for refused connections
	// (1 s, then 2 s): at least that, and far less than --retry-delay, or
	// the crawl would not have ended within the minute it was given.
	for i := 1; i < len(tries); i++ {
		if gap, least := tries[i].Sub(tries[i-1]), time.Second<<(i-1); gap < least {
			t.Errorf("try %d of down.test's robots.txt came %v after the one before, want at least %v", i+1, gap, least)
		}
	}
}

// countOf counts the elements of list equal to v.
func countOf(list []string, v string) int {
	n := 0
	for _, s := range list {
		if s == v {
			n++
		}
	}
	return n
}
