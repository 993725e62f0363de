package crawler

import (
	"errors"
	"fmt"
	"strings"
	"sync"

	"arkisto/crawler/capture"
)

// ErrSeedsUnreachable is wrapped by Run's error when no host the crawl
// starts from answered a single request.
var ErrSeedsUnreachable = errors.New("no seed could be fetched")

// UnreachableError names, for each host the crawl starts from, why it
// never answered.
type UnreachableError struct {
	Hosts []HostFailure
}

// HostFailure is why one host never answered.
type HostFailure struct {
	Host string
	Kind capture.ErrorKind // "" when the host was never asked
	Err  string
}

func (e *UnreachableError) Error() string {
	var b strings.Builder
	b.WriteString(ErrSeedsUnreachable.Error())
	for _, h := range e.Hosts {
		fmt.Fprintf(&b, "\n  %s: ", h.Host)
		switch {
		case h.Kind == "":
			b.WriteString("never asked (excluded, or no URL of it could be queued)")
		case h.Err == "":
			b.WriteString(string(h.Kind))
		default:
			fmt.Fprintf(&b, "%s (%s)", h.Kind, h.Err)
		}
	}
	return b.String()
}

func (e *UnreachableError) Unwrap() error { return ErrSeedsUnreachable }

// seedHosts follows the hosts the crawl starts from: whether each has
// answered a request yet, and the last failure of those that have not.
type seedHosts struct {
	mu    sync.Mutex
	order []string
	hosts map[string]*HostFailure // nil once the host answered
}

func newSeedHosts(hosts []string) *seedHosts {
	s := &seedHosts{hosts: map[string]*HostFailure{}}
	for _, h := range hosts {
		if _, dup := s.hosts[h]; !dup {
			s.order = append(s.order, h)
			s.hosts[h] = &HostFailure{Host: h}
		}
	}
	return s
}

// note records the outcome of a fetch from host: err nil means it answered.
func (s *seedHosts) note(host string, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, ok := s.hosts[host]
	if !ok || f == nil {
		return
	}
	if err == nil {
		s.hosts[host] = nil
		return
	}
	f.Kind, f.Err = capture.KindOf(err), err.Error()
}

// unreachable returns an *UnreachableError when no host the crawl starts
// from answered and at least one failed. One never asked (a resumed crawl
// with none of its URLs left) proves nothing either way.
func (s *seedHosts) unreachable() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := &UnreachableError{}
	failed := false
	for _, h := range s.order {
		f := s.hosts[h]
		if f == nil {
			return nil
		}
		failed = failed || f.Kind != ""
		e.Hosts = append(e.Hosts, *f)
	}
	if !failed {
		return nil
	}
	return e
}
