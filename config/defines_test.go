package config

import (
	"reflect"
	"slices"
	"testing"
	"time"
)

// The settings a resumed crawl must keep: those that choose its URLs and
// name and store its records. Speed, limits and logging may change between
// runs; the output folder is where the crawl is found, however it is spelled.
func TestDefiningSettings(t *testing.T) {
	want := []string{"seeds", "job", "scope", "include", "exclude", "max_depth",
		"embeds", "robots", "dedup", "dry_run", "warc_prefix", "warc_version", "sitemaps", "feeds", "since"}
	if got := DefiningSettings(); !reflect.DeepEqual(got, want) {
		t.Errorf("DefiningSettings() = %v, want %v", got, want)
	}
}

func TestDifferences(t *testing.T) {
	base := Default()
	base.Seeds = []string{"https://example.com/"}
	base.Job, base.Output = "news", "/srv/news"
	tests := []struct {
		name   string
		change func(*Config)
		want   []string
	}{
		{"same", func(*Config) {}, nil},
		{"speed and logging may change", func(c *Config) {
			c.Delay, c.Workers, c.MaxPages, c.MetricsAddr, c.Operator = time.Minute, 1, 5, "", "someone"
			c.Output = "collections/news/"
		}, nil},
		{"an empty list equals none", func(c *Config) { c.Include = []string{} }, nil},
		{"scope", func(c *Config) { c.Scope = ScopeHost }, []string{"scope: host, was domain"}},
		{"robots and dedup", func(c *Config) { c.Robots, c.Dedup = RobotsIgnore, DedupOff },
			[]string{"robots: ignore, was obey", "dedup: off, was digest"}},
		{"seeds", func(c *Config) { c.Seeds = append(slices.Clone(c.Seeds), "https://example.org/") },
			[]string{"seeds: [https://example.com/ https://example.org/], was [https://example.com/]"}},
		{"job", func(c *Config) { c.Job = "other" }, []string{"job: other, was news"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			next := base
			tt.change(&next)
			if got := Differences(base, next); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Differences = %q, want %q", got, tt.want)
			}
		})
	}
}
