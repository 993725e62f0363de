package crawler_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"arkisto/config"
	"arkisto/crawler"
	"arkisto/crawler/testsite"
)

// testConfig is a crawl of seed into a temp folder, fast but still polite.
func testConfig(t *testing.T, seed string) config.Config {
	t.Helper()
	cfg := config.Default()
	cfg.Seeds = []string{seed}
	cfg.Output = t.TempDir()
	cfg.Delay = 10 * time.Millisecond
	cfg.RetryDelay = 20 * time.Millisecond
	cfg.Workers = 4
	cfg.MetricsAddr = ""
	if err := cfg.Finish(); err != nil {
		t.Fatal(err)
	}
	return cfg
}

func runCrawl(t *testing.T, ctx context.Context, cfg config.Config, opts crawler.Options) error {
	t.Helper()
	c, err := crawler.New(cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	return c.Run(ctx)
}

// responsesByURL maps each captured URL to its response or revisit record.
func responsesByURL(recs []record) map[string]record {
	out := map[string]record{}
	for _, r := range recs {
		if r.typ() == "response" || r.typ() == "revisit" {
			out[r.target()] = r
		}
	}
	return out
}

func assertNoOpenFiles(t *testing.T, dir string) {
	t.Helper()
	open, _ := filepath.Glob(filepath.Join(dir, "*.open"))
	if len(open) > 0 {
		t.Errorf("files left open: %v", open)
	}
}

func TestCrawlTestSite(t *testing.T) {
	t.Parallel()
	const crawlDelay = 30 * time.Millisecond
	site := testsite.New(testsite.Options{CrawlDelay: crawlDelay, KeepRaw: true})
	base := site.Start(t)
	cfg := testConfig(t, base+"/")
	if err := runCrawl(t, t.Context(), cfg, crawler.Options{}); err != nil {
		t.Fatalf("crawl: %v", err)
	}
	archive := filepath.Join(cfg.Output, "archive")
	recs := readArchive(t, archive, readWARCs)
	responses := responsesByURL(recs)

	t.Run("captures exactly the expected URLs", func(t *testing.T) {
		want := site.ExpectedURLs(base, testsite.CrawlSettings{})
		var got []string
		for u := range responses {
			got = append(got, u)
		}
		slices.Sort(got)
		for _, u := range want {
			if _, ok := slices.BinarySearch(got, u); !ok {
				t.Errorf("missing %s", u)
			}
		}
		for _, u := range got {
			if _, ok := slices.BinarySearch(want, u); !ok {
				t.Errorf("unexpected %s", u)
			}
		}
	})

	t.Run("every response has its request in the same file", func(t *testing.T) {
		requests := map[string]record{}
		for _, r := range recs {
			if r.typ() == "request" {
				requests[r.header.Get("WARC-Record-ID")] = r
			}
		}
		for _, r := range responses {
			req, ok := requests[r.header.Get("WARC-Concurrent-To")]
			if !ok || req.file != r.file || req.target() != r.target() {
				t.Errorf("response %s: no matching request record in %s", r.target(), r.file)
			}
			if r.header.Get("WARC-IP-Address") != "127.0.0.1" {
				t.Errorf("response %s: WARC-IP-Address %q", r.target(), r.header.Get("WARC-IP-Address"))
			}
		}
	})

	hits := site.Hits()
	t.Run("robots.txt first, disallowed never requested", func(t *testing.T) {
		if len(hits) == 0 || hits[0].Path != testsite.PathRobots {
			t.Fatalf("first request was not robots.txt: %+v", hits[:min(1, len(hits))])
		}
		for _, h := range hits {
			if strings.HasPrefix(h.Path, "/private/") {
				t.Errorf("disallowed %s reached the server", h.Path)
			}
		}
	})

	t.Run("politeness: one request at a time, Crawl-delay between them", func(t *testing.T) {
		if got := site.MaxConcurrent(); got != 1 {
			t.Errorf("server saw %d requests at once, want 1", got)
		}
		// robots.txt is parsed before its host's next request, so its
		// Crawl-delay, longer than --delay, holds from the second request on.
		for i := 1; i < len(hits); i++ {
			if gap := hits[i].Start.Sub(hits[i-1].End); gap < crawlDelay {
				t.Errorf("request %d (%s) started %v after the previous ended, want at least %v", i, hits[i].Path, gap, crawlDelay)
			}
		}
	})

	t.Run("redirect hops recorded with their 3xx", func(t *testing.T) {
		for path, want := range map[string]int{testsite.PathRedirect: 301, testsite.PathRedirectHop: 302, testsite.PathRedirectTarget: 200} {
			r, ok := responses[base+path]
			if !ok {
				t.Errorf("%s not captured", path)
				continue
			}
			if got := httpStatus(r.block); got != want {
				t.Errorf("%s: status %d, want %d", path, got, want)
			}
		}
	})

	t.Run("identical bodies: one response, one revisit pointing to it", func(t *testing.T) {
		first, second := responses[base+testsite.PathDuplicate], responses[base+testsite.PathDuplicateCopy]
		if first.typ() == "revisit" {
			first, second = second, first
		}
		if first.typ() != "response" || second.typ() != "revisit" {
			t.Fatalf("records are %s and %s, want a response and a revisit", first.typ(), second.typ())
		}
		h := second.header
		for name, want := range map[string]string{
			"WARC-Refers-To-Target-URI": first.target(),
			"WARC-Refers-To":            first.header.Get("WARC-Record-ID"),
			"WARC-Refers-To-Date":       first.header.Get("WARC-Date"),
			"WARC-Payload-Digest":       first.header.Get("WARC-Payload-Digest"),
			"WARC-Profile":              "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest",
		} {
			if got := h.Get(name); got != want {
				t.Errorf("revisit %s = %q, want %q", name, got, want)
			}
		}
		if !bytes.HasSuffix(second.block, []byte("\r\n\r\n")) || bytes.Count(second.block, []byte("\r\n\r\n")) != 1 {
			t.Errorf("revisit block is not just the HTTP headers: %q", second.block)
		}
	})

	t.Run("chunked and gzip responses are the bytes the server wrote", func(t *testing.T) {
		for _, path := range []string{testsite.PathChunked, testsite.PathGzip, testsite.PathLatin1, testsite.PathBadUTF8} {
			wire, err := site.RawResponse(t.Context(), path)
			if err != nil {
				t.Fatal(err)
			}
			r := responses[base+path]
			if !bytes.Equal(r.block, wire) {
				t.Errorf("%s: WARC block (%d bytes) differs from the %d bytes the server wrote", path, len(r.block), len(wire))
			}
		}
		if r := responses[base+testsite.PathChunked]; !bytes.Contains(r.block, []byte("Transfer-Encoding: chunked")) {
			t.Errorf("chunked page was not chunked on the wire")
		}
		if r := responses[base+testsite.PathGzip]; !bytes.Contains(r.block, []byte("Content-Encoding: gzip")) {
			t.Errorf("gzip page was not gzip-encoded on the wire")
		}
	})

	t.Run("crawl.log has a line per fetch and per refusal", func(t *testing.T) {
		data, err := os.ReadFile(filepath.Join(cfg.Output, "logs", "crawl.log"))
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(string(data)), "\n")
		fetches := 0
		for _, l := range lines {
			if f := strings.Fields(l); len(f) >= 12 && !strings.HasPrefix(f[1], "-") {
				fetches++
			}
		}
		if fetches != len(responses) {
			t.Errorf("crawl.log has %d fetch lines, WARC %d responses", fetches, len(responses))
		}
		for _, want := range []string{
			" -9998 ", testsite.PathDisallowed + " ", "robots-denied",
			"out-of-scope", "unsupported-scheme", " 404 ", " 500 ",
		} {
			if !strings.Contains(string(data), want) {
				t.Errorf("crawl.log lacks %q", want)
			}
		}
	})
}

