package crawler_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"golang.org/x/sync/errgroup"

	"arkisto/config"
	"arkisto/crawler"
	"arkisto/crawler/frontier/redistest"
	"arkisto/crawler/testsite"
	"arkisto/warc"
)

// Payloads are deduplicated crawl-wide: what one process stored, another
// (its own folder, no dedup.db of its own) writes as a revisit of it.
func TestSharedCrawlDedup(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t, redistest.Options{})
	// One article per section still makes far more than the ten revisits asked for.
	one := testsite.New(testsite.Options{Articles: 3}).Start(t)
	two := testsite.New(testsite.Options{Articles: 3}).Start(t) // the same bytes on another host
	first := sharedConfig(t, one+"/", srv, "dedup")
	if err := runCrawl(t, t.Context(), first, crawler.Options{}); err != nil {
		t.Fatal(err)
	}
	stored := map[string]bool{}
	for _, r := range readWARCs(t, filepath.Join(first.Output, "archive")) {
		if r.typ() == "response" {
			stored[r.header.Get("WARC-Record-ID")] = true
		}
	}

	second := sharedConfig(t, two+"/", srv, "dedup")
	plan, err := crawler.PrepareShared(t.Context(), crawler.Start{Given: second, Stated: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := runCrawl(t, t.Context(), plan.Config, crawler.Options{}); err != nil {
		t.Fatal(err)
	}
	revisits := 0
	for _, r := range readWARCs(t, filepath.Join(second.Output, "archive")) {
		if r.typ() != "revisit" {
			continue
		}
		revisits++
		if !stored[r.header.Get("WARC-Refers-To")] {
			t.Errorf("revisit of %s refers to %s, not a response of the first process", r.target(), r.header.Get("WARC-Refers-To"))
		}
	}
	if revisits < 10 {
		t.Errorf("the second process wrote %d revisits of the first's payloads, want most of the site's", revisits)
	}
	if _, err := os.Stat(filepath.Join(second.Output, "state", "dedup.db")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a process of a shared crawl made a dedup.db of its own: %v", err)
	}
}

// Two processes writing into one folder: their WARC files carry their
// names and never collide, the index holds both's records as a rebuild
// from all the files does, crawl.log both's lines.
func TestSharedCrawlOneFolder(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t, redistest.Options{})
	// Two hosts, one worker per process, and the first two requests held
	// until both are in: each process takes one, so both write.
	var barrier sync.WaitGroup
	barrier.Add(2)
	var seen atomic.Int64
	var bases []string
	var sites []*testsite.Site
	for range 2 {
		site := testsite.New(testsite.Options{})
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if seen.Add(1) <= 2 {
				barrier.Done()
				barrier.Wait()
			}
			site.ServeHTTP(w, r)
		}))
		t.Cleanup(srv.Close)
		bases, sites = append(bases, srv.URL), append(sites, site)
	}
	cfg := sharedConfig(t, bases[0]+"/", srv, "one-folder")
	cfg.Seeds = append(cfg.Seeds, bases[1]+"/")
	cfg.Delay, cfg.Workers = 0, 1
	if err := cfg.Finish(); err != nil {
		t.Fatal(err)
	}
	var g errgroup.Group
	for range 2 {
		g.Go(func() error { return runCrawl(t, t.Context(), cfg, crawler.Options{}) })
	}
	if err := g.Wait(); err != nil {
		t.Fatal(err)
	}
	archive := filepath.Join(cfg.Output, "archive")
	assertNoOpenFiles(t, archive)
	names := map[string]bool{}
	process := regexp.MustCompile(`-\d{5}-([A-Za-z0-9-]+-[0-9a-f]{6})\.warc\.gz$`)
	files, _ := filepath.Glob(filepath.Join(archive, "*.warc.gz"))
	for _, f := range files {
		m := process.FindStringSubmatch(f)
		if m == nil {
			t.Fatalf("%s does not end with a process name", f)
		}
		names[m[1]] = true
	}
	if len(names) != 2 {
		t.Errorf("WARC files of %d processes, want 2: %q", len(names), files)
	}
	captured := responsesByURL(readWARCs(t, archive))
	want := 0
	for i, site := range sites {
		want += len(site.ExpectedURLs(bases[i], testsite.CrawlSettings{}))
	}
	if len(captured) != want {
		t.Errorf("%d URLs captured, want %d", len(captured), want)
	}
	index := filepath.Join(cfg.Output, "indexes", "index.cdxj")
	merged, err := os.ReadFile(index)
	if err != nil {
		t.Fatal(err)
	}
	if err := warc.RebuildIndex(t.Context(), files, index); err != nil {
		t.Fatal(err)
	}
	if rebuilt, _ := os.ReadFile(index); !bytes.Equal(merged, rebuilt) {
		t.Errorf("the processes' merged index (%d bytes) differs from one rebuilt from all files (%d bytes)", len(merged), len(rebuilt))
	}
	if lines := readCrawlLog(t, cfg); len(lines) < len(captured) {
		t.Errorf("crawl.log has %d lines for %d captures", len(lines), len(captured))
	}
	if spills, _ := filepath.Glob(filepath.Join(cfg.Output, "state", "cdxj-*")); len(spills) > 0 {
		t.Errorf("index spill folders left: %q", spills)
	}
}

// --max-pages limits the crawl, not each process: two processes together
// take no more than the limit.
func TestSharedCrawlMaxPages(t *testing.T) {
	const limit = 12
	srv := redistest.Start(t, redistest.Options{})
	site := testsite.New(testsite.Options{})
	base := site.Start(t)
	var cfgs []config.Config
	for range 2 {
		cfg := sharedConfig(t, base+"/", srv, "max-pages")
		cfg.MaxPages = limit
		cfgs = append(cfgs, cfg)
	}
	var g errgroup.Group
	for _, cfg := range cfgs {
		g.Go(func() error { return runCrawl(t, t.Context(), cfg, crawler.Options{}) })
	}
	if err := g.Wait(); err != nil {
		t.Fatal(err)
	}
	if n := len(site.Hits()); n == 0 || n > limit {
		t.Errorf("the site saw %d requests of the two processes under --max-pages %d", n, limit)
	}
}

// --fresh, or any start over, is refused while a process works on the
// crawl, naming it; once it is gone the crawl starts over.
func TestSharedCrawlFreshRefusedWhileBusy(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	site := testsite.New(testsite.Options{})
	held := make(chan struct{})
	release := make(chan struct{})
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/" {
			close(held)
			select {
			case <-release:
			case <-r.Context().Done():
			}
		}
		site.ServeHTTP(w, r)
	})
	srv2 := httptest.NewServer(mux)
	t.Cleanup(srv2.Close)
	base := srv2.URL
	cfg := sharedConfig(t, base+"/", srv, "busy")
	cfg.MaxPages = 3
	done := make(chan error, 1)
	go func() { done <- runCrawl(t, context.WithoutCancel(t.Context()), cfg, crawler.Options{}) }()
	<-held

	other := cfg
	other.Output = t.TempDir()
	_, err := crawler.PrepareShared(t.Context(), crawler.Start{Given: other, Stated: true, Fresh: true})
	if !errors.Is(err, crawler.ErrCrawlBusy) || !strings.Contains(err.Error(), cfg.Output) {
		t.Errorf("--fresh while a process works = %v; want ErrCrawlBusy naming it", err)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if _, err := crawler.PrepareShared(t.Context(), crawler.Start{Given: other, Stated: true, Fresh: true}); err != nil {
		t.Errorf("--fresh once the process ended: %v", err)
	}
}
