package frontier

import (
	"container/heap"
	"context"
	"time"
)

// scheduler is the part of a frontier that a store keeping its host
// entries in process memory (Memory, Bolt) shares: the politeness rules
// applied to each entry's state, the heap of hosts by ready time, the
// counts Stats reports, and the signal that wakes waiting Next calls.
// Its caller holds the store's lock; the store keeps the queues and tells
// the scheduler each host's backlog after every change.
type scheduler[H scheduledHost] struct {
	rules       politeness
	ready       readyHeap[H] // hosts that may start a request once their ready time comes
	queued      int          // URLs waiting
	hostsQueued int          // hosts with at least one URL waiting
	inFlight    int          // items handed out and not done
	changed     chan struct{}
}

func newScheduler[H scheduledHost](opts Options) scheduler[H] {
	return scheduler[H]{rules: newPoliteness(opts), changed: make(chan struct{})}
}

// readyEntry is a host entry's part that the scheduler reads and writes:
// its politeness state and its place in the ready heap.
type readyEntry struct {
	state hostState
	index int // position in the ready heap, -1 when absent
}

func newReadyEntry(s hostState) readyEntry { return readyEntry{state: s, index: -1} }

func (e *readyEntry) entry() *readyEntry { return e }

// scheduledHost is a store's host entry: it embeds a readyEntry.
type scheduledHost interface{ entry() *readyEntry }

// queue notes that h, whose backlog is now b, was given one more URL.
func (s *scheduler[H]) queue(h H, b backlog) {
	if b.queued == 1 {
		s.hostsQueued++
	}
	s.queued++
	s.fix(h, b)
	s.broadcast()
}

// take notes that a URL of priority pr of h starts at now, leaving h with
// backlog b.
func (s *scheduler[H]) take(h H, pr Priority, now time.Time, b backlog) {
	if b.queued == 0 {
		s.hostsQueued--
	}
	s.queued--
	s.inFlight++
	e := h.entry()
	e.state = s.rules.take(e.state, pr, now)
	s.fix(h, b)
}

// done notes the end at now of a request of priority pr to h, whose next
// start waits until ready; b is h's backlog.
func (s *scheduler[H]) done(h H, pr Priority, ready, now time.Time, b backlog) {
	s.inFlight--
	e := h.entry()
	e.state = s.rules.done(e.state, pr, ready, now)
	s.fix(h, b)
	s.broadcast()
}

// dropped notes that all n URLs h had waiting were removed.
func (s *scheduler[H]) dropped(h H, n int) {
	s.queued -= n
	s.hostsQueued--
	s.fix(h, backlog{})
	s.broadcast()
}

// fix keeps h in the ready heap exactly when the rules let it start a
// request once its ready time comes.
func (s *scheduler[H]) fix(h H, b backlog) {
	e := h.entry()
	eligible := s.rules.eligible(e.state, b)
	switch {
	case eligible && e.index < 0:
		heap.Push(&s.ready, h)
	case eligible:
		heap.Fix(&s.ready, e.index)
	case e.index >= 0:
		heap.Remove(&s.ready, e.index)
	}
}

// due returns the host whose ready time has come at now, if there is
// one; otherwise the time the first host becomes ready, zero when none
// is eligible.
func (s *scheduler[H]) due(now time.Time) (h H, until time.Time, ok bool) {
	if len(s.ready) == 0 {
		return h, time.Time{}, false
	}
	first := s.ready[0]
	if ready := first.entry().state.ready; ready.After(now) {
		return h, ready, false
	}
	return first, time.Time{}, true
}

// exhausted reports the end of the crawl: nothing waits, nothing is in
// flight (a host's ready time does not keep the crawl alive).
func (s *scheduler[H]) exhausted() bool { return s.queued == 0 && s.inFlight == 0 }

func (s *scheduler[H]) stats(now time.Time, seen, hosts int) Stats {
	st := Stats{Queued: s.queued, Seen: seen, Hosts: hosts, InFlight: s.inFlight}
	for _, h := range s.ready {
		if !h.entry().state.ready.After(now) {
			st.HostsReady++
		}
	}
	// Waiting includes hosts out of the ready heap because their requests
	// in flight fill their slots: politeness holds their URLs back too.
	st.HostsWaiting = s.hostsQueued - st.HostsReady
	return st
}

// broadcast wakes every Next waiting for a change.
func (s *scheduler[H]) broadcast() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// waiter is one Next call's wait for a change, a host's ready time or the
// end of its context; one timer serves all its waits.
type waiter struct{ timer *time.Timer }

// wait returns when changed is closed, at until (unless zero), or with
// ctx's error when ctx ends.
func (w *waiter) wait(ctx context.Context, changed <-chan struct{}, until time.Time) error {
	var at <-chan time.Time
	if !until.IsZero() {
		if w.timer == nil {
			w.timer = time.NewTimer(time.Until(until))
		} else {
			w.timer.Reset(time.Until(until))
		}
		at = w.timer.C
	}
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-changed:
	case <-at:
	}
	return nil
}

func (w *waiter) stop() {
	if w.timer != nil {
		w.timer.Stop()
	}
}

// readyHeap orders hosts by ready time, earliest first.
type readyHeap[H scheduledHost] []H

func (h readyHeap[H]) Len() int { return len(h) }
func (h readyHeap[H]) Less(i, j int) bool {
	return h[i].entry().state.ready.Before(h[j].entry().state.ready)
}
func (h readyHeap[H]) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].entry().index, h[j].entry().index = i, j
}
func (h *readyHeap[H]) Push(x any) {
	e := x.(H)
	e.entry().index = len(*h)
	*h = append(*h, e)
}
func (h *readyHeap[H]) Pop() any {
	old := *h
	e := old[len(old)-1]
	var zero H
	old[len(old)-1] = zero
	e.entry().index = -1
	*h = old[:len(old)-1]
	return e
}
