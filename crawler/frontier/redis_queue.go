package frontier

import (
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"
)

func (r *Redis) Push(ctx context.Context, it Item) (bool, error) {
	if err := checkPriority("push", it); err != nil {
		return false, err
	}
	bucket, hash := seenHash(it.URL)
	return r.push(ctx, it, bucket, hash)
}

func (r *Redis) Retry(ctx context.Context, it Item) error {
	if err := checkPriority("retry", it); err != nil {
		return err
	}
	_, err := r.push(ctx, it, "", "")
	return err
}

// push queues it, checking the seen set unless hash is empty.
func (r *Redis) push(ctx context.Context, it Item, bucket, hash string) (bool, error) {
	if err := r.usable(); err != nil {
		return false, err
	}
	args := append([]any{r.keys.prefix, it.Host, int(it.Priority), encodeItem(it), bucket, hash},
		r.rules.stateArgs(r.rules.newHost())...)
	n, err := pushScript.Run(ctx, r.client, nil, args...).Int()
	if err != nil {
		return false, fmt.Errorf("queue %s: %w", it.URL, err)
	}
	if n == 1 {
		r.broadcast()
	}
	return n == 1, nil
}

func (r *Redis) Mark(ctx context.Context, url string) (bool, error) {
	if err := r.usable(); err != nil {
		return false, err
	}
	bucket, hash := seenHash(url)
	n, err := markScript.Run(ctx, r.client, nil, r.keys.prefix, bucket, hash).Int()
	if err != nil {
		return false, fmt.Errorf("mark %s seen: %w", url, err)
	}
	return n == 1, nil
}

func (r *Redis) DropHost(ctx context.Context, host string) ([]Item, error) {
	if err := r.usable(); err != nil {
		return nil, err
	}
	out, err := dropScript.Run(ctx, r.client, nil, r.keys.prefix, host).StringSlice()
	if err != nil {
		return nil, fmt.Errorf("drop host %s: %w", host, err)
	}
	dropped := make([]Item, 0, len(out)/2)
	for i := 0; i+1 < len(out); i += 2 {
		p, _ := strconv.Atoi(out[i])
		it, err := decodeItem([]byte(out[i+1]), host, Priority(p))
		if err != nil {
			return dropped, err
		}
		dropped = append(dropped, it)
	}
	r.broadcast()
	return dropped, nil
}

// Next takes, in two round trips, the most urgent item of a host whose
// ready time has come: the first finds the host and reads its state, the
// second takes the item if the state is still the one the rules decided
// on. Waiting, it looks again at the first ready time, or when this
// process changes the frontier. For what other processes change, one
// waiting Next of the process (the poller) looks at Redis every Poll, so
// an idle process costs one round trip per Poll, not one per worker; when
// the poller leaves with an item, the others look, and one of them polls.
func (r *Redis) Next(ctx context.Context) (Item, error) {
	var w waiter
	defer w.stop()
	polling := false
	defer func() {
		if polling {
			r.stopPolling()
		}
	}()
	for {
		r.mu.Lock()
		changed, closed := r.changed, r.closed
		r.mu.Unlock()
		if closed {
			return Item{}, ErrClosed
		}
		if err := ctx.Err(); err != nil {
			return Item{}, err
		}
		it, until, err := r.tryTake(ctx)
		if err != nil || it != nil {
			if it == nil {
				return Item{}, err
			}
			return *it, err
		}
		if !polling {
			r.mu.Lock()
			if !r.polling {
				polling, r.polling = true, true
			}
			r.mu.Unlock()
		}
		if polling {
			if poll := time.Now().Add(r.opts.Poll); until.IsZero() || until.After(poll) {
				until = poll
			}
		}
		if err := w.wait(ctx, changed, until); err != nil {
			return Item{}, err
		}
	}
}

// stopPolling hands polling over: every waiting Next looks at Redis once
// more, and the first to wait again polls.
func (r *Redis) stopPolling() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.polling = false
	r.broadcastLocked()
}

// tryTake takes an item if a host is due. Otherwise it returns when the
// first host will be (zero when none is eligible), or ErrExhausted.
func (r *Redis) tryTake(ctx context.Context) (*Item, time.Time, error) {
	for {
		now := time.Now()
		due, err := dueScript.Run(ctx, r.client, nil, r.keys.prefix, nowMicros(now), rand.IntN(dueCandidates), dueCandidates).StringSlice()
		if err != nil {
			return nil, time.Time{}, fmt.Errorf("find a host to fetch: %w", err)
		}
		if len(due) != 4 {
			return nil, time.Time{}, fmt.Errorf("find a host to fetch: %d values: %w", len(due), errCorrupt)
		}
		if due[0] == "" {
			if due[2] == "0" && due[3] == "0" {
				return nil, time.Time{}, ErrExhausted
			}
			var until time.Time
			if due[1] != "" {
				until, err = fromMicros(due[1])
			}
			return nil, until, err
		}
		host, version := due[0], due[1]
		s, err := decodeHostState(due[2])
		if err != nil {
			return nil, time.Time{}, err
		}
		p, _ := strconv.Atoi(due[3])
		next := r.rules.take(s, Priority(p), now)
		args := append([]any{r.keys.prefix, host, version, p}, r.rules.stateArgs(next)...)
		args = append(args, micros(now.Add(r.opts.LeaseTTL)), newLeaseID())
		got, err := takeScript.Run(ctx, r.client, nil, args...).StringSlice()
		if err != nil {
			return nil, time.Time{}, fmt.Errorf("take an item of %s: %w", host, err)
		}
		if len(got) != 2 {
			continue // another process or worker changed the host first
		}
		it, err := decodeItem([]byte(got[1]), host, Priority(p))
		if err != nil {
			return nil, time.Time{}, err
		}
		r.mu.Lock()
		r.leases[host] = append(r.leases[host], redisLease{leaseKey: keyOf(it), id: got[0], host: host})
		r.known[host] = knownState{version: nextVersion(version), state: next}
		r.taken++
		r.mu.Unlock()
		return &it, time.Time{}, nil
	}
}

