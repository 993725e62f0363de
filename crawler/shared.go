package crawler

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"arkisto/config"
	"arkisto/crawler/frontier"
	"arkisto/warc"
)

// What a process does differently on a shared frontier (a Redis crawl of
// several processes): it begins by PrepareShared, which refuses to start
// the crawl over while others work on it; it registers under a name of its
// own, which its WARC files carry, so that processes sharing a folder or a
// collection never take the same file name; it deduplicates against the
// crawl's index of payload digests in Redis, so a payload one process
// stored is a revisit in another; and it keeps its pending index lines in
// a spill folder of its own, which only a process finding it dead removes.

// PrepareShared decides how this process begins its part of a crawl on a
// shared frontier (s.Given.Frontier, a Redis URL, and s.Given.CrawlID),
// as Prepare does for a collection's own frontier. The first process
// records the crawl's seeds and settings there (Run does); a process that
// states no crawl (no seeds, no config file) joins with the recorded
// config, the flags given now applied; one that states a crawl joins when
// the settings that define it and its politeness settings
// (config.SharedDifferences) agree. A crawl that ran to its end, Fresh,
// or StartOver on a mismatch clears the frontier for a new crawl.
func PrepareShared(ctx context.Context, s Start) (Plan, error) {
	f, err := frontier.OpenRedis(ctx, s.Given.Frontier, s.Given.CrawlID, frontier.RedisOptions{})
	if err != nil {
		return Plan{}, fmt.Errorf("read crawl %s: %w", s.Given.CrawlID, err)
	}
	defer f.Close()
	recorded, finished, err := readRunMeta(f)
	if err != nil {
		return Plan{}, err
	}
	where := "crawl " + s.Given.CrawlID + " in the shared frontier"
	if finished {
		recorded = nil
	}
	if recorded == nil && !s.Stated {
		return Plan{}, &config.FieldError{Field: "seeds", Reason: where + " has no unfinished crawl to join: give its seeds or config to start it"}
	}
	return prepare(s, recordedCrawl{
		config:      recorded,
		exists:      recorded != nil || finished,
		where:       where,
		differences: config.SharedDifferences,
		place: func(c *config.Config) {
			c.Frontier, c.CrawlID = s.Given.Frontier, s.Given.CrawlID
			if s.Given.Output != "" { // else the recorded folder
				c.Output = s.Given.Output
			}
		},
		drop: func() error {
			if err := refuseBusy(ctx, f, where); err != nil {
				return err
			}
			return f.Clear(ctx)
		},
	})
}

// ErrCrawlBusy is PrepareShared's refusal to start over a crawl that
// processes are still working on.
var ErrCrawlBusy = errors.New("processes are still working on it")

// refuseBusy refuses to clear a shared crawl while processes are at work
// on it (their heartbeat is current), naming them.
func refuseBusy(ctx context.Context, f *frontier.Redis, where string) error {
	alive, err := f.Processes(ctx)
	if err != nil || len(alive) == 0 {
		return err
	}
	names := make([]string, 0, len(alive))
	var last time.Time
	for _, p := range alive {
		names = append(names, fmt.Sprintf("%s (pid %d on %s, writing into %s)", p.ID, p.PID, p.Hostname, p.Output))
		if p.Expires.After(last) {
			last = p.Expires
		}
	}
	return fmt.Errorf("%s cannot start over: %w: %s; stop them first (a process that died counts for %s more)",
		where, ErrCrawlBusy, strings.Join(names, ", "), time.Until(last).Round(time.Second))
}

// openShared opens the crawl's shared frontier for Run and registers this
// process in it.
func (c *Crawler) openShared(ctx context.Context) (*frontier.Redis, error) {
	f, err := frontier.OpenRedis(ctx, c.cfg.Frontier, c.cfg.CrawlID, frontier.RedisOptions{
		Options:  FrontierOptions(c.cfg),
		LeaseTTL: c.opts.LeaseTTL,
		Logger:   c.log,
		Outage:   c.metrics.FrontierOutage,
	})
	if err != nil {
		return nil, fmt.Errorf("open crawl %s: %w", c.cfg.CrawlID, err)
	}
	output, err := filepath.Abs(c.cfg.Output)
	if err != nil {
		output = c.cfg.Output
	}
	if c.process, err = f.Register(ctx, frontier.Process{Output: output}); err != nil {
		return nil, errors.Join(fmt.Errorf("join crawl %s: %w", c.cfg.CrawlID, err), f.Close())
	}
	c.shared = f
	c.trips.Store(f)
	c.log.Info("joined the shared crawl", "crawl_id", c.cfg.CrawlID, "process", c.process)
	return f, nil
}

// leaveShared closes the shared frontier, handing back the items still in
// flight, and says what this process cost Redis.
func (c *Crawler) leaveShared() error {
	err := c.shared.Close()
	c.log.Info("left the shared crawl", "crawl_id", c.cfg.CrawlID, "process", c.process, "redis_round_trips", c.shared.RoundTrips())
	return err
}

// FrontierRoundTrips is how many round trips to Redis this process's
// shared frontier made, for metrics; 0 on a frontier of the process's own.
func (c *Crawler) FrontierRoundTrips() int64 {
	if f := c.trips.Load(); f != nil {
		return f.RoundTrips()
	}
	return 0
}

// spillDir is where this process's index lines wait until the crawl ends:
// the state folder, or on a shared crawl a folder of the process's own in
// it, as another live process may share the collection folder.
func (c *Crawler) spillDir() string {
	if c.process == "" {
		return c.layout.State()
	}
	return filepath.Join(c.layout.State(), spillPrefix+c.process)
}

const spillPrefix = "cdxj-"

// removeDeadSpills removes the index lines that dead crawls left waiting:
// a crawl of this folder's own frontier is the only one writing here;
// on a shared crawl, the spill folders of processes alive stay.
func (c *Crawler) removeDeadSpills(ctx context.Context) error {
	spills, _ := warc.SpillFiles(c.layout.State())
	if c.shared != nil {
		// Bookkeeping a crawl stopped at once still does, as it records itself.
		alive, err := c.shared.Processes(context.WithoutCancel(ctx))
		if err != nil {
			return err
		}
		dirs, _ := filepath.Glob(filepath.Join(c.layout.State(), spillPrefix+"*"))
		for _, d := range dirs {
			id := strings.TrimPrefix(filepath.Base(d), spillPrefix)
			if !slices.ContainsFunc(alive, func(p frontier.Process) bool { return p.ID == id }) {
				spills = append(spills, d)
			}
		}
	}
	for _, f := range spills {
		if err := os.RemoveAll(f); err != nil {
			return fmt.Errorf("remove a dead crawl's index spill file: %w", err)
		}
	}
	return nil
}

// sharedDedup is the crawl's index of payload digests in its Redis
// frontier, as a warc.Dedup.
type sharedDedup struct{ f *frontier.Redis }

func (d sharedDedup) Lookup(ctx context.Context, digest string) (warc.Ref, bool, error) {
	raw, err := d.f.Original(ctx, digest)
	if err != nil || raw == nil {
		return warc.Ref{}, false, err
	}
	var ref warc.Ref
	if err := json.Unmarshal(raw, &ref); err != nil {
		return warc.Ref{}, false, fmt.Errorf("read the original of payload %s: %w", digest, err)
	}
	return ref, true, nil
}

func (d sharedDedup) Add(ctx context.Context, digest string, original warc.Ref) error {
	raw, err := json.Marshal(original)
	if err != nil {
		return err
	}
	return d.f.AddOriginal(ctx, digest, raw)
}

func (sharedDedup) Close() error { return nil }
