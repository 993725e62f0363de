package crawler_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"arkisto/crawler"
)

// In a long crawl robots.txt is fetched again once its cache time is over,
// and the new rules apply from then on.
func TestRobotsTxtIsRefetchedWhenStale(t *testing.T) {
	var robotsFetches atomic.Int64
	var privateHits atomic.Int64
	mux := http.NewServeMux()
	mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
		if robotsFetches.Add(1) > 1 {
			fmt.Fprint(w, "User-agent: *\nDisallow: /later/\n")
		}
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		var n int
		fmt.Sscanf(r.URL.Path, "/page/%d", &n)
		w.Header().Set("Content-Type", "text/html")
		if n < 12 {
			fmt.Fprintf(w, `<a href="/page/%d">next</a>`, n+1)
		} else {
			fmt.Fprint(w, `<a href="/later/secret">later</a>`)
		}
	})
	mux.HandleFunc("/later/", func(w http.ResponseWriter, r *http.Request) { privateHits.Add(1) })
	srv := httptest.NewServer(mux)
	defer srv.Close()

	cfg := testConfig(t, srv.URL+"/page/0")
	cfg.Delay = 20 * time.Millisecond
	if err := runCrawl(t, t.Context(), cfg, crawler.Options{RobotsTTL: 100 * time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	if n := robotsFetches.Load(); n < 2 {
		t.Errorf("robots.txt fetched %d times in a crawl longer than its cache time, want a refetch", n)
	}
	if privateHits.Load() != 0 {
		t.Error("a path disallowed by the refetched robots.txt was requested")
	}
}
