package frontier

import (
	"fmt"
	"time"
)

// Writes reach the disk in group commits made by a background flusher: a
// commit takes everything pending once the oldest pending write has waited
// commitWindow, at once when commitWrites are pending, or at once when
// Settle needs it. The window is shorter than most fetches, so the Done of
// a worker's fetch is mostly committed by the time Settle of its next
// fetch asks, and long enough that one fsynced commit carries the Done
// calls of several fetches. A caller waits for a commit only in Settle,
// when the commit did not end during the fetch, and when maxPending writes
// wait, which bounds the memory they and the transaction that commits them
// hold when commits cannot keep up.
const (
	commitWindow = 2 * time.Millisecond
	commitWrites = 4096
	maxPending   = 2 * commitWrites
)

// commitLog holds the writes of Push, Retry, Mark, Done and DropHost in
// the order they were accepted, until a commit takes them. Every commit
// takes all that is pending, so commits preserve that order: a write is
// never on disk without all the writes accepted before it.
type commitLog struct {
	pending      []kvWrite
	since        time.Time            // when the oldest pending write was appended
	appended     uint64               // writes ever appended
	committed    uint64               // writes ever committed
	pendingSeen  map[seenKey]struct{} // seen-set keys among pending
	flushingSeen map[seenKey]struct{} // seen-set keys in the commit running
	pushedHosts  []*diskHost          // hosts with queue entries among pending
	running      chan struct{}        // closed when the commit running ends; nil when none
	wake         chan struct{}        // tells the flusher to look at pending (capacity 1)
}

func newCommitLog() commitLog {
	return commitLog{pendingSeen: make(map[seenKey]struct{}), wake: make(chan struct{}, 1)}
}

func (l *commitLog) put(key, value []byte) {
	l.append(kvWrite{key: key, value: value})
}

func (l *commitLog) del(key []byte) {
	l.append(kvWrite{key: key, del: true})
}

// append adds w, and wakes the flusher when w opens a window or fills a
// batch.
func (l *commitLog) append(w kvWrite) {
	if len(l.pending) == 0 {
		l.since = time.Now()
		l.kick()
	}
	l.pending = append(l.pending, w)
	l.appended++
	if len(l.pending) == commitWrites {
		l.kick()
	}
}

func (l *commitLog) kick() {
	select {
	case l.wake <- struct{}{}:
	default: // already told
	}
}

func (l *commitLog) putSeen(k seenKey) {
	l.pendingSeen[k] = struct{}{}
	l.put(k[:], nil)
}

// holdsSeen reports whether k is seen by a write not yet on disk.
func (l *commitLog) holdsSeen(k seenKey) bool {
	if _, ok := l.pendingSeen[k]; ok {
		return true
	}
	_, ok := l.flushingSeen[k]
	return ok
}

// queueTails remembers how far a host's queues reach in a commit, to let
// go of their items held in memory once it succeeds.
type queueTails struct {
	host  *diskHost
	tails [numPriorities]uint32
}

// flusher commits pending writes in the background until stop is closed.
func (f *diskFrontier) flusher(stop <-chan struct{}) {
	defer close(f.flusherDone)
	timer := time.NewTimer(commitWindow)
	timer.Stop()
	for {
		select {
		case <-stop:
			return
		case <-f.log.wake:
		}
		f.mu.Lock()
		for !f.closed && len(f.log.pending) > 0 && len(f.log.pending) < commitWrites {
			wait := time.Until(f.log.since.Add(commitWindow))
			if wait <= 0 {
				break
			}
			f.mu.Unlock()
			timer.Reset(wait)
			select {
			case <-stop:
				return
			case <-f.log.wake: // the batch may be full: look again
			case <-timer.C:
			}
			f.mu.Lock()
		}
		if !f.closed {
			// A failure is kept in f.err, which every later call returns.
			_ = f.flushLocked()
		}
		f.mu.Unlock()
	}
}

// flushLocked returns once every write appended so far is committed: the
// flusher calls it when a window ends; Close and SetMeta call it to be on
// disk at once; a caller calls it when maxPending writes wait.
func (f *diskFrontier) flushLocked() error { return f.commitLocked(f.log.appended) }

// commitLocked returns once the first target writes ever appended are
// committed. It is called with f.mu held and releases it while it waits or
// writes, so other callers go on queueing writes meanwhile; whoever finds
// no commit running leads the next one and takes everything pending, which
// groups the writes of concurrent callers into one transaction.
func (f *diskFrontier) commitLocked(target uint64) error {
	l := &f.log
	for l.committed < target {
		if f.err != nil {
			return f.err
		}
		if l.running != nil {
			running := l.running
			f.mu.Unlock()
			<-running
			f.mu.Lock()
			continue
		}
		writes := append(l.pending, kvWrite{key: stateKey, value: encodeState(f.diskState())})
		upTo := l.appended
		marks := make([]queueTails, 0, len(l.pushedHosts))
		for _, h := range l.pushedHosts {
			m := queueTails{host: h}
			for p := range h.queues {
				m.tails[p] = h.queues[p].tail
			}
			marks = append(marks, m)
			h.pushed = false
		}
		l.pending, l.pushedHosts = nil, nil
		l.flushingSeen, l.pendingSeen = l.pendingSeen, make(map[seenKey]struct{})
		running := make(chan struct{})
		l.running = running

		f.mu.Unlock()
		err := f.kv.commit(writes)
		f.mu.Lock()

		l.running, l.flushingSeen = nil, nil
		if err != nil {
			// Memory is now ahead of the disk and cannot be squared with it:
			// the frontier stops here, and reopening resumes from the last
			// commit, which holds no Done without the pushes before it.
			f.err = fmt.Errorf("commit frontier state: %w", err)
			f.sched.broadcast()
		} else {
			l.committed = upTo
			for _, m := range marks {
				for p := range m.host.queues {
					m.host.queues[p].committed(m.tails[p])
				}
			}
		}
		close(running)
	}
	return f.err
}

// acceptedLocked ends a call that appended writes: it waits for a commit
// only when too many writes are pending.
func (f *diskFrontier) acceptedLocked() error {
	if len(f.log.pending) >= maxPending {
		return f.flushLocked()
	}
	return nil
}
