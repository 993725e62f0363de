package crawler

import (
	"net/url"
	"sync"
	"time"

	"arkisto/config"
	"arkisto/crawler/frontier"
	"arkisto/crawler/robots"
)

// hostRules remembers, per host, the robots.txt policy, the page budget
// spent, and what politeness demands between two requests. A host is
// "known" once its robots.txt fetch has ended, whatever the outcome.
type hostRules struct {
	userAgent   string
	mode        config.RobotsPolicy
	delay       time.Duration
	delayFactor float64
	maxDelay    time.Duration
	budget      int // fetches per host, 0 = no limit

	robotsTTL time.Duration // how long a robots.txt is trusted before it is fetched again

	mu       sync.Mutex
	policies map[string]*robots.Policy
	fetched  map[string]time.Time    // when each host's robots.txt was last read; zero while a refetch is queued
	asked    map[string]bool         // hosts whose robots.txt this process queued
	dead     map[string]giveUpReason // hosts given up: their URLs are logged, not queued
	spent    map[string]int
}

func newHostRules(cfg config.Config, robotsTTL time.Duration) *hostRules {
	return &hostRules{
		robotsTTL:   robotsTTL,
		fetched:     make(map[string]time.Time),
		asked:       make(map[string]bool),
		dead:        make(map[string]giveUpReason),
		userAgent:   cfg.UserAgent,
		mode:        cfg.Robots,
		delay:       cfg.Delay,
		delayFactor: cfg.DelayFactor,
		maxDelay:    cfg.MaxDelay,
		budget:      cfg.MaxPagesPerHost,
		policies:    make(map[string]*robots.Policy),
		spent:       make(map[string]int),
	}
}

// known reports whether host's robots.txt has been dealt with.
func (r *hostRules) known(host string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	_, ok := r.policies[host]
	return ok
}

func (r *hostRules) set(host string, p *robots.Policy) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.policies[host] = p
	r.fetched[host] = time.Now()
}

// giveUp marks host as dead for the rest of the crawl.
func (r *hostRules) giveUp(host string, reason giveUpReason) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.dead[host] = reason
}

// givenUp reports whether host was given up, and why.
func (r *hostRules) givenUp(host string) (giveUpReason, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	reason, dead := r.dead[host]
	return reason, dead
}

// requestRobots reports, once per host and process, that its robots.txt
// must be queued; later calls say it already is.
func (r *hostRules) requestRobots(host string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.asked[host] {
		return false
	}
	r.asked[host] = true
	return true
}

// current reports whether this process holds a robots.txt of host that
// is not due for a refetch, so a duplicate robots.txt item can be dropped.
func (r *hostRules) current(host string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return !r.fetched[host].IsZero()
}

// stale reports, once per expiry, that host's robots.txt is older than the
// cache allows (RFC 9309 suggests about a day) and must be fetched again.
// The old rules hold until the new ones arrive.
func (r *hostRules) stale(host string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	at, ok := r.fetched[host]
	if !ok || at.IsZero() || time.Since(at) < r.robotsTTL {
		return false
	}
	r.fetched[host] = time.Time{}
	return true
}

// allowed reports whether robots.txt lets us fetch it. A host whose policy
// is not known yet is allowed here: the frontier never hands out its URLs
// before the robots.txt prerequisite, so this only happens for that one.
// Under obey-pages, page requisites are fetched whatever robots.txt says,
// so that archived pages replay whole.
func (r *hostRules) allowed(it frontier.Item, u *url.URL) bool {
	switch {
	case r.mode == config.RobotsIgnore || it.Priority == frontier.Prerequisite:
		return true
	case r.mode == config.RobotsObeyPages && it.Priority == frontier.Embed:
		return true
	}
	r.mu.Lock()
	p := r.policies[it.Host]
	r.mu.Unlock()
	return p == nil || p.Allowed(r.userAgent, u)
}

// obeysMeta tells whether <meta name=robots> and X-Robots-Tag count.
func (r *hostRules) obeysMeta() bool { return r.mode != config.RobotsIgnore }

// spend takes one fetch from host's budget; false once it is used up.
func (r *hostRules) spend(host string) bool {
	if r.budget <= 0 {
		return true
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.spent[host] >= r.budget {
		return false
	}
	r.spent[host]++
	return true
}

// gap is how long to wait after a request to host ends before the next
// starts: the larger of --delay, robots.txt's Crawl-delay and, with
// --delay-factor, that factor times the last response time (capped).
func (r *hostRules) gap(host string, lastResponse time.Duration) time.Duration {
	r.mu.Lock()
	p := r.policies[host]
	r.mu.Unlock()
	gap := r.delay
	if p != nil && r.mode != config.RobotsIgnore {
		gap = max(gap, p.CrawlDelay(r.userAgent))
	}
	if r.delayFactor > 0 {
		gap = max(gap, min(time.Duration(r.delayFactor*float64(lastResponse)), r.maxDelay))
	}
	return gap
}
