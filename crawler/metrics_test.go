package crawler_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"arkisto/crawler"
	"arkisto/crawler/metrics"
	"arkisto/crawler/testsite"
)

// TestMetricsFollowTheCrawl crawls the test site with metrics on, scrapes
// the endpoint while the crawl runs, and checks every metric against what
// the WARC files and the site say happened.
func TestMetricsFollowTheCrawl(t *testing.T) {
	t.Parallel()
	site := testsite.New(testsite.Options{KeepRaw: false})
	reg := prometheus.NewRegistry()
	m, err := metrics.New(reg, "metrics-test", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	endpoint := httptest.NewServer(metrics.Handler(reg))
	defer endpoint.Close()

	// Scrape /metrics from inside the site's handler at the 20th request,
	// so the scrape happens while the crawl is surely running.
	var requests atomic.Int64
	midCrawl := make(chan string, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if requests.Add(1) == 20 {
			midCrawl <- scrape(t, endpoint.URL+"/metrics")
		}
		site.ServeHTTP(w, r)
	}))
	defer srv.Close()
	base := srv.URL

	cfg := testConfig(t, base+"/")
	cfg.Delay = time.Millisecond
	cfg.Job = "metrics-test"
	cfg.WARCMaxSize = 256 << 10
	c, err := crawler.New(cfg, crawler.Options{Metrics: m})
	if err != nil {
		t.Fatal(err)
	}
	reg.MustRegister(metrics.FrontierCollector(c.FrontierStats))
	if err := c.Run(t.Context()); err != nil {
		t.Fatal(err)
	}

	select {
	case body := <-midCrawl:
		if !strings.Contains(body, "arkisto_fetches_total") || !strings.Contains(body, "arkisto_frontier_queued_urls") {
			t.Errorf("mid-crawl scrape lacks the crawl's metrics:\n%s", body)
		}
	default:
		t.Fatal("the crawl never reached its 20th request")
	}
	if body := scrape(t, endpoint.URL+"/healthz"); body == "" {
		t.Error("/healthz answered nothing")
	}

	recs := readWARCs(t, filepath.Join(cfg.Output, "archive"))
	count := map[string]float64{}
	for _, r := range recs {
		count[r.typ()]++
	}
	responses := responsesByURL(recs)
	status := map[int]float64{}
	for _, r := range responses {
		status[httpStatus(r.block)]++
	}
	files, _ := filepath.Glob(filepath.Join(cfg.Output, "archive", "*.warc.gz"))

	got := gatherValues(t, reg)
	wantEqual := map[string]float64{
		`arkisto_warc_records_total{type="response"}`:                count["response"],
		`arkisto_warc_records_total{type="request"}`:                 count["request"],
		`arkisto_warc_records_total{type="warcinfo"}`:                0, // written by the writer itself, not per fetch
		`arkisto_warc_files_closed_total`:                            float64(len(files)),
		`arkisto_fetches_total{source="seed"}`:                       1,
		`arkisto_fetches_total{source="robots"}`:                     1,
		`arkisto_fetches_total{source="redirect"}`:                   3, // 301, 302 and a meta refresh
		`arkisto_fetch_responses_total{class="3xx",code="301"}`:      status[301],
		`arkisto_fetch_responses_total{class="3xx",code="302"}`:      status[302],
		`arkisto_fetch_responses_total{class="4xx",code="404"}`:      status[404],
		`arkisto_fetch_responses_total{class="5xx",code="500"}`:      status[500],
		`arkisto_fetch_responses_total{class="2xx",code="200"}`:      status[200],
		`arkisto_robots_fetches_total{outcome="fetched-2xx"}`:        1,
		`arkisto_urls_refused_total{reason="robots-denied"}`:         1,
		`arkisto_frontier_queued_urls`:                               0,
		`arkisto_frontier_fetches_in_flight`:                         0,
		`arkisto_frontier_hosts`:                                     1,
		`arkisto_fetch_duration_seconds_count`:                       float64(len(responses)),
		`arkisto_crawl_start_time_seconds{crawl_job="metrics-test"}`: got[`arkisto_crawl_start_time_seconds{crawl_job="metrics-test"}`],
	}
	for name, want := range wantEqual {
		if v, ok := got[name]; !ok || v != want {
			t.Errorf("%s = %v (present %v), want %v", name, v, ok, want)
		}
	}
	wantPositive := []string{
		`arkisto_fetches_total{source="link"}`, `arkisto_fetches_total{source="embed"}`,
		`arkisto_fetches_total{source="sitemap"}`, `arkisto_fetches_total{source="feed"}`,
		`arkisto_urls_refused_total{reason="out-of-scope"}`, `arkisto_urls_refused_total{reason="unsupported-scheme"}`,
		`arkisto_fetch_downloaded_bytes_total`, `arkisto_warc_written_bytes_total`, `arkisto_warc_files_closed_bytes_total`,
		`arkisto_frontier_seen_urls_total`, `arkisto_politeness_wait_seconds_count`, `arkisto_crawl_start_time_seconds{crawl_job="metrics-test"}`,
		`arkisto_fetch_response_size_bytes_count`,
	}
	for _, name := range wantPositive {
		if got[name] <= 0 {
			t.Errorf("%s = %v, want > 0", name, got[name])
		}
	}
	if problems, err := testutil.GatherAndLint(reg); err != nil || len(problems) > 0 {
		t.Errorf("lint: %v %v", err, problems)
	}
}

func scrape(t *testing.T, url string) string {
	client := http.Client{Timeout: 10 * time.Second}
	resp, err := client.Get(url)
	if err != nil {
		t.Errorf("scrape %s: %v", url, err)
		return ""
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Errorf("scrape %s: status %d", url, resp.StatusCode)
	}
	return string(body)
}

// gatherValues flattens a registry into "name{label="value",...}" -> value,
// labels sorted by name as Prometheus prints them.
func gatherValues(t *testing.T, g prometheus.Gatherer) map[string]float64 {
	t.Helper()
	families, err := g.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, f := range families {
		for _, m := range f.GetMetric() {
			var labels []string
			for _, l := range m.GetLabel() {
				labels = append(labels, l.GetName()+`="`+l.GetValue()+`"`)
			}
			name := f.GetName()
			if len(labels) > 0 {
				name += "{" + strings.Join(labels, ",") + "}"
			}
			switch {
			case m.Counter != nil:
				out[name] = m.GetCounter().GetValue()
			case m.Gauge != nil:
				out[name] = m.GetGauge().GetValue()
			case m.Histogram != nil:
				out[f.GetName()+"_count"] += float64(m.GetHistogram().GetSampleCount())
				out[f.GetName()+"_sum"] += m.GetHistogram().GetSampleSum()
			}
		}
	}
	return out
}
