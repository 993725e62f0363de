package config

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Version is arkisto's release; it goes into the user agent and warcinfo.
const Version = "0.1.0"

// ProjectURL is the contact put in the default user agent when the config
// names none, so site owners can find out who is crawling them.
const ProjectURL = "https://github.com/arkisto/arkisto"

// DefaultMetricsAddr is the metrics listener: loopback only, on 9791, a port
// no common exporter claims in the Prometheus default-port allocations.
const DefaultMetricsAddr = "127.0.0.1:9791"

// Config is everything one crawl job runs with. Field names are the YAML keys.
//
// The fields tagged crawl:"defines" decide which URLs belong to the crawl
// and how its records are named and stored: a resumed crawl must keep them
// (see Differences). Those tagged crawl:"shared" are the politeness rules,
// which every process of a crawl on a shared frontier must keep too (see
// SharedDifferences). The others only change how fast or how loud it runs,
// or, for output, say where it is.
type Config struct {
	Seeds     []string `yaml:"seeds" crawl:"defines"`
	SeedsFile string   `yaml:"seeds_file"` // its seeds are in Seeds once Finish ran
	Job       string   `yaml:"job" crawl:"defines"`
	Output    string   `yaml:"output"` // where the crawl is, however it is spelled
	WACZ      bool     `yaml:"wacz"`   // package the collection as a WACZ file when a run ends

	Scope    ScopeMode  `yaml:"scope" crawl:"defines"`
	Include  []string   `yaml:"include" crawl:"defines"`
	Exclude  []string   `yaml:"exclude" crawl:"defines"`
	MaxDepth int        `yaml:"max_depth" crawl:"defines"`
	Embeds   EmbedsMode `yaml:"embeds" crawl:"defines"`
	MaxPages int        `yaml:"max_pages"`

	Delay           time.Duration `yaml:"delay" crawl:"shared"`
	HostConcurrency int           `yaml:"host_concurrency" crawl:"shared"`
	Workers         int           `yaml:"workers"`
	UserAgent       string        `yaml:"user_agent"`
	Contact         string        `yaml:"contact"`
	Operator        string        `yaml:"operator"`
	Timeout         time.Duration `yaml:"timeout"`
	MaxBodySize     int64         `yaml:"max_body_size"`
	GracePeriod     time.Duration `yaml:"grace_period"`
	KeepAlive       bool          `yaml:"keep_alive"`

	DelayFactor          float64       `yaml:"delay_factor" crawl:"shared"`
	MaxDelay             time.Duration `yaml:"max_delay" crawl:"shared"`
	Retries              int           `yaml:"retries" crawl:"shared"`
	RetryDelay           time.Duration `yaml:"retry_delay" crawl:"shared"`
	MaxRetryAfter        time.Duration `yaml:"max_retry_after" crawl:"shared"`
	MaxRedirects         int           `yaml:"max_redirects"`
	MaxPagesPerHost      int           `yaml:"max_pages_per_host" crawl:"shared"`
	Robots               RobotsPolicy  `yaml:"robots" crawl:"defines"`
	MaxURLLength         int           `yaml:"max_url_length"`
	MaxPathDepth         int           `yaml:"max_path_depth"`
	MaxQueryParams       int           `yaml:"max_query_params"`
	AllowPrivateNetworks bool          `yaml:"allow_private_networks"`

	Dedup        DedupMode `yaml:"dedup" crawl:"defines"`
	DedupMinSize int64     `yaml:"dedup_min_size"`
	DedupDB      string    `yaml:"dedup_db"`

	// DryRun fetches, parses and follows links as the crawl would, logging
	// each fetch to crawl.log, and writes no WARC record, index line or
	// deduplication entry: a trial of a scope. It defines the crawl, so a
	// dry run is never resumed into an archiving one.
	DryRun bool `yaml:"dry_run" crawl:"defines"`

	WARCMaxSize int64  `yaml:"warc_max_size"`
	WARCPrefix  string `yaml:"warc_prefix" crawl:"defines"`
	WARCVersion string `yaml:"warc_version" crawl:"defines"`

	Sitemaps       []string `yaml:"sitemaps" crawl:"defines"`
	Feeds          []string `yaml:"feeds" crawl:"defines"`
	RobotsSitemaps bool     `yaml:"robots_sitemaps"`
	GuessSitemap   bool     `yaml:"guess_sitemap"`
	Since          string   `yaml:"since" crawl:"defines"`

	MetricsAddr   string `yaml:"metrics_addr"`
	MetricsPublic bool   `yaml:"metrics_public"` // a non-loopback metrics_addr is meant
	Pushgateway   string `yaml:"pushgateway"`

	// Frontier is the Redis URL of a frontier shared by several processes
	// ("" keeps the collection's own bbolt frontier). It may hold a
	// password: it is never recorded (json:"-"), logged or shown.
	Frontier string `yaml:"frontier" json:"-"`
	CrawlID  string `yaml:"crawl_id"` // names the crawl in the shared frontier
}

