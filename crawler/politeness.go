package crawler

import (
	"context"
	"net/url"
	"sync"
	"time"

	"arkisto/config"
	"arkisto/crawler/frontier"
	"arkisto/crawler/robots"
)

// hostRules are the rules of what the crawl knows per host: its
// robots.txt policy and age, the page budget spent, the failures in a row,
// whether it was given up. That knowledge lives in the frontier's host
// book, so in a crawl of several processes (a Redis frontier) it holds for
// all of them: one robots.txt fetch per host per cache period, one budget,
// one failure streak. A host is "known" once its robots.txt fetch has
// ended, whatever the outcome.
//
// The rules keep what they read and write of the book, and parse each
// robots.txt once per process. A book one process holds (Memory, Bolt)
// changes only through them, so the copy is always right; a shared one is
// read again once the copy is sharedInfoAge old.
type hostRules struct {
	userAgent   string
	mode        config.RobotsPolicy
	delay       time.Duration
	delayFactor float64
	maxDelay    time.Duration
	budget      int // fetches per host, 0 = no limit

	robotsTTL time.Duration // how long a robots.txt is trusted before it is fetched again

	book   frontier.HostBook // set by use
	maxAge time.Duration     // how long a copy of a host's info is trusted; 0: for good

	mu       sync.Mutex
	info     map[string]hostCopy
	policies map[string]parsedRobots
}

// sharedInfoAge is how long a process trusts what it read of a host in a
// shared book: how late it may learn that another process gave the host
// up or read its robots.txt.
const sharedInfoAge = 2 * time.Second

type hostCopy struct {
	info frontier.HostInfo
	read time.Time
}

// parsedRobots is a robots.txt parsed, with the fetch time it came from.
type parsedRobots struct {
	policy  *robots.Policy
	fetched time.Time
}

func newHostRules(cfg config.Config, robotsTTL time.Duration) *hostRules {
	return &hostRules{
		robotsTTL:   robotsTTL,
		userAgent:   cfg.UserAgent,
		mode:        cfg.Robots,
		delay:       cfg.Delay,
		delayFactor: cfg.DelayFactor,
		maxDelay:    cfg.MaxDelay,
		budget:      cfg.MaxPagesPerHost,
		info:        make(map[string]hostCopy),
		policies:    make(map[string]parsedRobots),
	}
}

// use sets the book the rules keep their knowledge in: the frontier's.
func (r *hostRules) use(book frontier.HostBook) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.book = book
	if book.Shared() {
		r.maxAge = sharedInfoAge
	}
	clear(r.info)
	clear(r.policies)
}

// read returns host's info, from the copy while it is fresh.
func (r *hostRules) read(ctx context.Context, host string) (frontier.HostInfo, error) {
	r.mu.Lock()
	c, ok := r.info[host]
	r.mu.Unlock()
	if ok && (r.maxAge == 0 || time.Since(c.read) < r.maxAge) {
		return c.info, nil
	}
	info, err := r.book.Host(ctx, host)
	if err != nil {
		return frontier.HostInfo{}, err
	}
	r.keep(host, info)
	return info, nil
}

// update applies change to host's info in the book, for the whole crawl.
func (r *hostRules) update(ctx context.Context, host string, change func(*frontier.HostInfo)) (frontier.HostInfo, error) {
	info, err := r.book.UpdateHost(ctx, host, change)
	if err != nil {
		return frontier.HostInfo{}, err
	}
	r.keep(host, info)
	return info, nil
}

func (r *hostRules) keep(host string, info frontier.HostInfo) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.info[host] = hostCopy{info: info, read: time.Now()}
}

// known reports whether host's robots.txt has been dealt with.
func (r *hostRules) known(ctx context.Context, host string) (bool, error) {
	info, err := r.read(ctx, host)
	return isKnown(info), err
}

func isKnown(info frontier.HostInfo) bool {
	return info.Robots == frontier.RobotsKnown || info.Robots == frontier.RobotsRefetching
}

// set records host's robots.txt, as file says it ended, and the policy
// read from it, for every process of the crawl.
func (r *hostRules) set(ctx context.Context, host string, file frontier.RobotsFile, p *robots.Policy) error {
	if err := r.book.SaveRobots(ctx, host, file); err != nil {
		return err
	}
	r.mu.Lock()
	r.policies[host] = parsedRobots{policy: p, fetched: file.Fetched}
	r.mu.Unlock()
	_, err := r.update(ctx, host, func(i *frontier.HostInfo) {
		i.Robots, i.RobotsAt = frontier.RobotsKnown, file.Fetched
	})
	return err
}

// giveUp marks host as dead for the rest of the crawl.
func (r *hostRules) giveUp(ctx context.Context, host string, reason giveUpReason) error {
	_, err := r.update(ctx, host, func(i *frontier.HostInfo) {
		if i.GivenUp == 0 {
			i.GivenUp = uint8(reason)
		}
	})
	return err
}

// givenUp reports whether host was given up, and why.
func (r *hostRules) givenUp(ctx context.Context, host string) (giveUpReason, bool, error) {
	info, err := r.read(ctx, host)
	return giveUpReason(info.GivenUp), info.GivenUp != 0, err
}

