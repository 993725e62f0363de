package schedule

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"arkisto/config"
	"arkisto/crawler"
	"arkisto/crawler/frontier"
)

var (
	errPaused = errors.New("job is paused")
	// errTimedOut is the cause of a run's context when max_duration ends it.
	errTimedOut = errors.New("max_duration reached")
)

// runOnce runs one crawl of j and records it. Its failures end up in the
// history and the metrics, not in a return value: the daemon goes on.
func (d *daemon) runOnce(ctx context.Context, j *job, reason, resumes string) {
	name := j.cfg.Name
	start := time.Now()
	r := RunRecord{ID: start.UTC().Format("20060102T150405.000Z"), Reason: reason, Start: start, Outcome: OutcomeRunning, Resumes: resumes}
	cfg := j.cfg.Config
	if last, ok := j.history.lastSuccess(); ok {
		// Sitemap and feed entries older than the last success were
		// fetched by it (or before); seeds are fetched every run.
		r.Since = last.Start
		cfg.Since = last.Start.UTC().Format(time.RFC3339Nano)
	}
	log := d.log.With("crawl_job", name, "run", r.ID)
	if err := j.history.save(r); err != nil {
		log.Error("record run start", "err", err)
	}
	before := warcFiles(cfg.Output)

	runCtx, cancel := ctx, context.CancelFunc(func() {})
	if j.cfg.MaxDuration > 0 {
		runCtx, cancel = context.WithTimeoutCause(ctx, j.cfg.MaxDuration, errTimedOut)
	}
	defer cancel()

	var stats func() frontier.Stats
	c, err := d.newCrawler(cfg, log, &r)
	if err == nil {
		stats = c.FrontierStats
		d.metrics.RunStarted(name, start, stats)
		d.notify(name, r)
		log.Info("run starting", "reason", reason, "since", r.Since)
		err = d.crawl(runCtx, c)
	} else {
		d.notify(name, r)
	}
	r.End = time.Now()
	r.Outcome = outcome(runCtx, ctx, err)
	if err != nil {
		r.Error = err.Error()
	}
	if stats != nil {
		s := stats()
		r.Counts.URLsSeen, r.Counts.URLsLeft = s.Seen, s.Queued
	}
	r.Counts.WARCFiles, r.Counts.WARCBytes = newFiles(cfg.Output, before)
	if err := j.history.save(r); err != nil {
		log.Error("record run end", "err", err)
	}
	d.metrics.RunEnded(name, r.Outcome, r.Start, r.End)
	log.Info("run ended", "outcome", r.Outcome, "err", err, "duration", r.End.Sub(r.Start).Round(time.Millisecond),
		"urls", r.Counts.URLsSeen, "warc_files", len(r.Counts.WARCFiles))
	d.notify(name, r)
}

// newCrawler prepares the run's crawl. An unfinished crawl in the
// collection (interrupted, timed out, failed or killed) is taken up where
// it stopped, as crawler.New does, unless the job's settings changed since
// it started: then it starts over, since its frontier holds URLs chosen by
// other rules.
func (d *daemon) newCrawler(cfg config.Config, log *slog.Logger, r *RunRecord) (*crawler.Crawler, error) {
	recorded, err := crawler.PrepareState(cfg.Output, false)
	if err != nil {
		return nil, fmt.Errorf("read the collection's crawl state: %w", err)
	}
	if recorded != nil {
		if diffs := crawler.Differences(*recorded, cfg); len(diffs) > 0 {
			log.Warn("the unfinished crawl in the collection has other settings: starting over", "differences", strings.Join(diffs, "; "))
			if _, err := crawler.PrepareState(cfg.Output, true); err != nil {
				return nil, fmt.Errorf("clear the collection's crawl state: %w", err)
			}
		} else {
			r.Continued = true
		}
	}
	return crawler.New(cfg, crawler.Options{Logger: log, Metrics: d.metrics.ForJob(cfg.Job)})
}

// crawl runs c, cutting its grace period short when Abort closes.
func (d *daemon) crawl(ctx context.Context, c *crawler.Crawler) error {
	finished := make(chan struct{})
	defer close(finished)
	go func() {
		select {
		case <-d.opts.Abort:
			c.Abort()
		case <-finished:
		}
	}()
	return c.Run(ctx)
}

// outcome names how a run ended: runCtx is the run's own context,
// daemonCtx the daemon's.
func outcome(runCtx, daemonCtx context.Context, err error) string {
	switch {
	case err == nil:
		return OutcomeSuccess
	case daemonCtx.Err() != nil:
		return OutcomeInterrupted
	case errors.Is(context.Cause(runCtx), errTimedOut):
		return OutcomeTimedOut
	default:
		return OutcomeFailed
	}
}

func (d *daemon) notify(job string, r RunRecord) {
	if d.opts.OnRun != nil {
		d.opts.OnRun(job, r)
	}
}

// warcFiles lists the collection's finished WARC files.
func warcFiles(collection string) []string {
	files, _ := filepath.Glob(filepath.Join(collection, "archive", "*.warc.gz"))
	return files
}

// newFiles returns the WARC files not in before, by base name, and their
// total size.
func newFiles(collection string, before []string) ([]string, int64) {
	var names []string
	var size int64
	for _, f := range warcFiles(collection) {
		if slices.Contains(before, f) {
			continue
		}
		names = append(names, filepath.Base(f))
		if fi, err := os.Stat(f); err == nil {
			size += fi.Size()
		}
	}
	return names, size
}
