package frontier

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/maintnotifications"
)

// Redis is a Frontier kept in Redis, shared by every process of one crawl
// (its crawl id), on one machine or many: per-host queues, the seen set,
// the hosts' politeness states and ready times, and the leases of the
// items in flight all live there, so the politeness rules hold across
// processes. Every update is one Lua script, atomic in Redis (see
// redis_scripts.go); the rules themselves are the Go ones in
// politeness.go, applied to a host's state read from Redis and written
// back only if no other process changed it meanwhile.
//
// Times are the callers' clocks (time.Now, a testing/synctest bubble's in
// tests), kept as values in Redis; Redis's own clock and key expiry play
// no part. Processes on several machines need clocks in step (NTP): a
// skew shifts the delays between their requests to one host by as much.
//
// An item handed out is leased until now + LeaseTTL; the process renews
// the leases of its items in flight every LeaseTTL/3, so a lease expires
// only when its process is gone (killed, cut off from Redis). An expired
// lease puts its item back at the front of its host's queue and frees the
// host's slot; a Done that comes after that does nothing. Close hands back
// the items still in flight the same way.
type Redis struct {
	client *redis.Client
	keys   redisKeys
	rules  politeness
	opts   RedisOptions
	trips  tripCounter
	outage outage

	mu      sync.Mutex
	leases  map[string][]redisLease // host -> its items this process has in flight
	known   map[string]knownState   // host -> its state as this process last saw it
	last    Stats                   // the last Stats read, returned when Redis cannot be read
	changed chan struct{}           // closed and replaced when this process changes the frontier
	polling bool                    // a waiting Next looks at Redis every Poll for the others
	closed  bool
	self    *Process // this process, once Register has named it
	taken   int      // items this process took, for its heartbeat

	stopRenew chan struct{}
	renewDone chan struct{}
	kick      chan struct{} // renew at once: Redis is back after an outage
}

// RedisOptions tune a Redis frontier. Zero values mean defaults.
type RedisOptions struct {
	Options
	// LeaseTTL is how long an item handed out stays leased without a
	// renewal; default 60 s.
	LeaseTTL time.Duration
	// Poll is the longest a waiting Next goes without looking at Redis
	// again, for URLs other processes queued or hosts they freed; default
	// 200 ms. Changes made by this process wake it at once.
	Poll time.Duration
	// TLSConfig is used for rediss:// URLs; nil: the system's roots.
	TLSConfig *tls.Config
	// Logger hears when Redis stops answering and when it answers again;
	// nil: nothing is logged.
	Logger *slog.Logger
	// Outage, if set, is called with true when Redis stops answering (the
	// store's callers wait for it) and with false when it answers again.
	Outage func(down bool)
}

const (
	defaultLeaseTTL = time.Minute
	defaultPoll     = 200 * time.Millisecond
	// dueCandidates is how many due hosts Next picks one from at random.
	dueCandidates = 16
)

// redisLease is an item this process has in flight.
type redisLease struct {
	leaseKey
	id   string
	host string
}

// knownState is a host's state with the version it had in Redis.
type knownState struct {
	version string
	state   hostState
}

// OpenRedis connects to the Redis at rawURL (redis://[:password@]host:port/db,
// rediss:// for TLS) and opens the frontier of crawl id in it, empty or
// as other processes left it.
func OpenRedis(ctx context.Context, rawURL, crawlID string, opts RedisOptions) (*Redis, error) {
	if err := checkCrawlID(crawlID); err != nil {
		return nil, err
	}
	ro, err := redisClientOptions(rawURL, opts.TLSConfig)
	if err != nil {
		return nil, err
	}
	if opts.LeaseTTL <= 0 {
		opts.LeaseTTL = defaultLeaseTTL
	}
	if opts.Poll <= 0 {
		opts.Poll = defaultPoll
	}
	client := redis.NewClient(ro)
	if err := client.Ping(ctx).Err(); err != nil {
		client.Close()
		return nil, fmt.Errorf("connect to redis at %s: %w", RedactURL(rawURL), redactErr(err, rawURL))
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	r := &Redis{
		client:    client,
		keys:      newRedisKeys(crawlID),
		rules:     newPoliteness(opts.Options),
		opts:      opts,
		leases:    make(map[string][]redisLease),
		known:     make(map[string]knownState),
		changed:   make(chan struct{}),
		stopRenew: make(chan struct{}),
		renewDone: make(chan struct{}),
		kick:      make(chan struct{}, 1),
	}
	r.outage = outage{client: client, log: opts.Logger, where: RedactURL(rawURL), notify: opts.Outage, kick: r.kick, done: r.stopRenew}
	client.AddHook(&r.trips)
	client.AddHook(&r.outage)
	go r.renew()
	return r, nil
}

// redisClientOptions reads a Redis URL. Errors never carry the password.
func redisClientOptions(rawURL string, tlsConfig *tls.Config) (*redis.Options, error) {
	ro, err := redis.ParseURL(rawURL)
	if err != nil {
		return nil, fmt.Errorf("frontier URL %s: %w", RedactURL(rawURL), redactErr(err, rawURL))
	}
	if ro.TLSConfig != nil && tlsConfig != nil {
		c := tlsConfig.Clone()
		if c.ServerName == "" {
			c.ServerName = ro.TLSConfig.ServerName
		}
		ro.TLSConfig = c
	}
	ro.DisableIdentity = true // CLIENT SETINFO is Redis 7.2's; 7.0 would refuse it
	ro.Protocol = 2
	ro.MaintNotificationsConfig = &maintnotifications.Config{Mode: maintnotifications.ModeDisabled}
	return ro, nil
}

// RedactURL is rawURL with its password, if any, replaced by passwordMask, for
// logs, errors and status output.
func RedactURL(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "(unreadable URL)"
	}
	return u.Redacted()
}

