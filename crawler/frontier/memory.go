package frontier

import (
	"container/heap"
	"context"
	"fmt"
	"sync"
	"time"
)

// Memory is a Frontier held in process memory: fast, and lost on exit.
type Memory struct {
	mu              sync.Mutex
	hostConcurrency int
	minGap          time.Duration
	seen            map[string]struct{}
	hosts           map[string]*host
	ready           hostHeap // hosts that have URLs and a free slot, by ready time
	queued          int
	hostsQueued     int // hosts with at least one URL queued
	inFlight        int
	changed         chan struct{} // closed and replaced whenever a waiter might proceed
	now             func() time.Time
}

// Options tune a frontier. Zero values mean one request at a time per host and
// no gap between requests.
type Options struct {
	HostConcurrency int           // requests in flight at once to one host
	MinGap          time.Duration // gap between request starts to one host when HostConcurrency > 1
}

type host struct {
	key       string
	queues    [numPriorities]fifo
	inFlight  int
	ready     time.Time     // no request may start before this: later of notBefore and lastStart+gap
	notBefore time.Time     // the latest ready time a Done gave
	lastStart time.Time     // when the last request was handed out
	gap       time.Duration // spacing between starts while requests overlap
	blocking  bool          // a prerequisite is in flight: nothing else may start
	index     int           // position in the ready heap, -1 when absent
}

// NewMemory returns an empty in-memory frontier.
func NewMemory(opts Options) *Memory {
	if opts.HostConcurrency < 1 {
		opts.HostConcurrency = 1
	}
	return &Memory{
		hostConcurrency: opts.HostConcurrency,
		minGap:          opts.MinGap,
		seen:            make(map[string]struct{}),
		hosts:           make(map[string]*host),
		changed:         make(chan struct{}),
		now:             time.Now,
	}
}

