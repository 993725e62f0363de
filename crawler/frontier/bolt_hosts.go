package frontier

import (
	"container/heap"
	"time"
)

// diskHost is the in-memory index entry of one host of an on-disk
// frontier: where its queues start and end on disk and its politeness
// state. Its URLs stay on disk.
type diskHost struct {
	key       string
	id        uint32
	queues    [numPriorities]diskQueue
	inFlight  int
	leases    []lease   // its items in flight, at most HostConcurrency
	ready     time.Time // no request may start before this: later of notBefore and lastStart+gap
	notBefore time.Time // the latest ready time a Done gave
	lastStart time.Time // when the last request was handed out
	gap       time.Duration
	blocking  bool // a prerequisite is in flight: nothing else may start
	index     int  // position in the ready heap, -1 when absent
	pushed    bool // listed in the commit log's pushedHosts
	stored    hostRecord
}

// lease is an item in flight and where it lies on disk, for Done to
// delete it.
type lease struct {
	url      string
	priority Priority
	attempt  int
	key      []byte
}

// leaseOf finds the lease that Done of it ends: the one of its URL (of its
// priority and attempt when a retry of the URL is in flight too), or the
// host's only lease, for a Done that names just the host as Memory allows.
func (h *diskHost) leaseOf(it Item) (int, bool) {
	found := -1
	for i, l := range h.leases {
		if l.url != it.URL {
			continue
		}
		if l.priority == it.Priority && l.attempt == it.Attempt {
			return i, true
		}
		if found < 0 {
			found = i
		}
	}
	if found < 0 && len(h.leases) == 1 {
		found = 0
	}
	return found, found >= 0
}

// diskQueue locates one priority's FIFO of a host on disk. Sequence numbers
// are handed out in order and an entry is deleted only when its item is
// done, so every entry waiting to be handed out lies at or after next.
type diskQueue struct {
	next    uint32 // the first entry at or after this one is the next to hand out
	tail    uint32 // the sequence number the next push takes
	durable uint32 // entries before this one are committed
	queued  int    // entries waiting to be handed out
}

func (h *diskHost) queued() int {
	n := 0
	for p := range h.queues {
		n += h.queues[p].queued
	}
	return n
}

// pendingPushes reports whether some of h's queued entries are not
// committed yet.
func (h *diskHost) pendingPushes() bool {
	for p := range h.queues {
		if q := h.queues[p]; q.queued > 0 && q.tail > q.durable {
			return true
		}
	}
	return false
}

// record is the state Done writes to disk, to compare with what is there.
func (h *diskHost) record() hostRecord {
	return hostRecord{key: h.key, notBefore: h.notBefore, gap: h.gap}
}

// fix keeps h in the ready heap exactly when it has a URL that may start
// once its ready time comes: the rules of Memory.fix.
func (f *diskFrontier) fix(h *diskHost) {
	eligible := !h.blocking && h.inFlight < f.hostConcurrency && h.queued() > 0
	if eligible && h.queues[Prerequisite].queued > 0 && h.inFlight > 0 {
		eligible = false // robots.txt waits for the host to be idle, and everything else waits for it
	}
	switch {
	case eligible && h.index < 0:
		heap.Push(&f.ready, h)
	case eligible:
		heap.Fix(&f.ready, h.index)
	case h.index >= 0:
		heap.Remove(&f.ready, h.index)
	}
}

type diskHeap []*diskHost

func (h diskHeap) Len() int           { return len(h) }
func (h diskHeap) Less(i, j int) bool { return h[i].ready.Before(h[j].ready) }
func (h diskHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index, h[j].index = i, j
}
func (h *diskHeap) Push(x any) {
	e := x.(*diskHost)
	e.index = len(*h)
	*h = append(*h, e)
}
func (h *diskHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	old[len(old)-1] = nil
	e.index = -1
	*h = old[:len(old)-1]
	return e
}

// latest is the later of a and b. (Memory's helper is its own, so that
// either file can change alone.)
func latest(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