func TestRotationKeepsPairsTogether(t *testing.T) {
	site := testsite.New(testsite.Options{Articles: 6})
	cfg := testConfig(t, site.Start(t)+"/")
	cfg.Delay = 0
	cfg.WARCMaxSize = 32 << 10
	if err := runCrawl(t, t.Context(), cfg, crawler.Options{}); err != nil {
		t.Fatal(err)
	}
	archive := filepath.Join(cfg.Output, "archive")
	assertNoOpenFiles(t, archive)
	files, _ := filepath.Glob(filepath.Join(archive, "*.warc.gz"))
	if len(files) < 3 {
		t.Fatalf("%d WARC files, want several at a 32 KiB limit", len(files))
	}
	for _, f := range files {
		recs, err := readWARC(f)
		if err != nil {
			t.Fatal(err)
		}
		if recs[0].typ() != "warcinfo" {
			t.Errorf("%s starts with %s, want warcinfo", f, recs[0].typ())
		}
		ids := map[string]bool{}
		for _, r := range recs {
			ids[r.header.Get("WARC-Record-ID")] = true
		}
		for _, r := range recs {
			if peer := r.header.Get("WARC-Concurrent-To"); peer != "" && !ids[peer] {
				t.Errorf("%s: %s record of %s has its pair in another file", f, r.typ(), r.target())
			}
		}
	}
}

func TestInterruptLeavesReadableWARCs(t *testing.T) {
	site := testsite.New(testsite.Options{Latency: 5 * time.Millisecond})
	ctx, cancel := context.WithCancelCause(t.Context())
	defer cancel(nil)
	// Interrupt, as SIGTERM would, while the 15th request is being served.
	var requests atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if requests.Add(1) == 15 {
			cancel(errors.New("test interrupt"))
		}
		site.ServeHTTP(w, r)
	}))
	defer srv.Close()
	base := srv.URL
	cfg := testConfig(t, base+"/")
	cfg.GracePeriod = 2 * time.Second
	err := runCrawl(t, ctx, cfg, crawler.Options{})
	if !errors.Is(err, crawler.ErrInterrupted) {
		t.Fatalf("Run = %v, want ErrInterrupted", err)
	}
	archive := filepath.Join(cfg.Output, "archive")
	assertNoOpenFiles(t, archive)
	recs := readWARCs(t, archive)
	if len(responsesByURL(recs)) >= len(site.ExpectedURLs(base, testsite.CrawlSettings{})) {
		t.Errorf("the interrupted crawl captured everything: the interrupt came too late to test anything")
	}
}
