package crawler_test

import (
	"context"
	"errors"
	"os"
	"reflect"
	"testing"

	"arkisto/config"
	"arkisto/crawler"
)

// interruptedCrawl leaves an unfinished crawl of cfg in cfg.Output: its
// run is stopped before it fetches anything (the seed is never dialed).
func interruptedCrawl(t *testing.T, cfg config.Config) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := runCrawl(t, ctx, cfg, crawler.Options{}); !errors.Is(err, crawler.ErrInterrupted) {
		t.Fatalf("interrupted crawl: %v, want ErrInterrupted", err)
	}
}

// Prepare resumes an unfinished crawl whose defining settings agree,
// refuses or drops one whose settings differ, and leaves a folder with no
// unfinished crawl to a new one.
func TestPrepare(t *testing.T) {
	const seed = "http://127.0.0.1:9/" // never dialed
	base := func(t *testing.T) config.Config {
		cfg := testConfig(t, seed)
		cfg.GracePeriod = 0
		return cfg
	}
	faster := func(c *config.Config) error { c.Workers = 1; return nil }
	tests := []struct {
		name        string
		unfinished  bool
		start       func(given config.Config) crawler.Start
		wantResumes bool
		wantDropped bool // the frontier is gone
		wantErr     bool
		check       func(t *testing.T, given config.Config, p crawler.Plan)
	}{
		{"empty folder: a new crawl", false, func(g config.Config) crawler.Start {
			return crawler.Start{Given: g, Stated: true}
		}, false, false, false, nil},
		{"same settings resume", true, func(g config.Config) crawler.Start {
			g.Delay = 0 // speed may change
			return crawler.Start{Given: g, Stated: true}
		}, true, false, false, nil},
		{"other scope refused", true, func(g config.Config) crawler.Start {
			g.Scope = config.ScopeHost
			return crawler.Start{Given: g, Stated: true}
		}, false, false, true, nil},
		{"other scope starts over", true, func(g config.Config) crawler.Start {
			g.Scope = config.ScopeHost
			return crawler.Start{Given: g, Stated: true, Mismatch: crawler.StartOver}
		}, false, true, false, func(t *testing.T, _ config.Config, p crawler.Plan) {
			if !reflect.DeepEqual(p.Dropped, []string{"scope: host, was domain"}) {
				t.Errorf("Dropped = %q", p.Dropped)
			}
		}},
		{"fresh", true, func(g config.Config) crawler.Start {
			g.Scope = config.ScopeHost
			return crawler.Start{Given: g, Stated: true, Fresh: true}
		}, false, true, false, nil},
		{"a folder only: the recorded config, overridden", true, func(g config.Config) crawler.Start {
			return crawler.Start{Given: config.Config{Output: g.Output}, Override: faster}
		}, true, false, false, func(t *testing.T, given config.Config, p crawler.Plan) {
			want := given
			want.Workers = 1
			if !reflect.DeepEqual(p.Config, want) {
				t.Errorf("Config =\n%+v\nwant\n%+v", p.Config, want)
			}
		}},
		{"a folder only, a defining setting changed: refused", true, func(g config.Config) crawler.Start {
			return crawler.Start{Given: config.Config{Output: g.Output}, Override: func(c *config.Config) error {
				c.Robots = config.RobotsIgnore
				return nil
			}}
		}, false, false, true, nil},
		{"a folder only, nothing to resume: seeds needed", false, func(g config.Config) crawler.Start {
			return crawler.Start{Given: config.Config{Output: g.Output}, Override: faster}
		}, false, false, true, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			given := base(t)
			if tt.unfinished {
				interruptedCrawl(t, given)
			}
			layout := crawler.Layout{Dir: given.Output}
			p, err := crawler.Prepare(tt.start(given))
			if (err != nil) != tt.wantErr {
				t.Fatalf("Prepare: err %v, want error %v", err, tt.wantErr)
			}
			var mismatch *crawler.MismatchError
			if err != nil && tt.unfinished && !errors.As(err, &mismatch) {
				t.Errorf("refusal %v is not a *MismatchError", err)
			}
			if p.Resumes() != tt.wantResumes {
				t.Errorf("Resumes() = %v, want %v", p.Resumes(), tt.wantResumes)
			}
			_, statErr := os.Stat(layout.Frontier())
			if dropped := tt.unfinished && errors.Is(statErr, os.ErrNotExist); dropped != tt.wantDropped {
				t.Errorf("frontier dropped = %v, want %v (stat: %v)", dropped, tt.wantDropped, statErr)
			}
			if tt.check != nil {
				tt.check(t, given, p)
			}
		})
	}
}
