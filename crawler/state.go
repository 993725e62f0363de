package crawler

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"

	"arkisto/config"
	"arkisto/crawler/frontier"
)

// Keys of the run metadata kept beside the frontier.
const (
	metaConfig   = "config"   // the config the crawl started with, JSON
	metaFinished = "finished" // "true" once the crawl ran to its end
)

// frontierPath is where a collection keeps its crawl's frontier.
func frontierPath(output string) string {
	return filepath.Join(output, stateDir, "frontier.db")
}

// PrepareState looks at the crawl state in a collection folder before a
// crawl into it. With fresh, or when the last crawl there ran to its end, it
// clears the frontier so a new crawl starts (the deduplication index stays:
// it belongs to the collection). Otherwise it returns the config of the
// unfinished crawl, which the next Run resumes.
func PrepareState(output string, fresh bool) (*config.Config, error) {
	path := frontierPath(output)
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if !fresh {
		recorded, finished, err := readRunMeta(path)
		if err != nil {
			return nil, err
		}
		if !finished && recorded != nil {
			return recorded, nil
		}
	}
	if err := os.Remove(path); err != nil {
		return nil, fmt.Errorf("clear the frontier of %s: %w", output, err)
	}
	return nil, nil
}

func readRunMeta(path string) (*config.Config, bool, error) {
	f, err := frontier.OpenBolt(path, frontier.Options{})
	if err != nil {
		return nil, false, fmt.Errorf("read crawl state: %w", err)
	}
	defer f.Close()
	raw, err := f.Meta(metaConfig)
	if err != nil || raw == nil {
		return nil, false, err
	}
	var cfg config.Config
	if err := json.Unmarshal(raw, &cfg); err != nil {
		return nil, false, fmt.Errorf("read the config recorded in %s: %w", path, err)
	}
	finished, err := f.Meta(metaFinished)
	return &cfg, string(finished) == "true", err
}

// Differences lists the settings in which next would crawl differently
// from recorded, the crawl it is meant to resume, by their YAML names.
// Settings that only change how fast or how loud the crawl runs may differ.
func Differences(recorded, next config.Config) []string {
	var diffs []string
	r, n := reflect.ValueOf(recorded), reflect.ValueOf(next)
	for i := range r.NumField() {
		name := strings.Split(r.Type().Field(i).Tag.Get("yaml"), ",")[0]
		if !definesCrawl(name) {
			continue
		}
		if !reflect.DeepEqual(normalize(r.Field(i).Interface()), normalize(n.Field(i).Interface())) {
			diffs = append(diffs, fmt.Sprintf("%s: %v, was %v", name, n.Field(i).Interface(), r.Field(i).Interface()))
		}
	}
	return diffs
}

// definesCrawl names the settings a resumed crawl must keep: they decide
// which URLs belong to it and where they go.
func definesCrawl(name string) bool {
	switch name {
	case "seeds", "sitemaps", "feeds", "job", "output", "scope", "include", "exclude",
		"max_depth", "since", "robots", "warc_prefix", "warc_version", "dedup":
		return true
	}
	return false
}

// normalize makes an empty list equal to a missing one.
func normalize(v any) any {
	if s, ok := v.([]string); ok && len(s) == 0 {
		return []string(nil)
	}
	return v
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

// metaStore is the part of an on-disk frontier that keeps run metadata.
type metaStore interface {
	Meta(key string) ([]byte, error)
	SetMeta(key string, value []byte) error
}
