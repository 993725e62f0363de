package frontier

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// The processes working on a crawl register in Redis under a name of
// their own, which their WARC files carry too, and keep a heartbeat there
// as they keep their leases: P..'procs' is a zset of process ids by the
// expiry of their heartbeat, P..'proc' a hash of their descriptions
// (Process as JSON). A process whose heartbeat expired is gone.

// Process is one process working on a shared crawl, as it describes itself
// at every heartbeat.
type Process struct {
	// ID names the process: its machine's hostname and a random suffix,
	// unique in the crawl. Its WARC files carry it.
	ID       string    `json:"-"`
	Hostname string    `json:"hostname"`
	PID      int       `json:"pid"`
	Output   string    `json:"output"` // its collection folder
	Started  time.Time `json:"started"`
	InFlight int       `json:"in_flight"` // items it has in flight, at its last heartbeat
	Taken    int       `json:"taken"`     // items it took, at its last heartbeat
	// Expires is when the process counts as gone unless it beats again.
	Expires time.Time `json:"-"`
}

// registerScript claims a process id unless it is taken.
// ARGV: P, id, expiry µs, description. Returns 1 when claimed.
var registerScript = redis.NewScript(`
local P = ARGV[1]
if redis.call('ZSCORE', P..'procs', ARGV[2]) then return 0 end
redis.call('ZADD', P..'procs', ARGV[3], ARGV[2])
redis.call('HSET', P..'proc', ARGV[2], ARGV[4])
return 1
`)

// heartbeatScript forgets the processes whose heartbeat expired by
// ARGV[2] µs and, with ARGV[3], renews that process's heartbeat.
// ARGV: P, now µs[, id, expiry µs, description].
var heartbeatScript = redis.NewScript(`
local P = ARGV[1]
for _, id in ipairs(redis.call('ZRANGE', P..'procs', '-inf', '(' .. ARGV[2], 'BYSCORE')) do
  redis.call('HDEL', P..'proc', id)
end
redis.call('ZREMRANGEBYSCORE', P..'procs', '-inf', '(' .. ARGV[2])
if ARGV[3] then
  redis.call('ZADD', P..'procs', ARGV[4], ARGV[3])
  redis.call('HSET', P..'proc', ARGV[3], ARGV[5])
end
return 0
`)

// processesScript lists the processes alive at ARGV[2] µs, each as id,
// expiry µs and description. ARGV: P, now µs.
var processesScript = redis.NewScript(`
local P = ARGV[1]
local out = {}
local live = redis.call('ZRANGE', P..'procs', ARGV[2], '+inf', 'BYSCORE', 'WITHSCORES')
for i = 1, #live, 2 do
  table.insert(out, live[i])
  table.insert(out, live[i + 1])
  table.insert(out, redis.call('HGET', P..'proc', live[i]) or '{}')
end
return out
`)

// leaveScript removes a process. ARGV: P, id.
var leaveScript = redis.NewScript(`
redis.call('ZREM', ARGV[1]..'procs', ARGV[2])
redis.call('HDEL', ARGV[1]..'proc', ARGV[2])
return 0
`)

// Register names this process in the crawl and starts its heartbeat,
// which Close ends. p describes it (Hostname, PID and Started are filled
// in when empty); the name is p's hostname and a random suffix, unique
// among the crawl's processes, file-name safe.
func (r *Redis) Register(ctx context.Context, p Process) (string, error) {
	if err := r.usable(); err != nil {
		return "", err
	}
	if p.Hostname == "" {
		p.Hostname, _ = os.Hostname()
	}
	if p.PID == 0 {
		p.PID = os.Getpid()
	}
	if p.Started.IsZero() {
		p.Started = time.Now()
	}
	for range 8 { // 24 random bits: a clash is rare, two in a row rarer still
		p.ID = processName(p.Hostname)
		desc, err := json.Marshal(p)
		if err != nil {
			return "", err
		}
		ok, err := registerScript.Run(ctx, r.client, nil, r.keys.prefix, p.ID, micros(time.Now().Add(r.opts.LeaseTTL)), desc).Int()
		if err != nil {
			return "", fmt.Errorf("register this process in crawl: %w", err)
		}
		if ok == 1 {
			r.mu.Lock()
			r.self = &p
			r.mu.Unlock()
			return p.ID, nil
		}
	}
	return "", fmt.Errorf("register this process in crawl: no free process name for %q", p.Hostname)
}

// processName is host, cut to its first label and made file-name safe,
// with a random suffix.
func processName(host string) string {
	host, _, _ = strings.Cut(host, ".")
	host = strings.Map(func(c rune) rune {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' {
			return c
		}
		return '-'
	}, host)
	if len(host) > 32 {
		host = host[:32]
	}
	if host == "" {
		host = "process"
	}
	var b [3]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return host + "-" + hex.EncodeToString(b[:])
}

// heartbeat renews this process's heartbeat, with its figures, and
// forgets the processes whose heartbeat expired.
func (r *Redis) heartbeat(ctx context.Context) error {
	now := time.Now()
	args := []any{r.keys.prefix, micros(now)}
	r.mu.Lock()
	if r.self != nil {
		p := *r.self
		p.Taken = r.taken
		for _, ls := range r.leases {
			p.InFlight += len(ls)
		}
		desc, err := json.Marshal(p)
		if err != nil {
			r.mu.Unlock()
			return err
		}
		args = append(args, p.ID, micros(now.Add(r.opts.LeaseTTL)), desc)
	}
	r.mu.Unlock()
	if err := heartbeatScript.Run(ctx, r.client, nil, args...).Err(); err != nil {
		return fmt.Errorf("heartbeat: %w", err)
	}
	return nil
}

// leave removes this process from the crawl's processes.
func (r *Redis) leave(ctx context.Context) error {
	r.mu.Lock()
	self := r.self
	r.self = nil
	r.mu.Unlock()
	if self == nil {
		return nil
	}
	if err := leaveScript.Run(ctx, r.client, nil, r.keys.prefix, self.ID).Err(); err != nil {
		return fmt.Errorf("unregister process %s: %w", self.ID, err)
	}
	return nil
}

// Processes lists the processes working on the crawl now (their heartbeat
// has not expired), by id.
func (r *Redis) Processes(ctx context.Context) ([]Process, error) {
	out, err := processesScript.Run(ctx, r.client, nil, r.keys.prefix, nowMicros(time.Now())).StringSlice()
	if err != nil {
		return nil, fmt.Errorf("list the crawl's processes: %w", err)
	}
	var procs []Process
	for i := 0; i+2 < len(out); i += 3 {
		var p Process
		if err := json.Unmarshal([]byte(out[i+2]), &p); err != nil {
			return nil, fmt.Errorf("read process %s: %w", out[i], errCorrupt)
		}
		p.ID = out[i]
		if p.Expires, err = fromMicros(out[i+1]); err != nil {
			return nil, err
		}
		procs = append(procs, p)
	}
	slices.SortFunc(procs, func(a, b Process) int { return strings.Compare(a.ID, b.ID) })
	return procs, nil
}

// CountTaken adds n to the crawl-wide count of items taken (--max-pages
// across every process of the crawl) and returns the count.
func (r *Redis) CountTaken(ctx context.Context, n int64) (int64, error) {
	total, err := r.client.HIncrBy(ctx, r.keys.counters(), "taken", n).Result()
	if err != nil {
		return 0, fmt.Errorf("count the items taken: %w", err)
	}
	return total, nil
}
