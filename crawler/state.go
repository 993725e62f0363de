package crawler

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"

	"arkisto/config"
	"arkisto/crawler/frontier"
)

// Keys of the run metadata kept beside the frontier.
const (
	metaConfig   = "config"   // the config the crawl started with, JSON
	metaFinished = "finished" // "true" once the crawl ran to its end
	metaTaken    = "taken"    // items taken from the frontier so far, for --max-pages across a resume
)

// Mismatch says what Prepare does with an unfinished crawl that was
// started with other settings than the ones given now.
type Mismatch int

const (
	// Refuse returns a *MismatchError: the user chooses (arkisto crawl).
	Refuse Mismatch = iota
	// StartOver drops the unfinished crawl's frontier: its URLs were chosen
	// by other rules (arkisto serve, after a job's config changed).
	StartOver
)

// Start is what a crawl into a collection folder is asked to begin with.
type Start struct {
	// Given is the config given now. Its Output is the collection folder.
	Given config.Config
	// Stated says that Given states a whole crawl (seeds or a config file
	// were given) and has passed config.Finish. Otherwise it only points
	// at a folder, whose unfinished crawl is resumed with its recorded
	// config, Override applied.
	Stated bool
	// Override applies what was given now (speed, logging) to a recorded
	// config; nil: nothing.
	Override func(*config.Config) error
	// Fresh drops an unfinished crawl and starts a new one.
	Fresh    bool
	Mismatch Mismatch
}

// Plan is how a crawl begins: the config to give New, and whether Run
// takes up the unfinished crawl the folder holds.
type Plan struct {
	Config config.Config
	Begins Beginning
	// Dropped lists, after StartOver, the settings in which the dropped
	// crawl differed (as config.Differences words them).
	Dropped []string
}

// Beginning says what a crawl does with its collection folder.
type Beginning string

const (
	// BeginNew: the folder holds no WARC file yet.
	BeginNew Beginning = "new"
	// BeginResumed: Run takes up the unfinished crawl in the folder.
	BeginResumed Beginning = "resumed"
	// BeginContinued: a new crawl adds to the WARC files of earlier ones;
	// payloads they hold become revisits.
	BeginContinued Beginning = "continued"
)

// Resumes says whether Run takes up the unfinished crawl in the folder.
func (p Plan) Resumes() bool { return p.Begins == BeginResumed }

// newCrawl is the Plan of a crawl that starts afresh in l.
func newCrawl(l Layout, cfg config.Config, dropped []string) (Plan, error) {
	files, err := l.WARCFiles()
	if err != nil {
		return Plan{}, err
	}
	p := Plan{Config: cfg, Begins: BeginNew, Dropped: dropped}
	if len(files) > 0 {
		p.Begins = BeginContinued
	}
	return p, nil
}

// MismatchError is Prepare's refusal to resume a crawl whose defining
// settings differ from the ones given.
type MismatchError struct {
	Dir         string
	Differences []string
}

func (e *MismatchError) Error() string {
	return fmt.Sprintf("%s holds an unfinished crawl started with other settings (%s)", e.Dir, strings.Join(e.Differences, "; "))
}

// Prepare decides how a crawl into s.Given.Output begins. A folder whose
// last crawl ran to its end, or holds none, takes a new crawl (Run clears a
// finished frontier; the deduplication index stays: it belongs to the
// collection). An unfinished crawl is resumed when the settings that
// define it (config.DefiningSettings) agree; Fresh, or StartOver on a
// mismatch, drops it.
func Prepare(s Start) (Plan, error) {
	layout := Layout{Dir: s.Given.Output}
	recorded, err := unfinishedCrawl(layout.Frontier())
	if err != nil {
		return Plan{}, err
	}
	return prepare(s, recordedCrawl{
		config:      recorded,
		exists:      recorded != nil,
		where:       layout.Dir,
		differences: config.Differences,
		place:       func(c *config.Config) { c.Output = s.Given.Output },
		drop:        func() error { return dropFrontier(layout) },
	})
}

// recordedCrawl is what Prepare found of a crawl in a frontier.
type recordedCrawl struct {
	config      *config.Config // the unfinished crawl's recorded config; nil: none to take up
	exists      bool           // something of a crawl is there, to drop for a new one
	where       string         // the frontier, for MismatchError
	differences func(recorded, next config.Config) []string
	place       func(*config.Config) // sets, on a recorded config, where this process works
	drop        func() error
}

// prepare is the decision Prepare and PrepareShared share.
func prepare(s Start, r recordedCrawl) (Plan, error) {
	if r.config == nil || s.Fresh {
		// Nothing is dropped for a crawl that cannot start.
		if err := s.Given.Validate(); err != nil {
			return Plan{}, err
		}
		if r.exists {
			if err := r.drop(); err != nil {
				return Plan{}, err
			}
		}
		return newCrawl(Layout{Dir: s.Given.Output}, s.Given, nil)
	}
	next := s.Given
	if !s.Stated {
		next = *r.config
		if s.Override != nil {
			if err := s.Override(&next); err != nil {
				return Plan{}, err
			}
		}
		r.place(&next)
		if err := next.Validate(); err != nil {
			return Plan{}, err
		}
	}
	diffs := r.differences(*r.config, next)
	switch {
	case len(diffs) == 0:
		return Plan{Config: next, Begins: BeginResumed}, nil
	case s.Mismatch == Refuse:
		return Plan{}, &MismatchError{Dir: r.where, Differences: diffs}
	}
	if err := r.drop(); err != nil {
		return Plan{}, err
	}
	return newCrawl(Layout{Dir: next.Output}, next, diffs)
}

