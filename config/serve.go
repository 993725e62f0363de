package config

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

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

// LoadServeFile reads a serve config. Unknown keys are errors, in jobs
// too, as are anchors and aliases and files over MaxFileSize.
func LoadServeFile(path string) (ServeConfig, error) {
	cfg := DefaultServe()
	if err := decodeFile(path, "serve config", &cfg); err != nil && !errors.Is(err, io.EOF) {
		return cfg, err
	}
	return cfg, nil
}

// Finish takes the API token from the environment when the config has
// none, fills each job's derived fields (job name, output, user agent, seeds
// file) and validates everything. getenv is os.Getenv outside tests.
func (s *ServeConfig) Finish(getenv func(string) string) error {
	tokenFrom := "api_token"
	if s.APIToken == "" {
		s.APIToken, tokenFrom = getenv(EnvAPIToken), "$"+EnvAPIToken
	}
	if err := checkToken(s.APIToken); err != nil {
		return fieldError(tokenFrom, err.Error())
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
	if bad, why := bounded(s.MaxConcurrentRuns, 1, MaxConcurrentRunsCap); bad {
		return fieldError("max_concurrent_runs", why)
	}
	if err := checkListenAddr(s.MetricsAddr); err != nil {
		return fieldError("metrics_addr", err.Error())
	}
	return s.Listener().Check("metrics_addr")
}

// Listener is the daemon's listener as configured, for the exposure rule
// every metrics listener follows.
func (s *ServeConfig) Listener() Listener {
	return Listener{Addr: s.MetricsAddr, Token: s.APIToken != "", Public: s.MetricsPublic}
}

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
	if err := CheckName(j.Name); err != nil {
		return fieldError("name", err.Error())
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

// checkToken refuses an API token that no request could present: blank,
// or holding spaces or control characters (a line end read along with the
// token from a file), which an Authorization header cannot carry as one
// credential. "" means no token.
func checkToken(token string) error {
	if token == "" {
		return nil
	}
	if strings.TrimSpace(token) == "" {
		return errors.New("is blank: no request could present it")
	}
	for i, r := range token {
		if r <= ' ' || r > '~' {
			// The character's place, not the character: it is part of a secret.
			return fmt.Errorf("must be printable ASCII without spaces (RFC 6750), but byte %d is not", i)
		}
	}
	return nil
}
