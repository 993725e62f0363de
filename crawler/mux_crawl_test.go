package crawler_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"arkisto/config"
	"arkisto/crawler"
)

// muxCrawl is one finished crawl of a test server built on a ServeMux.
type muxCrawl struct {
	base      string
	cfg       config.Config
	log       []logLine
	responses map[string]record // response records by target URI
}

// crawlMux serves mux, crawls it from its front page to the end and
// reads back what the crawl left: crawl.log and the response records.
// configure, if set, changes the crawl's settings first.
func crawlMux(t *testing.T, mux *http.ServeMux, configure func(*config.Config)) muxCrawl {
	t.Helper()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	cfg := testConfig(t, srv.URL+"/")
	if configure != nil {
		configure(&cfg)
	}
	if err := runCrawl(t, t.Context(), cfg, crawler.Options{}); err != nil {
		t.Fatalf("crawl: %v", err)
	}
	return muxCrawl{
		base:      srv.URL,
		cfg:       cfg,
		log:       readCrawlLog(t, cfg),
		responses: responsesByURL(readWARCs(t, filepath.Join(cfg.Output, "archive"))),
	}
}

// linkingTo is a front page of links to paths.
func linkingTo(paths ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, "<html><body>")
		for _, p := range paths {
			fmt.Fprintf(w, `<a href="%s">%s</a> `, p, p)
		}
		fmt.Fprint(w, "</body></html>")
	}
}
