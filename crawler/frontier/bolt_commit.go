package frontier

import "fmt"

// flushWrites is how many writes Push lets wait in memory before it commits
// them itself: enough to spread a commit's fsync over many URLs, few enough
// to bound the memory they hold (a few hundred bytes each).
const flushWrites = 8192

// commitLog holds the writes of Push, Mark and Done in the order they were
// accepted, until a commit takes them. Every commit takes all that is
// pending, so commits preserve that order: a write is never on disk
// without all the writes accepted before it.
type commitLog struct {
	pending      []kvWrite
	appended     uint64               // writes ever appended
	committed    uint64               // writes ever committed
	pendingSeen  map[seenKey]struct{} // seen-set keys among pending
	flushingSeen map[seenKey]struct{} // seen-set keys in the commit running
	pushedHosts  []*diskHost          // hosts with queue entries among pending
	running      chan struct{}        // closed when the commit running ends; nil when none
}

func (l *commitLog) put(key, value []byte) {
	l.pending = append(l.pending, kvWrite{key: key, value: value})
	l.appended++
}

func (l *commitLog) del(key []byte) {
	l.pending = append(l.pending, kvWrite{key: key, del: true})
	l.appended++
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

// queueTails remembers how far a host's queues reach in a commit, to mark
// them durable once it succeeds.
type queueTails struct {
	host  *diskHost
	tails [numPriorities]uint32
}

// flushLocked returns once every write appended so far is committed. It is
// called with f.mu held and releases it while it waits or writes, so other
// callers go on queueing writes meanwhile; whoever finds no commit running
// leads the next one and takes everything pending, which groups the writes
// of concurrent callers into one transaction (group commit).
func (f *diskFrontier) flushLocked() error {
	l := &f.log
	target := l.appended
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
			f.broadcast()
		} else {
			l.committed = upTo
			for _, m := range marks {
				for p := range m.host.queues {
					q := &m.host.queues[p]
					q.durable = max(q.durable, m.tails[p])
				}
			}
		}
		close(running)
	}
	return f.err
}
