package frontier

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"sync"
	"time"
)

// ErrClosed is returned by an on-disk frontier used after Close.
var ErrClosed = errors.New("frontier closed")

// diskFrontier is the on-disk Frontier. URLs, the seen set and the hosts'
// lasting politeness state live in a kvStore; memory holds an index entry
// per host (queue positions, politeness state), the items in flight, and
// the writes not committed yet with the items they queue (at most about
// maxPending). The politeness rules are the scheduler's, as in Memory.
//
// The durability rule is in Bolt's comment; commits are made as
// bolt_commit.go says.
type diskFrontier struct {
	*hostBook // in memory only: see hostBook
	kv        kvStore

	mu          sync.Mutex
	hosts       map[string]*diskHost
	sched       scheduler[*diskHost]
	nextHostID  uint32
	seen        int
	log         commitLog
	closed      bool
	err         error         // a failed commit: memory is ahead of the disk from then on
	stop        chan struct{} // closed by Close to end the flusher
	flusherDone chan struct{} // closed when the flusher has ended
}

// openDisk loads the index of the frontier kept in kv and starts its
// flusher.
func openDisk(kv kvStore, opts Options) (*diskFrontier, error) {
	f := &diskFrontier{
		hostBook:    newHostBook(),
		kv:          kv,
		hosts:       make(map[string]*diskHost),
		sched:       newScheduler[*diskHost](opts),
		log:         newCommitLog(),
		stop:        make(chan struct{}),
		flusherDone: make(chan struct{}),
	}
	if err := f.load(); err != nil {
		return nil, err
	}
	go f.flusher(f.stop)
	return f, nil
}

// load rebuilds the in-memory index: the counters, every host, and the
// extent of each queue. Nothing is in flight after a restart, so every
// entry on disk is queued, leased ones first since they came first.
func (f *diskFrontier) load() error {
	raw, err := f.kv.get(stateKey)
	if err != nil {
		return fmt.Errorf("read frontier state: %w", err)
	}
	if raw != nil {
		s, err := decodeState(raw)
		if err != nil {
			return err
		}
		f.nextHostID, f.seen = s.nextHostID, s.seen
	}

	byID := make(map[uint32]*diskHost)
	lower, upper := tableRange(tableHosts)
	err = f.kv.scan(lower, upper, func(k, v []byte) error {
		r, err := decodeHost(v)
		if err != nil {
			return err
		}
		if len(k) != 5 {
			return fmt.Errorf("host key %x: %w", k, errCorrupt)
		}
		h := &diskHost{readyEntry: newReadyEntry(restoredHost(r.notBefore, r.gap)),
			key: r.key, id: binary.BigEndian.Uint32(k[1:]), stored: r}
		byID[h.id], f.hosts[h.key] = h, h
		return nil
	})
	if err != nil {
		return fmt.Errorf("load hosts: %w", err)
	}

	lower, upper = tableRange(tableQueue)
	err = f.kv.scan(lower, upper, func(k, _ []byte) error {
		id, p, seq, err := parseQueueKey(k)
		if err != nil {
			return err
		}
		h := byID[id]
		if h == nil {
			return fmt.Errorf("queue entry of unknown host %d: %w", id, errCorrupt)
		}
		q := &h.queues[p]
		if q.queued == 0 {
			q.next = seq
		}
		q.queued++
		q.tail, q.fresh = seq+1, seq+1
		return nil
	})
	if err != nil {
		return fmt.Errorf("load queues: %w", err)
	}
	for _, h := range f.hosts {
		b := h.backlog()
		if b.queued > 0 {
			f.sched.queued += b.queued
			f.sched.hostsQueued++
		}
		f.sched.fix(h, b)
	}
	return nil
}

func (f *diskFrontier) diskState() diskState {
	return diskState{nextHostID: f.nextHostID, seen: f.seen}
}

// usable reports why the frontier cannot be used, if it cannot.
func (f *diskFrontier) usable() error {
	if f.closed {
		return ErrClosed
	}
	return f.err
}

