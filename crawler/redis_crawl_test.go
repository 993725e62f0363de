package crawler_test

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/sync/errgroup"

	"arkisto/config"
	"arkisto/crawler"
	"arkisto/crawler/frontier"
	"arkisto/crawler/frontier/redistest"
	"arkisto/crawler/testsite"
)

const redisPassword = "crawl-pw-3f9a1c"

// sharedConfig is testConfig crawling on the Redis frontier of srv as crawl id.
func sharedConfig(t *testing.T, seed string, srv *redistest.Server, id string) config.Config {
	t.Helper()
	cfg := testConfig(t, seed)
	// The job of a shared crawl is its crawl id, whatever the folder.
	cfg.Frontier, cfg.CrawlID, cfg.Job = srv.URL(0), id, ""
	if err := cfg.Finish(); err != nil {
		t.Fatal(err)
	}
	return cfg
}

// Two crawlers, sharing nothing but a Redis frontier (each its own rules,
// folder and WARC files), crawl the test site as one polite crawler: the
// union of their captures is the site, no URL twice, one request at a
// time to the host with the Crawl-delay between them, robots.txt once.
func TestCrawlersShareRedisFrontier(t *testing.T) {
	t.Parallel()
	const crawlDelay = 30 * time.Millisecond
	srv := redistest.Start(t, redistest.Options{Password: redisPassword})
	// One article per section: the size proves nothing here, every URL is a
	// chance for the two crawlers to collide, and it still has hundreds.
	site := testsite.New(testsite.Options{Articles: 3, CrawlDelay: crawlDelay})
	base := site.Start(t)

	// One handler serializes the writes of both crawlers; read after both end.
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	cfgs := []config.Config{sharedConfig(t, base+"/", srv, "two"), sharedConfig(t, base+"/", srv, "two")}
	var g errgroup.Group
	for _, cfg := range cfgs {
		g.Go(func() error {
			c, err := crawler.New(cfg, crawler.Options{Logger: logger})
			if err != nil {
				return err
			}
			return c.Run(t.Context())
		})
	}
	if err := g.Wait(); err != nil {
		t.Fatalf("crawl: %v", err)
	}

	captured := map[string]int{}
	for _, cfg := range cfgs {
		archive := filepath.Join(cfg.Output, "archive")
		assertNoOpenFiles(t, archive)
		for u := range responsesByURL(readWARCs(t, archive)) {
			captured[u]++
		}
	}
	want := site.ExpectedURLs(base, testsite.CrawlSettings{})
	for _, u := range want {
		if captured[u] != 1 {
			t.Errorf("%s captured %d times, want once", u, captured[u])
		}
	}
	for u := range captured {
		if _, ok := slices.BinarySearch(want, u); !ok {
			t.Errorf("unexpected %s", u)
		}
	}

	hits := site.Hits()
	if got := site.MaxConcurrent(); got != 1 {
		t.Errorf("server saw %d requests at once, want 1", got)
	}
	robots := 0
	for i, h := range hits {
		if h.Path == testsite.PathRobots {
			robots++
		}
		if i > 0 {
			if gap := h.Start.Sub(hits[i-1].End); gap < crawlDelay {
				t.Errorf("request %d (%s) started %v after the previous ended, want at least %v", i, h.Path, gap, crawlDelay)
			}
		}
	}
	if robots != 1 {
		t.Errorf("robots.txt fetched %d times by the crawl, want once", robots)
	}
	noPassword(t, logs.String(), cfgs...)
}

