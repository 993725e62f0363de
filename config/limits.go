package config

import (
	"fmt"
	"math"
	"net"
	"regexp"
	"strconv"
)

// Upper bounds of the count settings. A value past one is a typo or an
// attack, not a plan: each worker holds a collector, a transport and its
// buffers, so 100,000,000 workers would spend minutes starting before the
// first fetch; each link or redirect hop lengthens every URL's discovery
// path; each retry doubles a pause. The bounds sit far above any polite
// crawl's needs.
const (
	MaxWorkers           = 1000
	MaxHostConcurrency   = 100
	MaxCrawlDepth        = 1000 // max_depth
	MaxRetries           = 20
	MaxRedirectChain     = 100 // max_redirects
	MaxURLLengthLimit    = 1 << 16
	MaxPathDepthLimit    = 1000
	MaxQueryParamsLimit  = 1000
	MaxDelayFactor       = 100
	MaxConcurrentRunsCap = 64 // serve's max_concurrent_runs
	// MaxNameLength bounds job names and warc_prefix: the prefix and a
	// 64-byte host name still leave WARC file names under the 255 bytes a
	// file system allows.
	MaxNameLength = 100
)

// name is the rule for job names and WARC file name prefixes: one path
// segment of a file name, a URL path segment (/api/jobs/NAME) and a metric
// label, never ".", ".." or anything that separates paths or lines.
var name = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

// CheckName says why s cannot name a job (crawl --job, a serve job's name)
// or prefix WARC files; nil when it can. Both commands use this one rule.
func CheckName(s string) error {
	if len(s) > MaxNameLength || !name.MatchString(s) {
		return fmt.Errorf("%q must be 1 to %d letters, digits, '.', '_' or '-', starting with a letter or digit", s, MaxNameLength)
	}
	return nil
}

// bounded checks that v lies in [lo, hi] and says so when it does not.
func bounded(v, lo, hi int) (bad bool, why string) {
	return v < lo || v > hi, fmt.Sprintf("must be between %d and %d", lo, hi)
}

// checkCounts names the first count setting outside its bounds.
func (c *Config) checkCounts() error {
	for _, f := range []struct {
		name      string
		v, lo, hi int
	}{
		{"max_depth", c.MaxDepth, 0, MaxCrawlDepth},
		{"host_concurrency", c.HostConcurrency, 1, MaxHostConcurrency},
		{"workers", c.Workers, 1, MaxWorkers},
		{"retries", c.Retries, 0, MaxRetries},
		{"max_redirects", c.MaxRedirects, 0, MaxRedirectChain},
		// 0 means the built-in default for the trap limits.
		{"max_url_length", c.MaxURLLength, 0, MaxURLLengthLimit},
		{"max_path_depth", c.MaxPathDepth, 0, MaxPathDepthLimit},
		{"max_query_params", c.MaxQueryParams, 0, MaxQueryParamsLimit},
	} {
		if bad, why := bounded(f.v, f.lo, f.hi); bad {
			return fieldError(f.name, why)
		}
	}
	// max_pages and max_pages_per_host are budgets, not counts of things
	// held at once: any size of them is a plan, and 0 means none.
	if c.DelayFactor < 0 || c.DelayFactor > MaxDelayFactor || math.IsNaN(c.DelayFactor) {
		return fieldError("delay_factor", fmt.Sprintf("must be 0 (off) to %d", MaxDelayFactor))
	}
	return nil
}

// checkListenAddr checks a metrics address: HOST:PORT with a port of 1 to
// 65535. Port 0 would listen on a port picked at random that nobody could
// scrape or find; "" (checked by the caller) is how metrics are turned off.
func checkListenAddr(addr string) error {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return err
	}
	if p, err := strconv.Atoi(port); err != nil || p < 1 || p > 65535 {
		return fmt.Errorf("port %q of %q must be a number from 1 to 65535 (an empty address turns metrics off)", port, addr)
	}
	return nil
}
