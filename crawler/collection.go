package crawler

import (
	"context"
	"errors"
	"fmt"
	"os"

	"arkisto/config"
	"arkisto/crawler/frontier"
	"arkisto/warc"
	"arkisto/warc/wacz"
)

// useFrontier sets the frontier Run crawls from: the one given in Options,
// or the collection's own, opened here. closeFrontier closes what was
// opened here.
func (c *Crawler) useFrontier(ctx context.Context) (closeFrontier func() error, err error) {
	var opened frontier.Frontier
	switch {
	case c.opts.Frontier != nil:
		c.frontier = c.opts.Frontier
		c.rules.use(c.frontier)
		return func() error { return nil }, nil
	case c.cfg.Frontier != "":
		// A crawl stopped at once still opens it, records itself and
		// ends as interrupted, as with its own frontier.
		opened, err = c.openShared(context.WithoutCancel(ctx))
	default:
		opened, err = openFrontier(c.layout, FrontierOptions(c.cfg))
	}
	if err != nil {
		return nil, err
	}
	c.frontier = opened
	c.rules.use(c.frontier)
	if c.shared != nil {
		return c.leaveShared, nil
	}
	return opened.Close, nil
}

// open prepares the collection folder: repairs WARC files a crash left
// open, rebuilds the index when a crash left it behind, records the crawl's
// config in its state, and opens the crawl log and, unless this is a dry
// run, the writers of the archive.
func (c *Crawler) open(ctx context.Context) error {
	if err := c.layout.create(); err != nil {
		return err
	}
	if err := c.recover(ctx); err != nil {
		return err
	}
	var err error
	if c.crawlLog, err = openCrawlLog(c.layout.CrawlLog(), c.tally); err != nil {
		return err
	}
	if c.cfg.DryRun {
		return nil
	}
	if err := c.openArchive(); err != nil {
		return errors.Join(err, c.crawlLog.Close())
	}
	return nil
}

// openArchive opens the WARC writer, the index writer, the page list
// and the deduplication index.
func (c *Crawler) openArchive() error {
	hostname, _ := os.Hostname()
	w, err := warc.NewWriter(warc.Options{
		Dir:     c.layout.Archive(),
		Prefix:  c.cfg.WARCPrefix,
		MaxSize: c.cfg.WARCMaxSize,
		Version: c.cfg.WARCVersion,
		Process: c.process,
		Info: warc.Info{
			Software:     "arkisto/" + config.Version,
			Hostname:     hostname,
			Operator:     c.cfg.Operator,
			RobotsPolicy: string(c.cfg.Robots),
			UserAgent:    c.cfg.UserAgent,
			JobName:      c.cfg.Job,
		},
		OnFileClosed: func(_ string, size int64) { c.metrics.WARCFileClosed(size) },
	})
	if err != nil {
		return fmt.Errorf("open warc writer: %w", err)
	}
	c.writer = w
	// Index lines wait beside the frontier state until the crawl ends.
	spill := c.spillDir()
	if err := os.MkdirAll(spill, 0o755); err != nil {
		return errors.Join(fmt.Errorf("create index spill folder: %w", err), w.Close())
	}
	if c.index, err = warc.NewIndexWriter(warc.IndexWriterOptions{TempDir: spill}); err != nil {
		return errors.Join(err, w.Close())
	}
	if c.pages, err = wacz.OpenPageList(c.layout.Pages()); err != nil {
		return errors.Join(err, w.Close(), c.index.Close())
	}
	if c.cfg.Dedup == config.DedupDigest {
		if c.dedup, err = c.openDedup(); err != nil {
			return errors.Join(err, w.Close(), c.index.Close(), c.pages.Close())
		}
	}
	return nil
}

// openDedup opens the crawl's index of payload digests: the collection's
// own (or --dedup-db), or on a shared frontier the crawl's, in Redis.
func (c *Crawler) openDedup() (warc.Dedup, error) {
	if c.shared != nil {
		return sharedDedup{f: c.shared}, nil
	}
	path := c.cfg.DedupDB
	if path == "" {
		path = c.layout.DedupDB()
	}
	d, err := warc.OpenDedupIndex(path)
	if err != nil {
		return nil, err // not d: a nil *DedupIndex would be a non-nil Dedup
	}
	return d, nil
}

// recover repairs what a crashed crawl left behind: WARC files still named
// .open lose their cut last record and are closed, and the index, whose
// pending lines died with the process, is rebuilt from the WARC files.
func (c *Crawler) recover(ctx context.Context) error {
	repaired, err := warc.RepairDir(ctx, c.layout.Archive())
	if err != nil {
		return fmt.Errorf("repair WARC files: %w", err)
	}
	for _, r := range repaired {
		c.log.Warn("repaired a WARC file left open by a crash", "file", r.FinalPath, "records", r.Records, "dropped_bytes", r.DroppedBytes)
	}
	meta, ok := c.frontier.(metaStore)
	if !ok {
		return nil
	}
	previous, err := meta.Meta(metaConfig)
	if err != nil {
		return err
	}
	if previous != nil || len(repaired) > 0 {
		files, err := c.layout.WARCFiles()
		if err != nil {
			return err
		}
		if len(files) > 0 {
			c.log.Info("resuming: rebuilding the index from the WARC files", "files", len(files))
			if err := warc.RebuildIndex(ctx, files, c.layout.Index()); err != nil {
				return fmt.Errorf("rebuild the index of a resumed crawl: %w", err)
			}
		}
		// The index lines the dead process was collecting are in the rebuilt
		// index now; its spill files are garbage.
		if err := c.removeDeadSpills(ctx); err != nil {
			return err
		}
	}
	return c.recordStart(meta)
}

// close closes the WARC files, then merges this crawl's index lines into
// indexes/index.cdxj, so the index never points into an unfinished file.
func (c *Crawler) close(ctx context.Context) error {
	var errs []error
	if c.writer != nil {
		errs = append(errs, c.writer.Close())
	}
	if c.index != nil {
		errs = append(errs, c.index.MergeInto(ctx, c.layout.Index()), c.index.Close())
		if c.process != "" {
			// And those of processes that died here since this one began.
			errs = append(errs, os.Remove(c.spillDir()), c.removeDeadSpills(ctx))
		}
	}
	if c.crawlLog != nil {
		errs = append(errs, c.crawlLog.Close())
	}
	if c.pages != nil {
		errs = append(errs, c.pages.Close())
	}
	if c.dedup != nil {
		errs = append(errs, c.dedup.Close())
	}
	return errors.Join(errs...)
}