// A process joining with no seeds takes the recorded ones; one whose
// settings differ is refused, naming them; the password is in no error.
func TestPrepareShared(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{Password: redisPassword})
	const seed = "http://127.0.0.1:9/" // never dialed
	first := sharedConfig(t, seed, srv, "join")
	first.GracePeriod = 0
	ctx, cancel := context.WithCancel(t.Context())
	cancel() // recorded, then interrupted before any fetch
	if err := runCrawl(t, ctx, first, crawler.Options{}); !errors.Is(err, crawler.ErrInterrupted) {
		t.Fatalf("first process: %v, want ErrInterrupted", err)
	}

	joiner := config.Default()
	joiner.Frontier, joiner.CrawlID, joiner.Output = first.Frontier, first.CrawlID, t.TempDir()
	joiner.Workers = 2
	p, err := crawler.PrepareShared(t.Context(), crawler.Start{Given: joiner, Override: func(c *config.Config) error {
		c.Workers = 2
		return nil
	}})
	if err != nil {
		t.Fatalf("join: %v", err)
	}
	if !p.Resumes() || !slices.Equal(p.Config.Seeds, first.Seeds) || p.Config.Output != joiner.Output || p.Config.Workers != 2 || p.Config.Frontier != first.Frontier {
		t.Errorf("join plan = %+v; want the recorded seeds into its own folder with its own workers", p)
	}

	other := first
	other.Output = t.TempDir()
	other.Scope, other.Delay = config.ScopeHost, time.Minute
	_, err = crawler.PrepareShared(t.Context(), crawler.Start{Given: other, Stated: true})
	var mismatch *crawler.MismatchError
	if !errors.As(err, &mismatch) || len(mismatch.Differences) != 2 ||
		!strings.HasPrefix(mismatch.Differences[0], "scope:") || !strings.HasPrefix(mismatch.Differences[1], "delay:") {
		t.Fatalf("PrepareShared with another scope and delay = %v; want both named", err)
	}
	noPassword(t, err.Error())

	unknown := joiner
	unknown.CrawlID = "never-started"
	if _, err := crawler.PrepareShared(t.Context(), crawler.Start{Given: unknown}); err == nil {
		t.Error("joining a crawl nobody started worked")
	}
	wrong := joiner
	wrong.Frontier = strings.Replace(wrong.Frontier, redisPassword, "wrong-pw-8d2e", 1)
	_, err = crawler.PrepareShared(t.Context(), crawler.Start{Given: wrong})
	if err == nil || strings.Contains(err.Error(), "wrong-pw-8d2e") {
		t.Errorf("PrepareShared with a wrong password = %v; want an error without it", err)
	}

	// A process that skipped PrepareShared, started at the same moment as
	// the first, with other settings, is refused when it records them.
	racer := first
	racer.Output, racer.Delay = t.TempDir(), time.Minute
	if err := runCrawl(t, ctx, racer, crawler.Options{}); !errors.As(err, &mismatch) || !strings.HasPrefix(mismatch.Differences[0], "delay:") {
		t.Errorf("a second first process with another delay: %v; want it refused", err)
	}

	// What the crawl recorded in Redis holds no password either.
	f, err := frontier.OpenRedis(t.Context(), first.Frontier, first.CrawlID, frontier.RedisOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recorded, err := f.Meta("config")
	if err != nil || recorded == nil {
		t.Fatalf("recorded config: %q, %v", recorded, err)
	}
	noPassword(t, string(recorded))
}

// noPassword fails t if the Redis password is in text or in any file of
// the crawls' folders, WARC records decompressed.
func noPassword(t *testing.T, text string, cfgs ...config.Config) {
	t.Helper()
	if strings.Contains(text, redisPassword) {
		t.Errorf("the Redis password appears in %q", text)
	}
	for _, cfg := range cfgs {
		for _, r := range readWARCs(t, filepath.Join(cfg.Output, "archive")) {
			if bytes.Contains(r.block, []byte(redisPassword)) || strings.Contains(strings.Join(slices.Concat(headerValues(r)...), " "), redisPassword) {
				t.Errorf("the Redis password appears in a %s record of %s", r.typ(), r.file)
			}
		}
		err := filepath.WalkDir(cfg.Output, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			data, err := os.ReadFile(path)
			if err == nil && bytes.Contains(data, []byte(redisPassword)) {
				t.Errorf("the Redis password appears in %s", path)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

func headerValues(r record) [][]string {
	var out [][]string
	for k, v := range r.header {
		out = append(out, append([]string{k}, v...))
	}
	return out
}
