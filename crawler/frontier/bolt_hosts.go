package frontier

// diskHost is the in-memory index entry of one host of the on-disk
// frontier: where its queues lie on disk, the URLs pushed since the last
// commit, its items in flight and its politeness state.
type diskHost struct {
	readyEntry
	key    string
	id     uint32
	queues [numPriorities]diskQueue
	leases []lease    // its items in flight, at most HostConcurrency
	pushed bool       // listed in the commit log's pushedHosts
	stored hostRecord // what its record on disk says, once committed
}

// lease is an item in flight, where it lies on disk, for Done to delete
// it, and how many writes were appended before it was handed out, for
// Settle.
type lease struct {
	leaseKey
	key   []byte
	after uint64
}

// leaseOf finds the lease that Done of it ends.
func (h *diskHost) leaseOf(it Item) (int, bool) { return findLease(h.leases, it) }

// diskQueue locates one priority's FIFO of a host. Sequence numbers are
// handed out in order and an entry is deleted only when its item is done,
// so every entry waiting to be handed out lies at or after next. Entries
// from fresh on are not committed yet: their items are held in memory,
// in order, and Next hands them out from there.
type diskQueue struct {
	next   uint32 // the first entry at or after this one is the next to hand out
	tail   uint32 // the sequence number the next push takes
	queued int    // entries waiting to be handed out
	fresh  uint32 // entries from this one on are not committed yet
	mem    []Item // the items of entries fresh, fresh+1, ... up to tail
}

// push appends it to the queue, in memory until a commit takes it.
func (q *diskQueue) push(it Item) {
	q.mem = append(q.mem, it)
	q.tail++
	q.queued++
}

// committed lets go of the items of entries before upTo, which a commit
// has put on disk.
func (q *diskQueue) committed(upTo uint32) {
	if upTo <= q.fresh {
		return
	}
	n := min(int(upTo-q.fresh), len(q.mem))
	clear(q.mem[:n])
	q.mem = q.mem[n:]
	if len(q.mem) == 0 {
		q.mem = nil
	}
	q.fresh = upTo
}

// dropAll forgets every entry waiting; their deletes are the caller's.
func (q *diskQueue) dropAll() {
	q.next, q.fresh = q.tail, q.tail
	q.queued, q.mem = 0, nil
}

func (h *diskHost) backlog() backlog {
	b := backlog{prerequisites: h.queues[Prerequisite].queued}
	for p := range h.queues {
		b.queued += h.queues[p].queued
	}
	return b
}

// record is the part of h's state that outlives a restart, as Done writes
// it to disk.
func (h *diskHost) record() hostRecord {
	return hostRecord{key: h.key, notBefore: h.state.notBefore, gap: h.state.gap}
}