// Default returns a Config with every default filled in.
func Default() Config {
	return Config{
		Scope:           ScopeDomain,
		MaxDepth:        20,
		Embeds:          EmbedsAny,
		Delay:           time.Second,
		HostConcurrency: 1,
		Workers:         16,
		Timeout:         60 * time.Second,
		MaxBodySize:     100 << 20,
		GracePeriod:     10 * time.Second,
		KeepAlive:       true,
		MaxDelay:        30 * time.Second,
		Retries:         3,
		RetryDelay:      30 * time.Second,
		MaxRetryAfter:   10 * time.Minute,
		MaxRedirects:    10,
		Robots:          RobotsObey,
		MaxURLLength:    2048,
		MaxPathDepth:    32,
		MaxQueryParams:  64,
		Dedup:           DedupDigest,
		DedupMinSize:    256,
		WARCMaxSize:     1 << 30,
		WARCPrefix:      "arkisto",
		WARCVersion:     "1.1",
		RobotsSitemaps:  true,
		MetricsAddr:     DefaultMetricsAddr,
	}
}

// LoadFile reads a YAML config on top of the defaults. Unknown keys,
// anchors and aliases, and files over MaxFileSize are errors.
func LoadFile(path string) (Config, error) {
	cfg := Default()
	err := decodeFile(path, "config", &cfg)
	if errors.Is(err, io.EOF) {
		// An empty or comments-only file: the decoder zeroes its target
		// before it reports io.EOF, so start from the defaults again.
		return Default(), nil
	}
	return cfg, err
}

// Finish reads the seeds file, fills the defaults that depend on the seeds
// (job name, output folder, user agent) and validates the result.
func (c *Config) Finish() error {
	if c.SeedsFile != "" {
		seeds, err := readSeedsFile(c.SeedsFile)
		if err != nil {
			return err
		}
		c.Seeds = append(c.Seeds, seeds...)
	}
	if err := c.Validate(); err != nil {
		return err
	}
	// A job name given names the output folder below: it must be one
	// plain path segment. The name taken from a seed's host is one.
	if c.Job != "" {
		if err := CheckName(c.Job); err != nil {
			return fieldError("job", err.Error())
		}
	}
	if c.Job == "" && c.CrawlID != "" {
		// The processes of a shared crawl write into folders of their
		// own: its job is the crawl's, not one folder's.
		c.Job = c.CrawlID
	}
	if c.Job == "" {
		c.Job = defaultJob(c.Output, c.StartURLs()[0])
	}
	if c.Output == "" {
		c.Output = filepath.Join("collections", c.Job)
	}
	if c.UserAgent == "" {
		c.UserAgent = DefaultUserAgent(c.Contact)
	}
	return nil
}

// StartURLs are the URLs the crawl starts from: seeds, then sitemaps and
// feeds. They are trusted, and each one widens the scope to its site.
func (c *Config) StartURLs() []string {
	return slices.Concat(c.Seeds, c.Sitemaps, c.Feeds)
}

// DefaultUserAgent starts with the product token that robots.txt groups
// match ("arkisto") and carries a contact, as polite crawlers do.
func DefaultUserAgent(contact string) string {
	if contact == "" {
		contact = ProjectURL
	}
	return fmt.Sprintf("arkisto/%s (+%s)", Version, contact)
}

