package crawler_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"arkisto/crawler/metrics"
)

// TestRobotsOutcomeBlockedIsCounted: a host whose robots.txt the dial
// guard refuses is counted under outcome "blocked" in the registry a crawl
// exports. It used to be missing from the label set and counted as other.
func TestRobotsOutcomeBlockedIsCounted(t *testing.T) {
	t.Parallel()
	c := serveHosts(t, map[string]http.Handler{"news.test": http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/robots.txt":
			writeText(w, "text/plain", "User-agent: *\nAllow: /\n")
		case "/":
			writeText(w, "text/html", `<html><body><img src="http://ten.news.test/lan.png"></body></html>`)
		default:
			http.NotFound(w, r)
		}
	})})
	c.net.add("ten.news.test", privateTargets["ten.news.test"])
	reg := prometheus.NewPedanticRegistry()
	m, err := metrics.New(reg, "news", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	opts := c.net.options()
	opts.Metrics = m
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	if err := runCrawl(t, ctx, c.cfg, opts); err != nil {
		t.Fatalf("crawl: %v", err)
	}

	want := `
# HELP arkisto_robots_fetches_total robots.txt fetches by what they meant for the host.
# TYPE arkisto_robots_fetches_total counter
arkisto_robots_fetches_total{outcome="4xx-allow-all"} 0
arkisto_robots_fetches_total{outcome="5xx-disallow"} 0
arkisto_robots_fetches_total{outcome="blocked"} 1
arkisto_robots_fetches_total{outcome="fetched-2xx"} 1
arkisto_robots_fetches_total{outcome="other"} 0
arkisto_robots_fetches_total{outcome="unreachable"} 0
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "arkisto_robots_fetches_total"); err != nil {
		t.Error(err)
	}
	if dials := c.net.dialed(); strings.Contains(strings.Join(dials, " "), "10.0.0.1") {
		t.Errorf("the blocked host was dialed: %v", dials)
	}
}