// requestRobots reports, once per host and crawl, that its robots.txt
// must be queued; later calls say it already is.
func (r *hostRules) requestRobots(ctx context.Context, host string) (bool, error) {
	if info, err := r.read(ctx, host); err != nil || info.Robots != frontier.RobotsUnasked {
		return false, err
	}
	var asked bool
	_, err := r.update(ctx, host, func(i *frontier.HostInfo) {
		asked = i.Robots == frontier.RobotsUnasked
		if asked {
			i.Robots = frontier.RobotsQueued
		}
	})
	return asked, err
}

// current reports whether the crawl holds a robots.txt of host that is
// not due for a refetch, so a duplicate robots.txt item can be dropped.
func (r *hostRules) current(ctx context.Context, host string) (bool, error) {
	info, err := r.book.Host(ctx, host) // a copy could be out of date
	if err != nil {
		return false, err
	}
	r.keep(host, info)
	return info.Robots == frontier.RobotsKnown, nil
}

// stale reports, once per expiry and crawl, that host's robots.txt is
// older than the cache allows (RFC 9309 suggests about a day) and must be
// fetched again. The old rules hold until the new ones arrive.
func (r *hostRules) stale(ctx context.Context, host string) (bool, error) {
	now := time.Now()
	expired := func(i frontier.HostInfo) bool {
		return i.Robots == frontier.RobotsKnown && now.Sub(i.RobotsAt) >= r.robotsTTL
	}
	if info, err := r.read(ctx, host); err != nil || !expired(info) {
		return false, err
	}
	var due bool
	_, err := r.update(ctx, host, func(i *frontier.HostInfo) {
		if due = expired(*i); due {
			i.Robots = frontier.RobotsRefetching
		}
	})
	return due, err
}

// allowed reports whether robots.txt lets us fetch it. A host whose policy
// is not known yet is allowed here: the frontier never hands out its URLs
// before the robots.txt prerequisite, so this only happens for that one.
// Under obey-pages, page requisites are fetched whatever robots.txt says,
// so that archived pages replay whole.
func (r *hostRules) allowed(ctx context.Context, it frontier.Item, u *url.URL) (bool, error) {
	if r.mode == config.RobotsIgnore || it.Priority == frontier.Prerequisite {
		return true, nil
	}
	// Read even when it cannot refuse: gap needs its Crawl-delay.
	p, err := r.policy(ctx, it.Host)
	if err != nil || r.mode == config.RobotsObeyPages && it.Priority == frontier.Embed {
		return true, err
	}
	return p == nil || p.Allowed(r.userAgent, u), nil
}

// policy returns host's robots.txt policy, nil while none is known: parsed
// here once per fetch of it, by whichever process fetched it.
func (r *hostRules) policy(ctx context.Context, host string) (*robots.Policy, error) {
	info, err := r.read(ctx, host)
	if err != nil || !isKnown(info) {
		return nil, err
	}
	r.mu.Lock()
	parsed, ok := r.policies[host]
	r.mu.Unlock()
	if ok && !parsed.fetched.Before(info.RobotsAt) {
		return parsed.policy, nil
	}
	file, err := r.book.Robots(ctx, host)
	if err != nil || file == nil {
		return nil, err
	}
	p := policyOf(*file)
	r.mu.Lock()
	r.policies[host] = parsedRobots{policy: p, fetched: file.Fetched}
	r.mu.Unlock()
	return p, nil
}

// policyOf reads the policy of a robots.txt as robotsFile recorded it.
func policyOf(f frontier.RobotsFile) *robots.Policy {
	if robots.Outcome(f.Outcome) == robots.OutcomeUnreachable {
		return robots.Unreachable()
	}
	return robots.FromResponse(f.Status, f.Body)
}

// obeysMeta tells whether <meta name=robots> and X-Robots-Tag count.
func (r *hostRules) obeysMeta() bool { return r.mode != config.RobotsIgnore }

// spend takes one fetch from host's budget; false once it is used up.
func (r *hostRules) spend(ctx context.Context, host string) (bool, error) {
	if r.budget <= 0 {
		return true, nil
	}
	var ok bool
	_, err := r.update(ctx, host, func(i *frontier.HostInfo) {
		if ok = i.Spent < r.budget; ok {
			i.Spent++
		}
	})
	return ok, err
}

// failures notes a fetch's outcome and returns the host's failures in a
// row. A success costs nothing when the host had none.
func (r *hostRules) failures(ctx context.Context, host string, failed bool) (int, error) {
	if !failed {
		if info, err := r.read(ctx, host); err != nil || info.Failures == 0 {
			return 0, err
		}
	}
	info, err := r.update(ctx, host, func(i *frontier.HostInfo) {
		if failed {
			i.Failures++
		} else {
			i.Failures = 0
		}
	})
	return info.Failures, err
}

// gap is how long to wait after a request to host ends before the next
// starts: the larger of --delay, robots.txt's Crawl-delay and, with
// --delay-factor, that factor times the last response time (capped). It
// reads the policy this process parsed: allowed, or set, did before.
func (r *hostRules) gap(host string, lastResponse time.Duration) time.Duration {
	r.mu.Lock()
	p := r.policies[host].policy
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
