package frontier

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"time"
)

func (f *diskFrontier) Next(ctx context.Context) (Item, error) {
	var timer *time.Timer
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	f.mu.Lock()
	for {
		if err := f.usable(); err != nil {
			f.mu.Unlock()
			return Item{}, err
		}
		var wait <-chan time.Time
		if len(f.ready) > 0 {
			h := f.ready[0]
			now := f.now()
			if !h.ready.After(now) {
				it, ok, err := f.takeLocked(h, now)
				if ok || err != nil {
					f.mu.Unlock()
					return it, err
				}
				continue // it committed, and the world may have moved meanwhile
			}
			if timer == nil {
				timer = time.NewTimer(h.ready.Sub(now))
			} else {
				timer.Reset(h.ready.Sub(now))
			}
			wait = timer.C
		} else if f.queued == 0 && f.inFlight == 0 {
			f.mu.Unlock()
			return Item{}, ErrExhausted
		}
		changed := f.changed
		f.mu.Unlock()
		select {
		case <-ctx.Done():
			return Item{}, ctx.Err()
		case <-changed:
		case <-wait:
		}
		f.mu.Lock()
	}
}

// takeLocked hands out h's most urgent item, read from disk. When that item
// is not committed yet it commits instead and reports !ok, for the caller
// to look again.
func (f *diskFrontier) takeLocked(h *diskHost, now time.Time) (Item, bool, error) {
	p := Prerequisite
	for h.queues[p].queued == 0 {
		p++
	}
	q := &h.queues[p]
	if q.next >= q.durable {
		return Item{}, false, f.flushLocked()
	}
	key, value, err := f.kv.first(queueKey(h.id, p, q.next), queueKey(h.id, p+1, 0))
	if err != nil {
		return Item{}, false, fmt.Errorf("read queue of %s: %w", h.key, err)
	}
	if key == nil {
		return Item{}, false, fmt.Errorf("read queue of %s: %d entries missing: %w", h.key, q.queued, errCorrupt)
	}
	_, _, seq, err := parseQueueKey(key)
	if err != nil {
		return Item{}, false, err
	}
	it, err := decodeItem(value, h.key, p)
	if err != nil {
		return Item{}, false, err
	}
	q.next = seq + 1
	q.queued--
	if h.queued() == 0 {
		f.hostsQueued--
	}
	f.queued--
	f.inFlight++
	h.leases = append(h.leases, lease{url: it.URL, priority: p, attempt: it.Attempt, key: key})
	h.inFlight++
	h.blocking = p == Prerequisite
	h.lastStart = now
	h.ready = latest(h.notBefore, now.Add(h.gap))
	f.fix(h)
	return it, true, nil
}

// Done deletes it from disk and returns once that is committed, with every
// push accepted before it. A host with nothing in flight is ignored, as
// Memory ignores it. Unlike Memory, Done of an item its host does not have
// in flight, while it has several, is an error: deleting the wrong one
// would lose a URL in a crash.
func (f *diskFrontier) Done(_ context.Context, it Item, ready time.Time) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.usable(); err != nil {
		return err
	}
	h := f.hosts[it.Host]
	if h == nil || len(h.leases) == 0 {
		return nil
	}
	i, ok := h.leaseOf(it)
	if !ok {
		return fmt.Errorf("done %s: not in flight", it.URL)
	}
	l := h.leases[i]
	h.leases = slices.Delete(h.leases, i, i+1)
	h.inFlight--
	f.inFlight--
	if l.priority == Prerequisite {
		h.blocking = false
	}
	h.notBefore = latest(h.notBefore, ready)
	h.gap = max(f.minGap, ready.Sub(f.now()))
	// Recompute rather than only extend, as Memory does: a back-off carried
	// in the last start's spacing would otherwise hold the host back twice.
	h.ready = latest(h.notBefore, h.lastStart.Add(h.gap))
	f.log.del(l.key)
	// The host's record changes only when a delay or back-off does, not on
	// every fetch of a crawl without delays.
	if r := h.record(); !r.equal(h.stored) {
		h.stored = r
		f.log.put(hostRecordKey(h.id), encodeHost(r))
	}
	f.fix(h)
	f.broadcast()
	return f.flushLocked()
}

// DropHost deletes every URL queued for host and returns them, once the
// deletes are committed. Its items in flight stay theirs to finish.
func (f *diskFrontier) DropHost(_ context.Context, host string) ([]Item, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var h *diskHost
	for {
		if err := f.usable(); err != nil {
			return nil, err
		}
		h = f.hosts[host]
		if h == nil || h.queued() == 0 {
			return nil, nil
		}
		if !h.pendingPushes() {
			break
		}
		// Its newest URLs are not on disk yet: commit, then look again,
		// since others may have moved on while the lock was let go.
		if err := f.flushLocked(); err != nil {
			return nil, err
		}
	}
	var dropped []Item
	for p := range h.queues {
		q := &h.queues[p]
		if q.queued == 0 {
			continue
		}
		err := f.kv.scan(queueKey(h.id, Priority(p), q.next), queueKey(h.id, Priority(p)+1, 0), func(k, v []byte) error {
			it, err := decodeItem(v, h.key, Priority(p))
			if err != nil {
				return err
			}
			dropped = append(dropped, it)
			f.log.del(bytes.Clone(k))
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("drop host %s: %w", host, err)
		}
		q.next = q.tail
		f.queued -= q.queued
		q.queued = 0
	}
	f.hostsQueued--
	f.fix(h)
	f.broadcast()
	if err := f.flushLocked(); err != nil {
		return nil, err
	}
	return dropped, nil
}
