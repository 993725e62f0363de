package config

import (
	"errors"
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

// warc_prefix and metrics_addr are checked up front, not at the first
// write or at listen time.
func TestValidateNamesAndAddresses(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*Config)
		field  string // "" means valid
	}{
		{"warc_prefix .", func(c *Config) { c.WARCPrefix = "." }, "warc_prefix"},
		{"warc_prefix ..", func(c *Config) { c.WARCPrefix = ".." }, "warc_prefix"},
		{"warc_prefix with a newline", func(c *Config) { c.WARCPrefix = "a\nb" }, "warc_prefix"},
		{"warc_prefix with a tab", func(c *Config) { c.WARCPrefix = "a\tb" }, "warc_prefix"},
		{"warc_prefix of 300 characters", func(c *Config) { c.WARCPrefix = strings.Repeat("p", 300) }, "warc_prefix"},
		{"warc_prefix at the length limit", func(c *Config) { c.WARCPrefix = strings.Repeat("p", MaxNameLength) }, ""},
		{"warc_prefix with dots inside", func(c *Config) { c.WARCPrefix = "news.example-2026" }, ""},
		{"metrics port 0", func(c *Config) { c.MetricsAddr = "127.0.0.1:0" }, "metrics_addr"},
		{"metrics port 99999", func(c *Config) { c.MetricsAddr = "127.0.0.1:99999" }, "metrics_addr"},
		{"metrics port by service name", func(c *Config) { c.MetricsAddr = "127.0.0.1:http" }, "metrics_addr"},
		{"metrics port empty", func(c *Config) { c.MetricsAddr = "127.0.0.1:" }, "metrics_addr"},
		{"metrics port 65535", func(c *Config) { c.MetricsAddr = "127.0.0.1:65535" }, ""},
		{"metrics port 1 on all interfaces", func(c *Config) { c.MetricsAddr = ":1" }, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Default()
			c.Seeds = []string{"https://example.com/"}
			tt.mutate(&c)
			err := c.Validate()
			switch {
			case tt.field == "" && err != nil:
				t.Fatalf("Validate: %v", err)
			case tt.field != "" && err == nil:
				t.Fatalf("Validate accepted it")
			case tt.field != "" && fieldOf(t, err) != tt.field:
				t.Fatalf("Validate = %v, want a %s error", err, tt.field)
			}
		})
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

func TestServeDaemonSettings(t *testing.T) {
	const job = "\njobs:\n  - name: a\n    schedule: \"@hourly\"\n    seeds: [\"http://example.org/\"]\n"
	tests := []struct {
		name, yaml, env, field string
	}{
		{"blank token", "api_token: \"   \"" + job, "", "api_token"},
		{"token with a line end", "api_token: \"s3cret\\n\"" + job, "", "api_token"},
		{"token with a space inside", "api_token: \"s3 cret\"" + job, "", "api_token"},
		{"blank token from the environment", "metrics_addr: 0.0.0.0:9791" + job, " \t ", "$" + EnvAPIToken},
		{"environment token with a line end", "metrics_addr: 0.0.0.0:9791" + job, "s3cret\n", "$" + EnvAPIToken},
		{"good token", "api_token: \"s3cret-._~+/=\"" + job, "", ""},
		{"port 0", "metrics_addr: 127.0.0.1:0" + job, "", "metrics_addr"},
		{"port 99999", "metrics_addr: 127.0.0.1:99999" + job, "", "metrics_addr"},
		{"runs at the cap", "max_concurrent_runs: 64" + job, "", ""},
		{"runs over the cap", "max_concurrent_runs: 65" + job, "", "max_concurrent_runs"},
		{"job name too long", strings.Replace(job, "name: a", "name: "+strings.Repeat("a", MaxNameLength+1), 1), "", "jobs[0] (" + strings.Repeat("a", MaxNameLength+1) + "): name"},
		{"job name ..", strings.Replace(job, "name: a", "name: ..", 1), "", "jobs[0] (..): name"},
		{"job workers over the cap", strings.Replace(job, "seeds:", "workers: 100000000\n    seeds:", 1), "", "jobs[0] (a): workers"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := LoadServeFile(writeServe(t, tt.yaml))
			if err != nil {
				t.Fatal(err)
			}
			err = cfg.Finish(func(k string) string {
				if k == EnvAPIToken {
					return tt.env
				}
				return ""
			})
			if tt.field == "" {
				if err != nil {
					t.Fatalf("Finish: %v", err)
				}
				return
			}
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Field != tt.field {
				t.Fatalf("Finish = %v, want a FieldError on %q", err, tt.field)
			}
			if strings.Contains(err.Error(), "s3") {
				t.Errorf("the message shows the token: %v", err)
			}
		})
	}
}
