package crawler_test

import (
	"context"
	"errors"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"arkisto/config"
	"arkisto/crawler"
	"arkisto/crawler/frontier"
	"arkisto/crawler/testsite"
)

// countingFrontier counts the calls of Next: each worker calls it first
// thing, so the count tells how many workers started. onDone, if set,
// runs when the first fetch is done.
type countingFrontier struct {
	frontier.Frontier
	next   atomic.Int64
	done   atomic.Int64
	onDone func()
}

func (f *countingFrontier) Next(ctx context.Context) (frontier.Item, error) {
	f.next.Add(1)
	return f.Frontier.Next(ctx)
}

func (f *countingFrontier) Done(ctx context.Context, it frontier.Item, ready time.Time) error {
	err := f.Frontier.Done(ctx, it, ready)
	if f.done.Add(1) == 1 && f.onDone != nil {
		f.onDone()
	}
	return err
}

// A crawl stopped while its workers start starts no more of them, and
// closes its WARC files. The crawl of 100,000,000 workers ran on
// for minutes after SIGTERM, starting workers; the count is bounded by
// config now, and the start loop stops on cancellation.
func TestStopWhileWorkersStart(t *testing.T) {
	base := testsite.New(testsite.Options{Articles: 3}).Start(t)

	t.Run("stopped before the first worker", func(t *testing.T) {
		cfg := testConfig(t, base+"/")
		cfg.Workers = config.MaxWorkers
		f := &countingFrontier{Frontier: frontier.NewMemory(frontier.Options{})}
		ctx, cancel := context.WithCancel(t.Context())
		cancel() // SIGTERM before Run reached its workers
		if err := runCrawl(t, ctx, cfg, crawler.Options{Frontier: f}); !errors.Is(err, crawler.ErrInterrupted) {
			t.Fatalf("Run = %v, want ErrInterrupted", err)
		}
		if n := f.next.Load(); n != 0 {
			t.Errorf("%d of %d workers started after the crawl was stopped", n, cfg.Workers)
		}
		assertNoOpenFiles(t, filepath.Join(cfg.Output, "archive"))
	})

	t.Run("stopped after the first fetch", func(t *testing.T) {
		cfg := testConfig(t, base+"/")
		cfg.Workers = config.MaxWorkers
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		f := &countingFrontier{Frontier: frontier.NewMemory(frontier.Options{}), onDone: cancel}
		if err := runCrawl(t, ctx, cfg, crawler.Options{Frontier: f}); !errors.Is(err, crawler.ErrInterrupted) {
			t.Fatalf("Run = %v, want ErrInterrupted", err)
		}
		archive := filepath.Join(cfg.Output, "archive")
		assertNoOpenFiles(t, archive)
		if recs := readWARCs(t, archive); len(responsesByURL(recs)) == 0 {
			t.Error("no response archived: the crawl was stopped before its first fetch")
		}
	})
}
