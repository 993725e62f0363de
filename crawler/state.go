package crawler

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"
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
	if recorded == nil || s.Fresh {
		// Nothing is dropped for a crawl that cannot start.
		if err := s.Given.Validate(); err != nil {
			return Plan{}, err
		}
		if recorded != nil {
			if err := dropFrontier(layout); err != nil {
				return Plan{}, err
			}
		}
		return newCrawl(layout, s.Given, nil)
	}
	next := s.Given
	if !s.Stated {
		next = *recorded
		if s.Override != nil {
			if err := s.Override(&next); err != nil {
				return Plan{}, err
			}
		}
		next.Output = s.Given.Output
		if err := next.Validate(); err != nil {
			return Plan{}, err
		}
	}
	diffs := config.Differences(*recorded, next)
	switch {
	case len(diffs) == 0:
		return Plan{Config: next, Begins: BeginResumed}, nil
	case s.Mismatch == Refuse:
		return Plan{}, &MismatchError{Dir: layout.Dir, Differences: diffs}
	}
	if err := dropFrontier(layout); err != nil {
		return Plan{}, err
	}
	return newCrawl(layout, next, diffs)
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
func readRunMeta(meta metaStore) (*config.Config, bool, error) {
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
func (c *Crawler) recordStart(meta metaStore) error {
	raw, err := json.Marshal(c.cfg)
	if err != nil {
		return err
	}
	if err := meta.SetMeta(metaConfig, raw); err != nil {
		return err
	}
	return meta.SetMeta(metaFinished, []byte("false"))
}

// takenSoFar reads how many items earlier runs of this crawl took from
// the frontier, so --max-pages limits the crawl, not each run of it.
func takenSoFar(f frontier.Frontier) (int64, error) {
	meta, ok := f.(metaStore)
	if !ok {
		return 0, nil
	}
	raw, err := meta.Meta(metaTaken)
	if err != nil || raw == nil {
		return 0, err
	}
	n, err := strconv.ParseInt(string(raw), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("read the recorded page count of a crawl: %w", err)
	}
	return n, nil
}

// saveTaken records how many items the crawl has taken.
func saveTaken(f frontier.Frontier, n int64) error {
	if meta, ok := f.(metaStore); ok {
		return meta.SetMeta(metaTaken, []byte(strconv.FormatInt(n, 10)))
	}
	return nil
}

// metaStore is the part of an on-disk frontier that keeps run metadata.
type metaStore interface {
	Meta(key string) ([]byte, error)
	SetMeta(key string, value []byte) error
}