// newLeaseID names a lease: random, so that a take run again after its
// reply was lost finds the lease it made.
func newLeaseID() string {
	var b [8]byte
	_, _ = crand.Read(b[:]) // crypto/rand.Read never fails
	return hex.EncodeToString(b[:])
}

func nextVersion(v string) string {
	n, _ := strconv.ParseInt(v, 10, 64)
	return strconv.FormatInt(n+1, 10)
}

// Done ends the lease of it and applies the rules' done to its host, in
// one round trip when no other worker changed the host since this process
// last saw it. A host this process has nothing in flight for is ignored,
// as Memory ignores it; a lease that expired meanwhile ends with nothing
// to do (its item was queued again). Like Bolt, Done of an item its host
// does not have in flight, while it has others, is an error.
func (r *Redis) Done(ctx context.Context, it Item, ready time.Time) error {
	if err := r.usable(); err != nil {
		return err
	}
	r.mu.Lock()
	i, ok := findLease(r.leases[it.Host], it)
	if !ok {
		held := len(r.leases[it.Host])
		r.mu.Unlock()
		if held == 0 {
			return nil
		}
		return fmt.Errorf("done %s: not in flight", it.URL)
	}
	l := r.leases[it.Host][i]
	r.leases[it.Host] = slices.Delete(r.leases[it.Host], i, i+1)
	if len(r.leases[it.Host]) == 0 {
		delete(r.leases, it.Host)
	}
	r.mu.Unlock()
	err := r.end(ctx, l.id, l.host, l.priority, false, func(s hostState, now time.Time) hostState {
		return r.rules.done(s, l.priority, ready, now)
	})
	if err != nil {
		return fmt.Errorf("done %s: %w", it.URL, err)
	}
	return nil
}

// release hands the item of lease id back to the front of its queue and
// frees its host's slot: the lease expired, or this process is leaving.
func (r *Redis) release(ctx context.Context, id, host string, p Priority) error {
	err := r.end(ctx, id, host, p, true, func(s hostState, now time.Time) hostState {
		return r.rules.released(s, p, now)
	})
	if err != nil {
		return fmt.Errorf("hand back an item of %s: %w", host, err)
	}
	return nil
}

// end ends lease id of host with the state transition given, retrying with
// the state Redis holds when another worker changed it first.
func (r *Redis) end(ctx context.Context, id, host string, p Priority, requeue bool, transition func(hostState, time.Time) hostState) error {
	r.mu.Lock()
	k, ok := r.known[host]
	r.mu.Unlock()
	if !ok {
		// Never seen here (an expired lease of another process): read it.
		v, err := r.client.HMGet(ctx, r.keys.host(host), "v", "s").Result()
		if err != nil {
			return err
		}
		if k, err = knownFrom(v[0], v[1]); err != nil {
			return err
		}
	}
	for {
		now := time.Now()
		next := transition(k.state, now)
		args := append([]any{r.keys.prefix, id, host, k.version}, r.rules.stateArgs(next)...)
		args = append(args, int(p), boolArg(requeue))
		got, err := endScript.Run(ctx, r.client, nil, args...).StringSlice()
		if err != nil {
			return err
		}
		switch {
		case len(got) == 1 && got[0] == "gone":
			return nil
		case len(got) == 1 && got[0] == "ok":
			r.mu.Lock()
			r.known[host] = knownState{version: nextVersion(k.version), state: next}
			r.broadcastLocked()
			r.mu.Unlock()
			return nil
		case len(got) == 3 && got[0] == "changed":
			if k, err = knownFrom(got[1], got[2]); err != nil {
				return err
			}
		default:
			return fmt.Errorf("end lease %s: %q: %w", id, got, errCorrupt)
		}
	}
}

func knownFrom(version, state any) (knownState, error) {
	v, ok1 := version.(string)
	s, ok2 := state.(string)
	if !ok1 || !ok2 {
		return knownState{}, fmt.Errorf("host state missing: %w", errCorrupt)
	}
	hs, err := decodeHostState(s)
	return knownState{version: v, state: hs}, err
}

func boolArg(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Stats reads the frontier's sizes across every process of the crawl.
// Frontier.Stats has no context and no error: it waits at most
// statsTimeout, and returns the last sizes read when Redis cannot be read.
func (r *Redis) Stats() Stats {
	ctx, cancel := context.WithTimeout(context.Background(), statsTimeout)
	defer cancel()
	s, err := r.ReadStats(withoutWaiting(ctx))
	r.mu.Lock()
	defer r.mu.Unlock()
	if err == nil {
		r.last = s
	}
	return r.last
}

const statsTimeout = 5 * time.Second

// ReadStats reads the frontier's sizes across every process of the crawl.
func (r *Redis) ReadStats(ctx context.Context) (Stats, error) {
	out, err := statsScript.Run(ctx, r.client, nil, r.keys.prefix, nowMicros(time.Now())).StringSlice()
	if err != nil {
		return Stats{}, fmt.Errorf("read the frontier's sizes: %w", err)
	}
	if len(out) != 7 {
		return Stats{}, fmt.Errorf("read the frontier's sizes: %d values: %w", len(out), errCorrupt)
	}
	var n [7]int
	for i, v := range out {
		n[i], _ = strconv.Atoi(v)
	}
	return Stats{Queued: n[0], Seen: n[1], Hosts: n[2], HostsReady: n[4], HostsWaiting: n[3] - n[4], InFlight: n[5], Processes: n[6]}, nil
}
