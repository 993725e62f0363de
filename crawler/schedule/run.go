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
)

// errTimedOut is the cause of a run's context when max_duration ends it.
var errTimedOut = errors.New("max_duration reached")

// runOnce runs one crawl of j, records it and returns its record, which
// the caller tells OnRun of. Its failures end up in the history and the
// metrics, not in an error: the daemon goes on.
func (d *daemon) runOnce(ctx context.Context, j *job, reason, resumes string) RunRecord {
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

	live := func() Counts { return Counts{} }
	c, begins, err := d.newCrawler(cfg, log, &r)
	if err == nil {
		live = func() Counts { return countsOf(c) }
		j.setLive(live)
		d.metrics.RunStarted(name, start, c.FrontierStats)
		d.notify(name, r)
		log.Info("run started", "reason", reason, "collection", cfg.Output, "begins", begins, "since", r.Since)
		err = c.Run(runCtx)
		j.setLive(nil)
	} else {
		d.notify(name, r)
	}
	r.End = time.Now()
	r.Outcome = outcome(runCtx, ctx, err)
	if err != nil {
		r.Error = err.Error()
	}
	r.Counts = live()
	r.Counts.WARCFiles, r.Counts.WARCBytes = newFiles(cfg.Output, before)
	if cfg.WACZ && (r.Outcome == OutcomeSuccess || r.Outcome == OutcomeTimedOut) {
		// Before the end is recorded: a run recorded done has its package.
		packageRun(ctx, cfg, log)
	}
	if err := j.history.save(r); err != nil {
		log.Error("record run end", "err", err)
	}
	d.metrics.RunEnded(name, string(r.Outcome), r.Start, r.End)
	if r.Outcome == OutcomeSuccess {
		d.metrics.SetLastSuccess(name, r.Start)
	}
	log.Info("run ended", "outcome", r.Outcome, "err", err, "duration", r.End.Sub(r.Start).Round(time.Millisecond),
		"fetched", r.Counts.Fetched, "failed", r.Counts.Failed, "wire_bytes", r.Counts.WireBytes,
		"urls_seen", r.Counts.URLsSeen, "urls_left", r.Counts.URLsLeft, "warc_files", len(r.Counts.WARCFiles))
	return r
}

// countsOf reads a crawl's counts, live or final.
func countsOf(c *crawler.Crawler) Counts {
	n, s := c.Counts(), c.FrontierStats()
	return Counts{Fetched: n.Fetched, Failed: n.Failed, WireBytes: n.Bytes, URLsSeen: s.Seen, URLsLeft: s.Queued}
}

// newCrawler prepares the run's crawl. An unfinished crawl in the
// collection (interrupted, timed out, failed or killed) is taken up where
// it stopped, unless the job's settings changed since it started: then it
// starts over, since its frontier holds URLs chosen by other rules.
func (d *daemon) newCrawler(cfg config.Config, log *slog.Logger, r *RunRecord) (*crawler.Crawler, crawler.Beginning, error) {
	plan, err := crawler.Prepare(crawler.Start{Given: cfg, Stated: true, Mismatch: crawler.StartOver})
	if err != nil {
		return nil, "", fmt.Errorf("prepare the collection's crawl state: %w", err)
	}
	if len(plan.Dropped) > 0 {
		log.Warn("the unfinished crawl in the collection has other settings: starting over", "differences", strings.Join(plan.Dropped, "; "))
	}
	r.Continued = plan.Resumes()
	c, err := crawler.New(plan.Config, crawler.Options{Logger: log, Metrics: d.metrics.ForJob(cfg.Job), Abort: d.opts.Abort})
	return c, plan.Begins, err
}

// outcome names how a run ended: runCtx is the run's own context,
// daemonCtx the daemon's.
func outcome(runCtx, daemonCtx context.Context, err error) Outcome {
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

// warcFiles lists the collection's finished WARC files; the counts it
// feeds are best effort, so an unreadable archive counts as empty.
func warcFiles(collection string) []string {
	files, _ := crawler.Layout{Dir: collection}.WARCFiles()
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