func (m *Memory) Push(_ context.Context, it Item) (bool, error) {
	if it.Priority < 0 || it.Priority >= numPriorities {
		return false, fmt.Errorf("push %s: priority %d out of range", it.URL, it.Priority)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, dup := m.seen[it.URL]; dup {
		return false, nil
	}
	m.seen[it.URL] = struct{}{}
	m.enqueue(it)
	return true, nil
}

func (m *Memory) Retry(_ context.Context, it Item) error {
	if it.Priority < 0 || it.Priority >= numPriorities {
		return fmt.Errorf("retry %s: priority %d out of range", it.URL, it.Priority)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.enqueue(it)
	return nil
}

func (m *Memory) DropHost(_ context.Context, key string) ([]Item, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	h := m.hosts[key]
	if h == nil || h.queued() == 0 {
		return nil, nil
	}
	var dropped []Item
	for p := range h.queues {
		for h.queues[p].len() > 0 {
			dropped = append(dropped, h.queues[p].pop())
		}
	}
	m.queued -= len(dropped)
	m.hostsQueued--
	m.fix(h)
	m.broadcast()
	return dropped, nil
}

// enqueue adds it to its host's queue. Called with mu held.
func (m *Memory) enqueue(it Item) {
	h := m.hosts[it.Host]
	if h == nil {
		h = &host{key: it.Host, gap: m.minGap, index: -1}
		m.hosts[it.Host] = h
	}
	if h.queued() == 0 {
		m.hostsQueued++
	}
	h.queues[it.Priority].push(it)
	m.queued++
	m.fix(h)
	m.broadcast()
}

func (m *Memory) Mark(_ context.Context, url string) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, dup := m.seen[url]; dup {
		return false, nil
	}
	m.seen[url] = struct{}{}
	return true, nil
}

func (m *Memory) Next(ctx context.Context) (Item, error) {
	var timer *time.Timer
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	for {
		m.mu.Lock()
		var wait <-chan time.Time
		if len(m.ready) > 0 {
			h := m.ready[0]
			now := m.now()
			if !h.ready.After(now) {
				it := m.take(h, now)
				m.mu.Unlock()
				return it, nil
			}
			if timer == nil {
				timer = time.NewTimer(h.ready.Sub(now))
			} else {
				timer.Reset(h.ready.Sub(now))
			}
			wait = timer.C
		} else if m.queued == 0 && m.inFlight == 0 {
			m.mu.Unlock()
			return Item{}, ErrExhausted
		}
		changed := m.changed
		m.mu.Unlock()
		select {
		case <-ctx.Done():
			return Item{}, ctx.Err()
		case <-changed:
		case <-wait:
		}
	}
}

func (m *Memory) Done(_ context.Context, it Item, ready time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	h := m.hosts[it.Host]
	if h == nil || h.inFlight == 0 {
		return nil
	}
	h.inFlight--
	m.inFlight--
	if it.Priority == Prerequisite {
		h.blocking = false
	}
	h.notBefore = later(h.notBefore, ready)
	h.gap = max(m.minGap, ready.Sub(m.now()))
	// Recompute rather than only extend: the spacing the last start set came
	// from the previous gap, and a back-off carried in it would otherwise
	// hold the host back a second time after the back-off ended.
	h.ready = later(h.notBefore, h.lastStart.Add(h.gap))
	m.fix(h)
	m.broadcast()
	return nil
}

func (m *Memory) Stats() Stats {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := Stats{Queued: m.queued, Seen: len(m.seen), Hosts: len(m.hosts), InFlight: m.inFlight}
	now := m.now()
	for _, h := range m.ready {
		if !h.ready.After(now) {
			s.HostsReady++
		}
	}
	// Waiting includes hosts out of the ready heap because their requests
	// in flight fill their slots: politeness holds their URLs back too.
	s.HostsWaiting = m.hostsQueued - s.HostsReady
	return s
}

func (m *Memory) Close() error { return nil }

// take hands out h's most urgent item. Called with mu held.
func (m *Memory) take(h *host, now time.Time) Item {
	var it Item
	for p := range h.queues {
		if h.queues[p].len() > 0 {
			it = h.queues[p].pop()
			break
		}
	}
	if h.queued() == 0 {
		m.hostsQueued--
	}
	m.queued--
	m.inFlight++
	h.inFlight++
	h.blocking = it.Priority == Prerequisite
	h.lastStart = now
	h.ready = later(h.notBefore, now.Add(h.gap))
	m.fix(h)
	return it
}

// fix keeps h in the ready heap exactly when it has a URL that may start
// once its ready time comes.
func (m *Memory) fix(h *host) {
	eligible := !h.blocking && h.inFlight < m.hostConcurrency && h.queued() > 0
	if eligible && h.queues[Prerequisite].len() > 0 && h.inFlight > 0 {
		eligible = false // robots.txt waits for the host to be idle, and everything else waits for it
	}
	switch {
	case eligible && h.index < 0:
		heap.Push(&m.ready, h)
	case eligible:
		heap.Fix(&m.ready, h.index)
	case h.index >= 0:
		heap.Remove(&m.ready, h.index)
	}
}

func (m *Memory) broadcast() {
	close(m.changed)
	m.changed = make(chan struct{})
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func (h *host) queued() int {
	n := 0
	for p := range h.queues {
		n += h.queues[p].len()
	}
	return n
}

// fifo is a slice queue that reuses its backing array once drained.
type fifo struct {
	items []Item
	head  int
}

func (q *fifo) push(it Item) { q.items = append(q.items, it) }
func (q *fifo) len() int     { return len(q.items) - q.head }
func (q *fifo) pop() Item {
	it := q.items[q.head]
	q.items[q.head] = Item{}
	q.head++
	if q.head == len(q.items) {
		q.items, q.head = q.items[:0], 0
	} else if q.head > 1024 && q.head*2 > len(q.items) {
		q.items, q.head = append(q.items[:0:0], q.items[q.head:]...), 0
	}
	return it
}

type hostHeap []*host

func (h hostHeap) Len() int           { return len(h) }
func (h hostHeap) Less(i, j int) bool { return h[i].ready.Before(h[j].ready) }
func (h hostHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index, h[j].index = i, j
}
func (h *hostHeap) Push(x any) {
	e := x.(*host)
	e.index = len(*h)
	*h = append(*h, e)
}
func (h *hostHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	old[len(old)-1] = nil
	e.index = -1
	*h = old[:len(old)-1]
	return e
}
