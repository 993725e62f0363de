package crawler

import "sync"

// followedBatch is how many URLs a generation of followedSet holds; the set
// remembers between one and two generations, about 2 MB at most.
const followedBatch = 8192

// followedSet remembers recently followed URLs whose canonical form is in
// the frontier's seen set, so that following one again can stop at once:
// the frontier would refuse it as seen anyway, after canonicalization, the
// scope rules and a seen-set lookup did their work again. Pages repeat most
// of their links (navigation, sections, related articles), so most links
// of a crawl end here. It keeps the newest URLs in a bounded memory: when
// the current generation fills, it becomes the previous one and the
// oldest is dropped. The zero value is ready for use and safe for
// concurrent use.
type followedSet struct {
	mu        sync.Mutex
	cur, prev map[string]struct{}
}

// has reports whether u was added recently.
func (s *followedSet) has(u string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.cur[u]; ok {
		return true
	}
	_, ok := s.prev[u]
	return ok
}

// add remembers u, which the frontier has now seen.
func (s *followedSet) add(u string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cur == nil || len(s.cur) >= followedBatch {
		s.prev, s.cur = s.cur, make(map[string]struct{}, followedBatch)
	}
	s.cur[u] = struct{}{}
}
