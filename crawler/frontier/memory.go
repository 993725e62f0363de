package frontier

import (
	"context"
	"sync"
	"time"
)

// Memory is a Frontier held in process memory: fast, and lost on exit.
type Memory struct {
	*hostBook
	mu    sync.Mutex
	seen  map[string]struct{}
	hosts map[string]*memHost
	sched scheduler[*memHost]
}

// Options tune a frontier. Zero values mean one request at a time per host and
// no gap between requests.
type Options struct {
	HostConcurrency int           // requests in flight at once to one host
	MinGap          time.Duration // gap between request starts to one host when HostConcurrency > 1
}

// memHost is one host of Memory: its queues and its politeness state.
type memHost struct {
	readyEntry
	queues [numPriorities]fifo
}

func (h *memHost) backlog() backlog {
	b := backlog{prerequisites: h.queues[Prerequisite].len()}
	for p := range h.queues {
		b.queued += h.queues[p].len()
	}
	return b
}

// NewMemory returns an empty in-memory frontier.
func NewMemory(opts Options) *Memory {
	return &Memory{
		hostBook: newHostBook(),
		seen:     make(map[string]struct{}),
		hosts:    make(map[string]*memHost),
		sched:    newScheduler[*memHost](opts),
	}
}

func (m *Memory) Push(_ context.Context, it Item) (bool, error) {
	if err := checkPriority("push", it); err != nil {
		return false, err
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
	if err := checkPriority("retry", it); err != nil {
		return err
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
	if h == nil || h.backlog().queued == 0 {
		return nil, nil
	}
	var dropped []Item
	for p := range h.queues {
		for h.queues[p].len() > 0 {
			dropped = append(dropped, h.queues[p].pop())
		}
	}
	m.sched.dropped(h, len(dropped))
	return dropped, nil
}

// enqueue adds it to its host's queue. Called with mu held.
func (m *Memory) enqueue(it Item) {
	h := m.hosts[it.Host]
	if h == nil {
		h = &memHost{readyEntry: newReadyEntry(m.sched.rules.newHost())}
		m.hosts[it.Host] = h
	}
	h.queues[it.Priority].push(it)
	m.sched.queue(h, h.backlog())
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
	var w waiter
	defer w.stop()
	for {
		m.mu.Lock()
		now := time.Now()
		h, until, ok := m.sched.due(now)
		if ok {
			it := m.take(h, now)
			m.mu.Unlock()
			return it, nil
		}
		if m.sched.exhausted() {
			m.mu.Unlock()
			return Item{}, ErrExhausted
		}
		changed := m.sched.changed
		m.mu.Unlock()
		if err := w.wait(ctx, changed, until); err != nil {
			return Item{}, err
		}
	}
}

// Done ends the fetch of it. A host with nothing in flight is ignored.
func (m *Memory) Done(_ context.Context, it Item, ready time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	h := m.hosts[it.Host]
	if h == nil || h.state.inFlight == 0 {
		return nil
	}
	m.sched.done(h, it.Priority, ready, time.Now(), h.backlog())
	return nil
}

func (m *Memory) Stats() Stats {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.sched.stats(time.Now(), len(m.seen), len(m.hosts))
}

func (m *Memory) Close() error { return nil }

// take hands out h's most urgent item. Called with mu held.
func (m *Memory) take(h *memHost, now time.Time) Item {
	var it Item
	for p := range h.queues {
		if h.queues[p].len() > 0 {
			it = h.queues[p].pop()
			break
		}
	}
	m.sched.take(h, it.Priority, now, h.backlog())
	return it
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
