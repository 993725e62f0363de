package frontier

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"time"
)

func (f *diskFrontier) Next(ctx context.Context) (Item, error) {
	var w waiter
	defer w.stop()
	for {
		f.mu.Lock()
		if err := f.usable(); err != nil {
			f.mu.Unlock()
			return Item{}, err
		}
		now := time.Now()
		h, until, ok := f.sched.due(now)
		if ok {
			it, err := f.takeLocked(h, now)
			f.mu.Unlock()
			return it, err
		}
		if f.sched.exhausted() {
			f.mu.Unlock()
			return Item{}, ErrExhausted
		}
		changed := f.sched.changed
		f.mu.Unlock()
		if err := w.wait(ctx, changed, until); err != nil {
			return Item{}, err
		}
	}
}

// takeLocked hands out h's most urgent item: from disk, or from memory
// when it is not committed yet. Handing out an item whose push may still
// be lost in a crash is safe: the push went into the commit log before the
// Done of the page it was found on, so that Done is lost with it and the
// page, fetched again, finds the URL again (see Bolt).
func (f *diskFrontier) takeLocked(h *diskHost, now time.Time) (Item, error) {
	p := Prerequisite
	for h.queues[p].queued == 0 {
		p++
	}
	q := &h.queues[p]
	it, seq, err := f.headLocked(h, p)
	if err != nil {
		return Item{}, err
	}
	q.next = seq + 1
	q.queued--
	h.leases = append(h.leases, lease{leaseKey: keyOf(it), key: queueKey(h.id, p, seq), after: f.log.appended})
	f.sched.take(h, p, now, h.backlog())
	return it, nil
}

// headLocked finds the first entry waiting in h's queue of priority p and
// its sequence number. Committed entries are read from disk; there may be
// gaps among them, left by items done before a restart.
func (f *diskFrontier) headLocked(h *diskHost, p Priority) (Item, uint32, error) {
	q := &h.queues[p]
	if q.next < q.fresh {
		key, value, err := f.kv.first(queueKey(h.id, p, q.next), queueKey(h.id, p, q.fresh))
		if err != nil {
			return Item{}, 0, fmt.Errorf("read queue of %s: %w", h.key, err)
		}
		if key != nil {
			_, _, seq, err := parseQueueKey(key)
			if err != nil {
				return Item{}, 0, err
			}
			it, err := decodeItem(value, h.key, p)
			return it, seq, err
		}
		q.next = q.fresh // none left on disk: the rest is in memory
	}
	if i := int(q.next - q.fresh); i < len(q.mem) {
		return q.mem[i], q.next, nil
	}
	return Item{}, 0, fmt.Errorf("read queue of %s: %d entries missing: %w", h.key, q.queued, errCorrupt)
}

// Settle implements Settler: it returns once every call accepted before
// Next handed out it is committed, committing at once rather than at the
// end of the window when it has to wait. An item not in flight has nothing
// to wait for.
func (f *diskFrontier) Settle(_ context.Context, it Item) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.usable(); err != nil {
		return err
	}
	h := f.hosts[it.Host]
	if h == nil {
		return nil
	}
	i, ok := h.leaseOf(it)
	if !ok {
		return nil
	}
	return f.commitLocked(h.leases[i].after)
}

// Done deletes it from the queue on disk, in the next commit, which also
// carries every push accepted before. It does not wait for that commit.
// A host with nothing in flight is ignored, as Memory ignores it. Unlike
// Memory, Done of an item its host does not have in flight, while it has
// several, is an error: deleting the wrong one would lose a URL in a crash.
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
	f.sched.done(h, l.priority, ready, time.Now(), h.backlog())
	f.log.del(l.key)
	// The host's record changes only when a delay or back-off does, not on
	// every fetch of a crawl without delays.
	if r := h.record(); !r.equal(h.stored) {
		h.stored = r
		f.log.put(hostRecordKey(h.id), encodeHost(r))
	}
	return f.acceptedLocked()
}

// DropHost deletes every URL queued for host, in the next commit, and
// returns them. Its items in flight stay theirs to finish.
func (f *diskFrontier) DropHost(_ context.Context, host string) ([]Item, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.usable(); err != nil {
		return nil, err
	}
	h := f.hosts[host]
	if h == nil || h.backlog().queued == 0 {
		return nil, nil
	}
	var dropped []Item
	for p := range h.queues {
		q := &h.queues[p]
		if q.queued == 0 {
			continue
		}
		if q.next < q.fresh {
			err := f.kv.scan(queueKey(h.id, Priority(p), q.next), queueKey(h.id, Priority(p), q.fresh), func(k, v []byte) error {
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
		}
		for seq := max(q.next, q.fresh); seq < q.tail; seq++ {
			dropped = append(dropped, q.mem[seq-q.fresh])
			f.log.del(queueKey(h.id, Priority(p), seq))
		}
		q.dropAll()
	}
	f.sched.dropped(h, len(dropped))
	return dropped, f.acceptedLocked()
}