// Validate checks every field and names the first one at fault.
func (c *Config) Validate() error {
	if len(c.StartURLs()) == 0 {
		return fieldError("seeds", "at least one seed, sitemap or feed URL is required (positional argument, --seeds-file, --sitemap, --feed or seeds:)")
	}
	for i, s := range c.Seeds {
		if err := checkSeed(s); err != nil {
			return fieldError(fmt.Sprintf("seeds[%d]", i), err.Error())
		}
	}
	for _, f := range []struct {
		name string
		err  error
	}{{"scope", oneOf(c.Scope, ScopeModes)}, {"embeds", oneOf(c.Embeds, EmbedsModes)}, {"robots", oneOf(c.Robots, RobotsPolicies)}, {"dedup", oneOf(c.Dedup, DedupModes)}} {
		if f.err != nil {
			return fieldError(f.name, f.err.Error())
		}
	}
	for _, f := range []struct {
		name string
		res  []string
	}{{"include", c.Include}, {"exclude", c.Exclude}} {
		for i, re := range f.res {
			if _, err := regexp.Compile(re); err != nil {
				return fieldError(fmt.Sprintf("%s[%d]", f.name, i), err.Error())
			}
		}
	}
	if err := c.checkCounts(); err != nil {
		return err
	}
	checks := []struct {
		name string
		bad  bool
		why  string
	}{
		{"max_pages", c.MaxPages < 0, "must be 0 (no limit) or more"},
		{"delay", c.Delay < 0, "must not be negative"},
		{"timeout", c.Timeout <= 0, "must be positive"},
		{"max_body_size", c.MaxBodySize <= 0, "must be positive"},
		{"grace_period", c.GracePeriod < 0, "must not be negative"},
		{"max_delay", c.MaxDelay < 0, "must not be negative"},
		{"retry_delay", c.RetryDelay <= 0, "must be positive"},
		{"max_retry_after", c.MaxRetryAfter < 0, "must not be negative"},
		{"max_pages_per_host", c.MaxPagesPerHost < 0, "must be 0 (no limit) or more"},
		{"dedup_min_size", c.DedupMinSize < 0, "must be 0 or more"},
		{"warc_max_size", c.WARCMaxSize <= 0, "must be positive"},
		{"wacz", c.WACZ && c.DryRun, "cannot package a dry run (dry_run), which archives nothing"},
		{"warc_version", c.WARCVersion != "1.0" && c.WARCVersion != "1.1", `must be "1.1" or "1.0", quoted in YAML where 1.0 unquoted is the number 1`},
		// These end up in HTTP headers or WARC header fields, where a line
		// break would smuggle in a header of its own.
		{"user_agent", strings.ContainsAny(c.UserAgent, "\r\n"), "must be one line"},
		{"contact", strings.ContainsAny(c.Contact, "\r\n"), "must be one line"},
		{"operator", strings.ContainsAny(c.Operator, "\r\n"), "must be one line"},
		{"job", strings.ContainsAny(c.Job, "\r\n"), "must be one line"},
	}
	for _, ck := range checks {
		if ck.bad {
			return fieldError(ck.name, ck.why)
		}
	}
	if err := CheckName(c.WARCPrefix); err != nil {
		return fieldError("warc_prefix", err.Error())
	}
	if c.MetricsAddr != "" {
		if err := checkListenAddr(c.MetricsAddr); err != nil {
			return fieldError("metrics_addr", err.Error())
		}
	}
	if err := c.Listener().Check("metrics_addr"); err != nil {
		return err
	}
	for _, f := range []struct {
		name string
		urls []string
	}{{"sitemaps", c.Sitemaps}, {"feeds", c.Feeds}} {
		for i, u := range f.urls {
			if err := checkSeed(u); err != nil {
				return fieldError(fmt.Sprintf("%s[%d]", f.name, i), err.Error())
			}
		}
	}
	if c.Pushgateway != "" {
		if err := checkSeed(c.Pushgateway); err != nil {
			return fieldError("pushgateway", err.Error())
		}
	}
	return c.CheckShared()
}

// CheckShared checks the shared frontier's settings: a redis:// or
// rediss:// URL and a crawl id go together. Errors never quote the URL,
// which may hold a password.
func (c *Config) CheckShared() error {
	if c.Frontier == "" {
		if c.CrawlID != "" {
			return fieldError("crawl_id", "only means something with a shared frontier (frontier: redis://...)")
		}
		return nil
	}
	u, err := url.Parse(c.Frontier)
	if err != nil || (u.Scheme != "redis" && u.Scheme != "rediss") || u.Host == "" {
		return fieldError("frontier", "must be a redis://[:password@]host:port/db or rediss:// URL")
	}
	if c.CrawlID == "" {
		return fieldError("crawl_id", "a shared frontier needs a crawl id, the same for every process of the crawl")
	}
	if err := CheckName(c.CrawlID); err != nil {
		return fieldError("crawl_id", err.Error())
	}
	return nil
}

// Listener is the crawl's metrics listener as configured, for the
// exposure rule every metrics listener follows.
func (c *Config) Listener() Listener {
	return Listener{Addr: c.MetricsAddr, Public: c.MetricsPublic}
}

// FieldError is a config problem tied to one field (YAML key or flag name).
type FieldError struct {
	Field  string
	Reason string
	Err    error // the underlying error, if any, for errors.Is and errors.As
}

func (e *FieldError) Error() string { return fmt.Sprintf("config field %s: %s", e.Field, e.Reason) }

func (e *FieldError) Unwrap() error { return e.Err }

func fieldError(field, reason string) error { return &FieldError{Field: field, Reason: reason} }

func checkSeed(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Errorf("bad URL %q: %w", s, err)
	}
	if u.Scheme == "" {
		return fmt.Errorf("URL %q has no scheme: write it as http://... or https://...", s)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("URL %q: scheme must be http or https", s)
	}
	if strings.Trim(u.Hostname(), ".") == "" { // "http://../" would name the folder collections/..
		return fmt.Errorf("URL %q has no host", s)
	}
	return nil
}

func readSeedsFile(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, &FieldError{Field: "seeds_file", Reason: err.Error(), Err: err}
	}
	defer f.Close()
	var seeds []string
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		s := strings.TrimSpace(sc.Text())
		if i := strings.Index(s, "#"); i >= 0 && (i == 0 || s[i-1] == ' ' || s[i-1] == '\t') {
			s = strings.TrimSpace(s[:i])
		}
		if s == "" {
			continue
		}
		if err := checkSeed(s); err != nil {
			return nil, fieldError(fmt.Sprintf("seeds_file %s line %d", path, line), err.Error())
		}
		seeds = append(seeds, s)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read seeds file %s: %w", path, err)
	}
	return seeds, nil
}
