package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func writeServe(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "serve.yaml")
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func noEnv(string) string { return "" }

func TestServeExampleLoads(t *testing.T) {
	cfg, err := LoadServeFile("example-serve.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := cfg.Finish(noEnv); err != nil {
		t.Fatal(err)
	}
	if len(cfg.Jobs) != 2 {
		t.Fatalf("%d jobs, want 2", len(cfg.Jobs))
	}
	j := cfg.Jobs[1]
	if j.Job != "articles" || j.Output != filepath.Join("collections", "articles") || j.Overlap != OverlapQueue || j.MaxDuration != 6*time.Hour {
		t.Errorf("job 1 = name %q output %q overlap %q max %v", j.Job, j.Output, j.Overlap, j.MaxDuration)
	}
	// Unset crawl settings keep the one-shot defaults; set ones are read.
	if j.Workers != Default().Workers || j.MaxPages != 50000 || j.Delay != Default().Delay || cfg.Jobs[0].Delay != 2*time.Second {
		t.Errorf("crawl settings not defaulted: workers %d max_pages %d delay %v", j.Workers, j.MaxPages, j.Delay)
	}
	if j.MetricsAddr != "" {
		t.Errorf("job metrics_addr = %q, want none", j.MetricsAddr)
	}
}

func TestServeValidationNamesJobAndField(t *testing.T) {
	const seeds = "\n    seeds: [\"http://example.org/\"]"
	const job = "jobs:\n  - name: a\n    schedule: \"@hourly\"" + seeds
	long := strings.Repeat("a", MaxNameLength+1)
	tests := []struct {
		name, yaml, field string
		env               string
	}{
		{"bad schedule", "jobs:\n  - name: a\n    schedule: \"* *\"" + seeds, "jobs[0] (a): schedule", ""},
		{"bad descriptor", "jobs:\n  - name: a\n    schedule: \"@fortnightly\"" + seeds, "jobs[0] (a): schedule", ""},
		{"third job", "jobs:\n  - name: a\n    schedule: \"@hourly\"" + seeds + "\n  - name: b\n    schedule: \"@daily\"" + seeds +
			"\n  - name: nightly\n    schedule: \"61 * * * *\"" + seeds, "jobs[2] (nightly): schedule", ""},
		{"no seeds", "jobs:\n  - name: a\n    schedule: \"@hourly\"", "jobs[0] (a): seeds", ""},
		{"crawl field", "jobs:\n  - name: a\n    schedule: \"@hourly\"\n    workers: 0" + seeds, "jobs[0] (a): workers", ""},
		{"overlap", "jobs:\n  - name: a\n    schedule: \"@hourly\"\n    overlap: maybe" + seeds, "jobs[0] (a): overlap", ""},
		{"since per job", "jobs:\n  - name: a\n    schedule: \"@hourly\"\n    since: 7d" + seeds, "jobs[0] (a): since", ""},
		{"output per job", "jobs:\n  - name: a\n    schedule: \"@hourly\"\n    output: x" + seeds, "jobs[0] (a): output", ""},
		{"bad name", "jobs:\n  - name: a/b\n    schedule: \"@hourly\"" + seeds, "jobs[0] (a/b): name", ""},
		{"duplicate name", "jobs:\n  - name: a\n    schedule: \"@hourly\"" + seeds + "\n  - name: a\n    schedule: \"@hourly\"" + seeds, "jobs[1] (a): name", ""},
		{"no jobs", "max_concurrent_runs: 1", "jobs", ""},
		{"no run slots", "max_concurrent_runs: 0\njobs:\n  - name: a\n    schedule: \"@hourly\"" + seeds, "max_concurrent_runs", ""},
		{"public without token", "metrics_addr: 0.0.0.0:9791\njobs:\n  - name: a\n    schedule: \"@hourly\"" + seeds, "metrics_addr", ""},
		{"all interfaces without token", "metrics_addr: :9791\njobs:\n  - name: a\n    schedule: \"@hourly\"" + seeds, "metrics_addr", ""},
		{"public with env token", "metrics_addr: 0.0.0.0:9791\njobs:\n  - name: a\n    schedule: \"@every 2s\"" + seeds, "", "s3cret"},
		{"public acknowledged without token", "metrics_addr: 0.0.0.0:9791\nmetrics_public: true\njobs:\n  - name: a\n    schedule: \"@hourly\"" + seeds, "", ""},
		{"metrics_public per job", "jobs:\n  - name: a\n    schedule: \"@hourly\"\n    metrics_public: true" + seeds, "jobs[0] (a): metrics_public", ""},
		{"ipv6 loopback", "metrics_addr: \"[::1]:9791\"\njobs:\n  - name: a\n    schedule: \"0 */6 * * 1-5\"" + seeds, "", ""},
		{"blank token", "api_token: \"   \"\n" + job, "api_token", ""},
		{"token with a line end", "api_token: \"s3cret\\n\"\n" + job, "api_token", ""},
		{"token with a space inside", "api_token: \"s3 cret\"\n" + job, "api_token", ""},
		{"blank token from the environment", "metrics_addr: 0.0.0.0:9791\n" + job, "$" + EnvAPIToken, " \t "},
		{"environment token with a line end", "metrics_addr: 0.0.0.0:9791\n" + job, "$" + EnvAPIToken, "s3cret\n"},
		{"token of every b64token character", "metrics_addr: 0.0.0.0:9791\n" + job, "", "s3cret-._~+/="},
		{"metrics port 0", "metrics_addr: 127.0.0.1:0\n" + job, "metrics_addr", ""},
		{"metrics port 99999", "metrics_addr: 127.0.0.1:99999\n" + job, "metrics_addr", ""},
		{"runs at the cap", "max_concurrent_runs: 64\n" + job, "", ""},
		{"runs over the cap", "max_concurrent_runs: 65\n" + job, "max_concurrent_runs", ""},
		{"job name too long", strings.Replace(job, "name: a", "name: "+long, 1), "jobs[0] (" + long + "): name", ""},
		{"job name ..", strings.Replace(job, "name: a", "name: ..", 1), "jobs[0] (..): name", ""},
		{"job workers over the cap", job + "\n    workers: 100000000", "jobs[0] (a): workers", ""},
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
				if cfg.APIToken != tt.env {
					t.Errorf("token = %q, want %q", cfg.APIToken, tt.env)
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

func TestServeRejectsUnknownKeysInJobs(t *testing.T) {
	_, err := LoadServeFile(writeServe(t, "jobs:\n  - name: a\n    schedule: \"@hourly\"\n    seedz: [\"http://x/\"]\n"))
	if err == nil || !strings.Contains(err.Error(), "seedz") {
		t.Fatalf("LoadServeFile = %v, want an unknown field error naming seedz", err)
	}
}