func (f *diskFrontier) Push(_ context.Context, it Item) (bool, error) {
	if err := checkPriority("push", it); err != nil {
		return false, err
	}
	k := newSeenKey(it.URL)
	f.mu.Lock()
	defer f.mu.Unlock()
	if dup, err := f.seenLocked(k); dup || err != nil {
		return false, err
	}
	h, err := f.hostLocked(it.Host)
	if err != nil {
		return false, err
	}
	if err := f.enqueueLocked(h, it); err != nil {
		return false, err
	}
	f.log.putSeen(k)
	f.seen++
	if err := f.acceptedLocked(); err != nil {
		return false, err
	}
	return true, nil
}

func (f *diskFrontier) Retry(_ context.Context, it Item) error {
	if err := checkPriority("retry", it); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.usable(); err != nil {
		return err
	}
	h, err := f.hostLocked(it.Host)
	if err != nil {
		return err
	}
	if err := f.enqueueLocked(h, it); err != nil {
		return err
	}
	return f.acceptedLocked()
}

// enqueueLocked writes it at the end of its host's queue.
func (f *diskFrontier) enqueueLocked(h *diskHost, it Item) error {
	q := &h.queues[it.Priority]
	if q.tail == math.MaxUint32 {
		return fmt.Errorf("queue %s: queue of %s is full", it.URL, it.Host)
	}
	f.log.put(queueKey(h.id, it.Priority, q.tail), encodeItem(it))
	if !h.pushed {
		h.pushed = true
		f.log.pushedHosts = append(f.log.pushedHosts, h)
	}
	q.push(it)
	f.sched.queue(h, h.backlog())
	return nil
}

func (f *diskFrontier) Mark(_ context.Context, url string) (bool, error) {
	k := newSeenKey(url)
	f.mu.Lock()
	defer f.mu.Unlock()
	if dup, err := f.seenLocked(k); dup || err != nil {
		return false, err
	}
	f.log.putSeen(k)
	f.seen++
	return true, f.acceptedLocked()
}

// seenLocked reports whether k is in the seen set, committed or not.
func (f *diskFrontier) seenLocked(k seenKey) (bool, error) {
	if err := f.usable(); err != nil {
		return false, err
	}
	if f.log.holdsSeen(k) {
		return true, nil
	}
	dup, err := f.kv.has(k[:])
	if err != nil {
		return false, fmt.Errorf("look up seen set: %w", err)
	}
	return dup, nil
}

// hostLocked returns the host of key, recording a new one.
func (f *diskFrontier) hostLocked(key string) (*diskHost, error) {
	if h := f.hosts[key]; h != nil {
		return h, nil
	}
	if f.nextHostID == math.MaxUint32 {
		return nil, fmt.Errorf("add host %s: too many hosts", key)
	}
	h := &diskHost{readyEntry: newReadyEntry(f.sched.rules.newHost()), key: key, id: f.nextHostID}
	h.stored = h.record()
	f.nextHostID++
	f.hosts[key] = h
	f.log.put(hostRecordKey(h.id), encodeHost(h.stored))
	return h, nil
}

func (f *diskFrontier) Stats() Stats {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.sched.stats(time.Now(), f.seen, len(f.hosts))
}

// Close commits what is pending, stops the flusher and closes the store.
// Items in flight stay on disk, to be handed out again by the next open.
func (f *diskFrontier) Close() error {
	f.mu.Lock()
	if f.closed {
		f.mu.Unlock()
		return nil
	}
	// Loop: writes other callers append while a commit runs are theirs
	// to wait for, but Close must not drop them.
	var err error
	for err == nil && f.log.committed < f.log.appended {
		err = f.flushLocked()
	}
	f.closed = true
	f.sched.broadcast() // waiting Next calls return ErrClosed
	f.mu.Unlock()
	// Every other use of the store looks at closed first: only the
	// flusher may still be on its way out.
	close(f.stop)
	<-f.flusherDone
	if cerr := f.kv.close(); cerr != nil && err == nil {
		err = fmt.Errorf("close frontier store: %w", cerr)
	}
	return err
}
