//go:build linux

package main

import (
	"io"
	"net"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"arkisto/crawler/cli"
	"arkisto/crawler/frontier/redistest"
)

// outage is how long the outage test keeps Redis stopped.
const outage = 10 * time.Second

var metricsURL = regexp.MustCompile(`serving metrics" url=(\S+)`)

// Two processes crawl on; Redis is restarted under them, then stopped for
// ten seconds: they pause, saying so in their log and their metrics, and
// go on once it is back, from the append-only file. Nothing is lost and
// nothing fetched twice, politeness holds, every WARC file validates.
func TestSharedCrawlRedisOutages(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	sites := newSharedSites(t)
	dirs := []string{t.TempDir(), t.TempDir()}
	// Leases outlive the outage, so nothing goes back to its queue: a URL
	// fetched twice would be a URL lost track of.
	extra := func() []string { return []string{"--lease-ttl", "45s", "--metrics-addr", freeAddr(t)} }
	first, releaseFirst := sites.Hold(40)
	one := start(t, "", append(append(sharedArgs(dirs[0], srv.URL(0), "outage"), extra()...), sites.bases...)...)
	waitHeld(t, first, one, "request 40")
	two := start(t, "", append(sharedArgs(dirs[1], srv.URL(0), "outage"), extra()...)...)
	joined(t, two)
	procs := []*proc{one, two}

	srv.Restart(t)
	second, releaseSecond := sites.Hold(80)
	releaseFirst()
	waitHeld(t, second, one, "80 requests after the restart")

	stopped := time.Now()
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	for _, p := range procs {
		p.waitFor(t, "the outage in the log", func(s string) bool { return strings.Contains(s, "does not answer") }, hangGuard)
	}
	releaseSecond() // its fetch ends during the outage; its Done waits
	time.Sleep(outage - time.Since(stopped))
	for _, p := range procs {
		m := metricsURL.FindStringSubmatch(p.errText())
		if m == nil {
			t.Fatalf("no metrics address in the log:\n%s", p.errText())
		}
		body := scrapeMetrics(t, m[1])
		if !strings.Contains(body, "\narkisto_frontier_unavailable 1\n") || !regexp.MustCompile(`\narkisto_frontier_pauses_total [1-9]`).MatchString(body) {
			t.Errorf("metrics during the outage do not show it:\n%s", grepLines(body, "arkisto_frontier_"))
		}
	}
	srv.Restart(t)
	for i, p := range procs {
		if code := p.wait(t, hangGuard); code != cli.ExitOK {
			t.Fatalf("process %d: exit %d; stderr:\n%s", i+1, code, p.errText())
		}
		if !strings.Contains(p.errText(), "answers again") {
			t.Errorf("process %d does not say Redis came back; stderr:\n%s", i+1, p.errText())
		}
	}
	hits := sites.hitsByHost(t)

	all := map[string]int{}
	for _, caps := range capturesByProcess(t, dirs...) {
		for u, n := range caps {
			all[u] += n
		}
	}
	sameURLs(t, all, sites.want())
	for u, n := range all {
		if n != 1 {
			t.Errorf("%s captured %d times", u, n)
		}
	}
	for base, hs := range hits {
		seen := map[string]bool{}
		for _, h := range hs {
			if seen[h.Target] {
				t.Errorf("%s%s requested twice", base, h.Target)
			}
			seen[h.Target] = true
		}
	}
	checkPoliteness(t, hits)
	checkMergedIndex(t, dirs...)
}

func scrapeMetrics(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(body)
}

// grepLines is the lines of text that start with prefix.
func grepLines(text, prefix string) string {
	var out []string
	for l := range strings.Lines(text) {
		if strings.HasPrefix(l, prefix) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "")
}

// freeAddr is a loopback address with a port free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}