// passwordMask stands for a password in text, as url.URL.Redacted writes it.
const passwordMask = "xxxxx"

// urlPassword is the password of rawURL, "" when it has none or does not
// parse.
func urlPassword(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil || u.User == nil {
		return ""
	}
	pw, _ := u.User.Password()
	return pw
}

// redactErr keeps the password of rawURL out of err's text.
func redactErr(err error, rawURL string) error {
	pw := urlPassword(rawURL)
	if pw == "" {
		return err
	}
	return redactedError{err: err, secret: pw}
}

type redactedError struct {
	err    error
	secret string
}

func (e redactedError) Error() string {
	return strings.ReplaceAll(e.err.Error(), e.secret, passwordMask)
}

func (e redactedError) Unwrap() error { return e.err }

// checkCrawlID keeps crawl ids to names that read well in keys and logs.
func checkCrawlID(id string) error {
	if id == "" {
		return errors.New("a Redis frontier needs a crawl id")
	}
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return fmt.Errorf("crawl id %q: only letters, digits, '.', '_' and '-'", id)
		}
	}
	return nil
}

// redisKeys is the crawl's key prefix, "arkisto:{ID}:". The braces make
// it a Redis Cluster hash tag: every key of a crawl would share one slot.
type redisKeys struct{ prefix string }

func newRedisKeys(crawlID string) redisKeys {
	return redisKeys{prefix: "arkisto:{" + crawlID + "}:"}
}

func (k redisKeys) meta() string           { return k.prefix + "meta" }
func (k redisKeys) counters() string       { return k.prefix + "n" }
func (k redisKeys) digests() string        { return k.prefix + "d" }
func (k redisKeys) host(h string) string   { return k.prefix + "h:" + h }
func (k redisKeys) robots(h string) string { return k.prefix + "robots:" + h }

// broadcastLocked wakes every Next of this process waiting for a change.
func (r *Redis) broadcastLocked() {
	close(r.changed)
	r.changed = make(chan struct{})
}

func (r *Redis) broadcast() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.broadcastLocked()
}

// usable reports ErrClosed after Close.
func (r *Redis) usable() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return ErrClosed
	}
	return nil
}

// Close hands back the items this process still has in flight, to the
// front of their queues, stops renewing and disconnects. The crawl lives
// on in Redis.
func (r *Redis) Close() error {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return nil
	}
	r.closed = true
	r.broadcastLocked()
	var held []redisLease
	for _, ls := range r.leases {
		held = append(held, ls...)
	}
	r.mu.Unlock()
	close(r.stopRenew)
	<-r.renewDone
	// Close has no context of its own: bound the hand-back instead.
	ctx, cancel := context.WithTimeout(context.Background(), closeTimeout)
	defer cancel()
	var errs []error
	for _, l := range held {
		if err := r.release(ctx, l.id, l.host, l.priority); err != nil {
			errs = append(errs, err)
		}
	}
	errs = append(errs, r.leave(ctx), r.client.Close())
	return errors.Join(errs...)
}

// closeTimeout bounds Close's hand-back of items in flight; what it cannot
// hand back comes back when the leases expire.
const closeTimeout = 10 * time.Second

// Clear deletes every key of the crawl but its index of payload digests,
// which, like a collection's deduplication index, outlives the crawl: a
// crawl started over (--fresh), or a benchmark's leftovers. Other
// processes of the crawl must be gone.
func (r *Redis) Clear(ctx context.Context) error {
	iter := r.client.Scan(ctx, 0, r.keys.prefix+"*", 1000).Iterator()
	var batch []string
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		err := r.client.Unlink(ctx, batch...).Err()
		batch = batch[:0]
		return err
	}
	for iter.Next(ctx) {
		if iter.Val() == r.keys.digests() {
			continue
		}
		if batch = append(batch, iter.Val()); len(batch) == 1000 {
			if err := flush(); err != nil {
				return fmt.Errorf("clear crawl: %w", err)
			}
		}
	}
	if err := errors.Join(iter.Err(), flush()); err != nil {
		return fmt.Errorf("clear crawl: %w", err)
	}
	r.mu.Lock()
	clear(r.leases)
	clear(r.known)
	r.mu.Unlock()
	return nil
}

// UsedMemory is Redis's used_memory (INFO memory): what the whole server
// holds, for measurements.
func (r *Redis) UsedMemory(ctx context.Context) (int64, error) {
	info, err := r.client.Info(ctx, "memory").Result()
	if err != nil {
		return 0, fmt.Errorf("read redis memory: %w", err)
	}
	for line := range strings.SplitSeq(info, "\r\n") {
		if v, ok := strings.CutPrefix(line, "used_memory:"); ok {
			return strconv.ParseInt(v, 10, 64)
		}
	}
	return 0, fmt.Errorf("read redis memory: no used_memory in INFO")
}
