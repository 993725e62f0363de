package crawler_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"arkisto/crawler"
)

// --max-pages limits the crawl, not each run of it: a crawl interrupted
// and resumed fetches no more than the limit in all.
func TestMaxPagesCountsAcrossAResume(t *testing.T) {
	const limit, interruptAt = 6, 3
	interrupted, interrupt := context.WithCancel(t.Context())
	defer interrupt()
	var requests atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if requests.Add(1) == interruptAt {
			interrupt() // as a SIGINT would, while this fetch is in flight
		}
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		n, _ := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/p/"))
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprintf(w, `<html><a href="/p/%d">next</a></html>`, n+1)
	}))
	defer srv.Close()
	cfg := testConfig(t, srv.URL+"/p/0")
	cfg.Workers, cfg.MaxPages = 1, limit

	if err := runCrawl(t, interrupted, cfg, crawler.Options{}); !errors.Is(err, crawler.ErrInterrupted) {
		t.Fatalf("first run: %v, want interrupted", err)
	}
	first := requests.Load()
	plan, err := crawler.Prepare(crawler.Start{Given: cfg, Stated: true})
	if err != nil || !plan.Resumes() {
		t.Fatalf("Prepare: %+v, %v; want the crawl resumed", plan, err)
	}
	if err := runCrawl(t, t.Context(), plan.Config, crawler.Options{}); err != nil {
		t.Fatalf("resumed run: %v", err)
	}
	total := requests.Load()
	if total > limit || total <= first {
		t.Errorf("the server saw %d requests, %d of them before the interrupt; want more after it, and at most %d in all", total, first, limit)
	}
	fetches := 0
	for _, l := range readCrawlLog(t, cfg) {
		if !strings.HasPrefix(l.status, "-") {
			fetches++
		}
	}
	if int64(fetches) != total {
		t.Errorf("crawl.log has %d fetches, the server saw %d requests", fetches, total)
	}
}