// unfinishedCrawl returns the recorded config of the crawl in the
// frontier at path, nil when there is none or it ran to its end.
func unfinishedCrawl(path string) (*config.Config, error) {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	f, err := frontier.OpenBolt(path, frontier.Options{})
	if err != nil {
		return nil, fmt.Errorf("read crawl state: %w", err)
	}
	defer f.Close()
	recorded, finished, err := readRunMeta(f)
	if err != nil || finished {
		return nil, err
	}
	return recorded, nil
}

// readRunMeta returns the config a frontier's crawl started with (nil if
// it recorded none) and whether that crawl ran to its end.
func readRunMeta(meta MetaReader) (*config.Config, bool, error) {
	raw, err := meta.Meta(metaConfig)
	if err != nil || raw == nil {
		return nil, false, err
	}
	var cfg config.Config
	if err := json.Unmarshal(raw, &cfg); err != nil {
		return nil, false, fmt.Errorf("read the recorded config of a crawl: %w", err)
	}
	finished, err := meta.Meta(metaFinished)
	return &cfg, string(finished) == "true", err
}

// CrawlState is where the crawl recorded in a frontier stands.
type CrawlState string

const (
	CrawlNone       CrawlState = "none"       // no crawl recorded
	CrawlUnfinished CrawlState = "unfinished" // recorded, not run to its end
	CrawlFinished   CrawlState = "finished"   // run to its end
)

// RecordedState reads where the crawl recorded in meta (a frontier that
// keeps run metadata: Bolt, Redis) stands.
func RecordedState(meta MetaReader) (CrawlState, error) {
	recorded, finished, err := readRunMeta(meta)
	switch {
	case err != nil:
		return "", err
	case recorded == nil:
		return CrawlNone, nil
	case finished:
		return CrawlFinished, nil
	}
	return CrawlUnfinished, nil
}

// dropFrontier deletes the collection's frontier, so the next Run starts
// a new crawl.
func dropFrontier(l Layout) error {
	if err := os.Remove(l.Frontier()); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("clear the frontier of %s: %w", l.Dir, err)
	}
	return nil
}

// openFrontier opens the collection's own frontier for Run. A crawl that
// ran to its end, or died before recording its config, leaves nothing to
// resume: its frontier is cleared and the folder takes a new crawl.
func openFrontier(l Layout, opts frontier.Options) (*frontier.Bolt, error) {
	_, statErr := os.Stat(l.Frontier())
	f, err := frontier.OpenBolt(l.Frontier(), opts)
	if err != nil || errors.Is(statErr, os.ErrNotExist) {
		return f, err
	}
	recorded, finished, err := readRunMeta(f)
	if err != nil {
		return nil, errors.Join(err, f.Close())
	}
	if recorded != nil && !finished {
		return f, nil
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("close a finished crawl's frontier: %w", err)
	}
	if err := dropFrontier(l); err != nil {
		return nil, err
	}
	return frontier.OpenBolt(l.Frontier(), opts)
}

// recordStart writes the config into the state, so a crash can be resumed
// with the same settings and a later crawl knows this one did not finish.
// On a shared frontier the first process to record wins: one that
// started at the same moment with other settings is refused here.
func (c *Crawler) recordStart(meta metaStore) error {
	raw, err := json.Marshal(c.cfg)
	if err != nil {
		return err
	}
	if claimer, ok := meta.(metaClaimer); ok {
		held, err := claimer.ClaimMeta(metaConfig, raw)
		if err != nil {
			return err
		}
		var recorded config.Config
		if err := json.Unmarshal(held, &recorded); err != nil {
			return fmt.Errorf("read the recorded config of crawl %s: %w", c.cfg.CrawlID, err)
		}
		if diffs := config.SharedDifferences(recorded, c.cfg); len(diffs) > 0 {
			return &MismatchError{Dir: "crawl " + c.cfg.CrawlID + " in the shared frontier", Differences: diffs}
		}
	} else if err := meta.SetMeta(metaConfig, raw); err != nil {
		return err
	}
	return meta.SetMeta(metaFinished, []byte("false"))
}

// metaClaimer is a shared frontier's way to record run metadata once.
type metaClaimer interface {
	// ClaimMeta stores value under key unless a value is there, and
	// returns the value held then.
	ClaimMeta(key string, value []byte) ([]byte, error)
}

// MetaReader is the part of a frontier that reads run metadata.
type MetaReader interface {
	Meta(key string) ([]byte, error)
}

// metaStore is the part of an on-disk frontier that keeps run metadata.
type metaStore interface {
	MetaReader
	SetMeta(key string, value []byte) error
}

// FrontierOptions are the politeness options of cfg's frontier.
func FrontierOptions(cfg config.Config) frontier.Options {
	fo := frontier.Options{HostConcurrency: cfg.HostConcurrency}
	if cfg.HostConcurrency > 1 {
		fo.MinGap = cfg.Delay
	}
	return fo
}
