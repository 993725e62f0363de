package crawler

import (
	"net/url"
	"sync"
	"time"

	"arkisto/crawler/robots"
)

// hostRules remembers, per host, the robots.txt policy and the gap that
// politeness demands between two requests. A host is "known" once its
// robots.txt fetch has ended, whatever the outcome.
type hostRules struct {
	userAgent string
	delay     time.Duration
	mu        sync.Mutex
	policies  map[string]*robots.Policy
}

func newHostRules(userAgent string, delay time.Duration) *hostRules {
	return &hostRules{userAgent: userAgent, delay: delay, policies: make(map[string]*robots.Policy)}
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
}

// allowed reports whether robots.txt lets us fetch u. A host whose policy is
// not known yet is allowed here: the frontier never hands out its URLs before
// the robots.txt prerequisite, so this only happens for the prerequisite itself.
func (r *hostRules) allowed(host string, u *url.URL) bool {
	r.mu.Lock()
	p := r.policies[host]
	r.mu.Unlock()
	return p == nil || p.Allowed(r.userAgent, u)
}

// gap is how long to wait after a request to host ends before the next starts.
func (r *hostRules) gap(host string) time.Duration {
	r.mu.Lock()
	p := r.policies[host]
	r.mu.Unlock()
	if p == nil {
		return r.delay
	}
	return max(r.delay, p.CrawlDelay(r.userAgent))
}
