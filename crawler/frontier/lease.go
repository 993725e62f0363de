package frontier

// leaseKey names an item in flight, for Done to find its lease.
type leaseKey struct {
	url      string
	priority Priority
	attempt  int
}

func keyOf(it Item) leaseKey {
	return leaseKey{url: it.URL, priority: it.Priority, attempt: it.Attempt}
}

func (k leaseKey) leased() leaseKey { return k }

// findLease finds, among a host's leases, the one that Done of it ends: the
// one of its URL (of its priority and attempt when a retry of the URL is in
// flight too), or the host's only lease, for a Done that names just the
// host as Memory allows.
func findLease[L interface{ leased() leaseKey }](leases []L, it Item) (int, bool) {
	found := -1
	for i, l := range leases {
		k := l.leased()
		if k.url != it.URL {
			continue
		}
		if k.priority == it.Priority && k.attempt == it.Attempt {
			return i, true
		}
		if found < 0 {
			found = i
		}
	}
	if found < 0 && len(leases) == 1 {
		found = 0
	}
	return found, found >= 0
}
