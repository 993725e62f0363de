package config

import (
	"math"
	"strings"
	"testing"
)

// Every count setting has a floor and a ceiling; the value at each passes,
// one past either is refused with the field's name and its bounds.
func TestCountSettingsAreBounded(t *testing.T) {
	tests := []struct {
		field  string
		set    func(*Config, int)
		lo, hi int
	}{
		{"max_depth", func(c *Config, v int) { c.MaxDepth = v }, 0, MaxCrawlDepth},
		{"host_concurrency", func(c *Config, v int) { c.HostConcurrency = v }, 1, MaxHostConcurrency},
		{"workers", func(c *Config, v int) { c.Workers = v }, 1, MaxWorkers},
		{"retries", func(c *Config, v int) { c.Retries = v }, 0, MaxRetries},
		{"max_redirects", func(c *Config, v int) { c.MaxRedirects = v }, 0, MaxRedirectChain},
		{"max_url_length", func(c *Config, v int) { c.MaxURLLength = v }, 0, MaxURLLengthLimit},
		{"max_path_depth", func(c *Config, v int) { c.MaxPathDepth = v }, 0, MaxPathDepthLimit},
		{"max_query_params", func(c *Config, v int) { c.MaxQueryParams = v }, 0, MaxQueryParamsLimit},
	}
	for _, tt := range tests {
		t.Run(tt.field, func(t *testing.T) {
			for _, v := range []int{tt.lo, tt.hi, tt.lo - 1, tt.hi + 1, 100_000_000, math.MinInt} {
				c := Default()
				c.Seeds = []string{"https://example.com/"}
				tt.set(&c, v)
				err := c.Validate()
				if v >= tt.lo && v <= tt.hi {
					if err != nil {
						t.Errorf("%s: %d refused: %v", tt.field, v, err)
					}
					continue
				}
				if err == nil {
					t.Errorf("%s: %d accepted", tt.field, v)
					continue
				}
				if got := fieldOf(t, err); got != tt.field || !strings.Contains(err.Error(), "between") {
					t.Errorf("%s: %d: %v, want the field and its bounds", tt.field, v, err)
				}
			}
		})
	}
	t.Run("delay_factor", func(t *testing.T) {
		for _, v := range []float64{-1, MaxDelayFactor + 1, math.NaN(), math.Inf(1)} {
			c := Default()
			c.Seeds = []string{"https://example.com/"}
			c.DelayFactor = v
			if err := c.Validate(); err == nil || fieldOf(t, err) != "delay_factor" {
				t.Errorf("delay_factor %v: %v, want a delay_factor error", v, err)
			}
		}
	})
}

func TestCheckName(t *testing.T) {
	for _, ok := range []string{"news", "a", "news.example.com", "127.0.0.1", "job_2-b", strings.Repeat("x", MaxNameLength)} {
		if err := CheckName(ok); err != nil {
			t.Errorf("CheckName(%q) = %v", ok, err)
		}
	}
	for _, bad := range []string{"", ".", "..", "../../etc", "a/b", `a\b`, "/etc", ".hidden", "-flag", "a b", "a\nb", "a\x00b", "nüs",
		strings.Repeat("x", MaxNameLength+1)} {
		if err := CheckName(bad); err == nil {
			t.Errorf("CheckName(%q) accepted it", bad)
		}
	}
}

// A job name given to crawl names its output folder: it must stay inside
// collections/, by the rule serve's job names follow.
func TestFinishRefusesJobNamesThatLeaveCollections(t *testing.T) {
	for _, job := range []string{"../../etc", "..", ".", "a/b", "/etc", `..\x`, "news\x00"} {
		c := Default()
		c.Seeds = []string{"https://example.com/"}
		c.Job = job
		err := c.Finish()
		if err == nil {
			t.Errorf("job %q: Finish accepted it, output %q", job, c.Output)
			continue
		}
		if fieldOf(t, err) != "job" || c.Output != "" {
			t.Errorf("job %q: Finish = %v, output %q; want a job error and no output", job, err, c.Output)
		}
	}
	for _, seed := range []string{"http://../", "http://./x", "https://...:8080/"} {
		c := Default()
		c.Seeds = []string{seed}
		if err := c.Finish(); err == nil || fieldOf(t, err) != "seeds[0]" {
			t.Errorf("seed %q: Finish = %v (output %q), want a seeds[0] error", seed, err, c.Output)
		}
	}
}
