package crawler_test

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"arkisto/crawler"
	"arkisto/crawler/testsite"
)

var sources = []string{testsite.SourceSitemap, testsite.SourceSitemapGz, testsite.SourceNews, testsite.SourceRSS, testsite.SourceAtom}

func TestSinceKeepsOnlyNewerSitemapAndFeedEntries(t *testing.T) {
	site := testsite.New(testsite.Options{})
	base := site.Start(t)
	cfg := testConfig(t, base+"/")
	cfg.Delay = 0
	cfg.Since = testsite.DateCut
	if err := runCrawl(t, t.Context(), cfg, crawler.Options{}); err != nil {
		t.Fatal(err)
	}
	responses := responsesByURL(readWARCs(t, filepath.Join(cfg.Output, "archive")))
	cut, _ := time.Parse(time.DateOnly, testsite.DateCut)
	for _, src := range sources {
		entries := site.OnlyVia(src)
		var before, after int
		for _, e := range entries {
			_, captured := responses[base+e.Path]
			newer := !e.Published.Before(cut)
			if newer {
				after++
			} else {
				before++
			}
			if captured != newer {
				t.Errorf("%s entry %s published %s: captured %v with --since %s", src, e.Path, e.Published.Format(time.DateOnly), captured, testsite.DateCut)
			}
		}
		if before == 0 || after == 0 {
			t.Errorf("%s: test site has %d entries before and %d after the cut; want some of each", src, before, after)
		}
	}
	for _, doc := range []string{testsite.PathSitemapIndex, testsite.PathSitemapPlain, testsite.PathSitemapGz, testsite.PathNewsSitemap, testsite.PathRSS, testsite.PathAtom} {
		if _, ok := responses[base+doc]; !ok {
			t.Errorf("%s is not archived", doc)
		}
	}
	log, err := os.ReadFile(filepath.Join(cfg.Output, "logs", "crawl.log"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range site.OnlyVia(testsite.SourceRSS) {
		if !e.Published.Before(cut) && !strings.Contains(string(log), base+e.Path+" LF ") {
			t.Errorf("crawl.log does not show %s as found through a feed (hop F)", e.Path)
		}
	}
}

// A site whose robots.txt lists sitemaps that are broken in every way a
// crawler meets: the crawl logs each and goes on to the good one.
func TestBrokenSitemapsAreLoggedAndSkipped(t *testing.T) {
	t.Parallel()
	var bomb bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&bomb, gzip.BestCompression)
	zeros := make([]byte, 1<<20)
	for range 256 { // 256 MiB of zeros in about 250 KB
		zw.Write(zeros)
	}
	zw.Close()

	mux := http.NewServeMux()
	var srvURL string
	mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
		for _, p := range []string{"/malformed.xml", "/html.xml", "/loop.xml", "/bomb.xml.gz", "/good.xml"} {
			fmt.Fprintf(w, "Sitemap: %s%s\n", srvURL, p)
		}
	})
	mux.HandleFunc("/malformed.xml", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/xml")
		fmt.Fprintf(w, `<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>%s/from-malformed.html</loc></url><url><loc>`, srvURL)
	})
	mux.HandleFunc("/html.xml", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, `<!doctype html><html><body><a href="/from-html.html">not a sitemap</a></body></html>`)
	})
	// An index naming the next level forever: /loop.xml?n=1, ?n=2, ...
	mux.HandleFunc("/loop.xml", func(w http.ResponseWriter, r *http.Request) {
		var n int
		fmt.Sscan(r.URL.Query().Get("n"), &n)
		w.Header().Set("Content-Type", "application/xml")
		fmt.Fprintf(w, `<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>%s/loop.xml?n=%d</loc></sitemap><sitemap><loc>%s/loop.xml</loc></sitemap></sitemapindex>`, srvURL, n+1, srvURL)
	})
	mux.HandleFunc("/bomb.xml.gz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/gzip")
		w.Write(bomb.Bytes())
	})
	mux.HandleFunc("/good.xml", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/xml")
		fmt.Fprintf(w, `<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>%s/article.html</loc></url></urlset>`, srvURL)
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, `<!doctype html><title>x</title>`)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	srvURL = srv.URL

	cfg := testConfig(t, srv.URL+"/")
	cfg.Delay = 0
	if err := runCrawl(t, t.Context(), cfg, crawler.Options{}); err != nil {
		t.Fatal(err)
	}
	responses := responsesByURL(readWARCs(t, filepath.Join(cfg.Output, "archive")))
	if _, ok := responses[srv.URL+"/article.html"]; !ok {
		t.Error("the good sitemap's article was not captured")
	}
	if _, ok := responses[srv.URL+"/from-html.html"]; ok {
		t.Error("a link in an HTML page posing as a sitemap was followed as a sitemap entry")
	}
	loops := 0
	for u := range responses {
		if strings.Contains(u, "/loop.xml") {
			loops++
		}
	}
	if loops == 0 || loops > 5 {
		t.Errorf("fetched %d levels of the endless sitemap index, want a bounded few", loops)
	}
	log, _ := os.ReadFile(filepath.Join(cfg.Output, "logs", "crawl.log"))
	for path, note := range map[string]string{
		"/malformed.xml": "manifest-error", "/html.xml": "manifest-error", "/bomb.xml.gz": "manifest-error",
	} {
		if !logLineHas(string(log), srv.URL+path, note) {
			t.Errorf("crawl.log line of %s lacks %q", path, note)
		}
	}
	if !strings.Contains(string(log), "sitemap-index-too-deep") {
		t.Error("crawl.log does not say the sitemap index went too deep")
	}
}

func logLineHas(log, url, note string) bool {
	for _, l := range strings.Split(log, "\n") {
		if strings.Contains(l, " "+url+" ") && strings.Contains(l, note) {
			return true
		}
	}
	return false
}
