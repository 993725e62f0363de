package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/robfig/cron/v3"
)

// EnvAPIToken names the environment variable that supplies the API token
// when the config holds none, so the secret can stay out of the file.
const EnvAPIToken = "ARKISTO_API_TOKEN"

// ServeConfig is what `arkisto serve` runs: scheduled jobs and the daemon's
// own settings. Field names are the YAML keys.
type ServeConfig struct {
	Jobs              []Job  `yaml:"jobs"`
	MaxConcurrentRuns int    `yaml:"max_concurrent_runs"`
	MetricsAddr       string `yaml:"metrics_addr"` // /metrics, /healthz and /api on one listener
	APIToken          string `yaml:"api_token"`    // bearer token; else $ARKISTO_API_TOKEN
	// MetricsPublic acknowledges a listener reachable from other machines
	// without api_token: /metrics is then public, /api answers loopback only.
	MetricsPublic bool `yaml:"metrics_public"`
}

// Job is one scheduled crawl: when to run it, where its collection is, and
// every crawl setting of a one-shot crawl, inline (seeds, sitemaps, feeds,
// scope, limits, politeness).
type Job struct {
	Name        string        `yaml:"name"`
	Schedule    string        `yaml:"schedule"`   // cron: five fields, or @hourly, @daily, @every 30m ...
	Collection  string        `yaml:"collection"` // default collections/NAME
	Overlap     string        `yaml:"overlap"`    // skip (default) or queue, when a run is due while one goes on
	MaxDuration time.Duration `yaml:"max_duration"`
	Config      `yaml:",inline"`
}

// Overlap policies.
const (
	OverlapSkip  = "skip"
	OverlapQueue = "queue"
)

// UnmarshalYAML starts every job from the crawl defaults, as a one-shot
// crawl's config does, so a job names only what it changes.
func (j *Job) UnmarshalYAML(unmarshal func(any) error) error {
	type plain Job
	p := plain{Overlap: OverlapSkip, Config: Default()}
	// Per-job listeners would collide: the daemon has one.
	p.MetricsAddr = ""
	if err := unmarshal(&p); err != nil {
		return err
	}
	*j = Job(p)
	return nil
}

// DefaultServe returns a ServeConfig with the daemon's defaults and no jobs.
func DefaultServe() ServeConfig {
	return ServeConfig{MaxConcurrentRuns: 2, MetricsAddr: DefaultMetricsAddr}
}

// LoadServeFile reads a serve config. Unknown keys are errors, in jobs too.
func LoadServeFile(path string) (ServeConfig, error) {
	cfg := DefaultServe()
	data, err := os.ReadFile(path)
	if err != nil {
		return cfg, fmt.Errorf("read serve config: %w", err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data), yaml.DisallowUnknownField())
	if err := dec.Decode(&cfg); err != nil && !errors.Is(err, io.EOF) {
		return cfg, fmt.Errorf("serve config %s: %s", path, yaml.FormatError(err, false, true))
	}
	return cfg, nil
}

// Finish takes the API token from the environment when the config has
// none, fills each job's derived fields (job name, output, user agent, seeds
// file) and validates everything. getenv is os.Getenv outside tests.
func (s *ServeConfig) Finish(getenv func(string) string) error {
	if s.APIToken == "" {
		s.APIToken = getenv(EnvAPIToken)
	}
	if err := s.validateDaemon(); err != nil {
		return err
	}
	if len(s.Jobs) == 0 {
		return fieldError("jobs", "at least one job is required")
	}
	names := map[string]bool{}
	for i := range s.Jobs {
		j := &s.Jobs[i]
		at := fmt.Sprintf("jobs[%d] (%s)", i, j.Name)
		if err := j.finish(); err != nil {
			var fe *FieldError
			if errors.As(err, &fe) {
				return &FieldError{Field: at + ": " + fe.Field, Reason: fe.Reason, Err: fe.Err}
			}
			return fmt.Errorf("%s: %w", at, err)
		}
		if names[j.Name] {
			return fieldError(at+": name", "another job has this name")
		}
		names[j.Name] = true
	}
	return nil
}

func (s *ServeConfig) validateDaemon() error {
	if s.MaxConcurrentRuns < 1 {
		return fieldError("max_concurrent_runs", "must be at least 1")
	}
	if _, _, err := net.SplitHostPort(s.MetricsAddr); err != nil {
		return fieldError("metrics_addr", err.Error())
	}
	return s.Listener().Check("metrics_addr")
}

// Listener is the daemon's listener as configured, for the exposure rule
// every metrics listener follows.
func (s *ServeConfig) Listener() Listener {
	return Listener{Addr: s.MetricsAddr, Token: s.APIToken != "", Public: s.MetricsPublic}
}

// jobName keeps names usable as URL path segments and metric labels.
var jobName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

// ParseSchedule reads a job's schedule: five cron fields, or a descriptor
// (@hourly, @daily, @weekly, @monthly, @yearly, @every DURATION).
func ParseSchedule(spec string) (cron.Schedule, error) {
	sched, err := cron.ParseStandard(spec)
	if err != nil {
		return nil, fmt.Errorf("parse schedule %q: %w", spec, err)
	}
	return sched, nil
}

func (j *Job) finish() error {
	if !jobName.MatchString(j.Name) {
		return fieldError("name", "must be letters, digits, '.', '_' or '-', starting with a letter or digit")
	}
	if _, err := ParseSchedule(j.Schedule); err != nil {
		return &FieldError{Field: "schedule", Reason: err.Error(), Err: err}
	}
	if j.Overlap != OverlapSkip && j.Overlap != OverlapQueue {
		return fieldError("overlap", "must be skip or queue")
	}
	if j.MaxDuration < 0 {
		return fieldError("max_duration", "must be 0 (no limit) or positive")
	}
	// The daemon sets these per run; a value here would be silently lost.
	for _, f := range []struct{ name, value, why string }{
		{"job", j.Job, "the job's name is name:"},
		{"output", j.Output, "the job's output is collection:"},
		{"since", j.Since, "each run takes the start of the job's last successful run"},
		{"metrics_addr", j.MetricsAddr, "the daemon has one listener, set at the top level"},
		{"pushgateway", j.Pushgateway, "the daemon is scraped, not pushed"},
		{"metrics_public", map[bool]string{true: "true"}[j.MetricsPublic], "the daemon has one listener, set at the top level"},
	} {
		if f.value != "" {
			return fieldError(f.name, "not settable per job: "+f.why)
		}
	}
	if j.Collection == "" {
		j.Collection = filepath.Join("collections", j.Name)
	}
	j.Job, j.Output = j.Name, j.Collection
	return j.Config.Finish()
}
