package frontier

import "time"

// hostState is the politeness state of one host: all that decides when it
// may start its next request. It is a plain value and the rules below are
// pure functions from one state to the next, so every store applies the
// same rules to states it keeps its own way: Memory in its host entries,
// Bolt in memory with the part that outlives a restart on disk, and a
// store shared by several processes as one record that a transition reads,
// transforms and writes back atomically.
type hostState struct {
	inFlight  int           // requests handed out and not done yet
	blocking  bool          // a prerequisite is in flight: nothing else may start
	notBefore time.Time     // the latest ready time a Done gave
	lastStart time.Time     // when the last request was handed out
	gap       time.Duration // spacing between starts while requests overlap
	ready     time.Time     // no request may start before this: later of notBefore and lastStart+gap
}

// backlog is what a host has queued, as far as the rules care.
type backlog struct {
	queued        int // URLs waiting, prerequisites included
	prerequisites int // prerequisites (robots.txt) among them
}

// politeness is the rules, set by a frontier's Options.
type politeness struct {
	hostConcurrency int           // requests in flight at once to one host, at least 1
	minGap          time.Duration // least spacing between starts to one host
}

func newPoliteness(opts Options) politeness {
	return politeness{hostConcurrency: max(opts.HostConcurrency, 1), minGap: opts.MinGap}
}

// newHost is the state of a host the frontier has not known before.
func (p politeness) newHost() hostState { return hostState{gap: p.minGap} }

// restoredHost is the state of a host read back after a restart, from the
// part of it a store keeps (notBefore and gap): nothing is in flight, and
// the host waits out the last ready time it was given.
func restoredHost(notBefore time.Time, gap time.Duration) hostState {
	return hostState{notBefore: notBefore, gap: gap, ready: notBefore}
}

// eligible reports whether a host in state s with backlog b may start a
// request once its ready time comes.
func (p politeness) eligible(s hostState, b backlog) bool { return p.admits(s).takes(b) }

// admission is what a host's state lets start, whatever it has queued: the
// rules split so that a store keeping the backlog apart from the state (a
// Redis list per queue) can decide eligibility where the backlog is, from
// the admission the rules gave the state.
type admission uint8

const (
	admitNone  admission = iota // nothing may start
	admitPages                  // anything but a prerequisite may start
	admitAll                    // anything may start
)

// admits is what a host in state s may start. A prerequisite waits for the
// host to be idle, and while it is in flight nothing else starts.
func (p politeness) admits(s hostState) admission {
	switch {
	case s.blocking || s.inFlight >= p.hostConcurrency:
		return admitNone
	case s.inFlight == 0:
		return admitAll
	}
	return admitPages
}

// takes reports whether a host admitting a, with backlog b, may start its
// next request (the most urgent of b). redisScripts' place says the same
// in Lua: keep the two alike.
func (a admission) takes(b backlog) bool {
	return b.queued > 0 && (a == admitAll || a == admitPages && b.prerequisites == 0)
}

// take is s once a request of priority pr starts at now.
func (p politeness) take(s hostState, pr Priority, now time.Time) hostState {
	s.inFlight++
	s.blocking = pr == Prerequisite
	s.lastStart = now
	s.ready = later(s.notBefore, now.Add(s.gap))
	return s
}

// released is s once a request of priority pr handed out at some time
// ends at now without a Done: its lease expired, its process being gone.
// The host waits no longer than its gap asks, as after a Done at now.
func (p politeness) released(s hostState, pr Priority, now time.Time) hostState {
	return p.done(s, pr, now, now)
}

// done is s once a request of priority pr ends at now, with the host to
// wait until ready before its next start.
func (p politeness) done(s hostState, pr Priority, ready, now time.Time) hostState {
	s.inFlight--
	if pr == Prerequisite {
		s.blocking = false
	}
	s.notBefore = later(s.notBefore, ready)
	s.gap = max(p.minGap, ready.Sub(now))
	// Recompute rather than only extend: the spacing the last start set came
	// from the previous gap, and a back-off carried in it would otherwise
	// hold the host back a second time after the back-off ended.
	s.ready = later(s.notBefore, s.lastStart.Add(s.gap))
	return s
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
