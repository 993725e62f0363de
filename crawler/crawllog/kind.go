package crawllog

import "strings"

// Kind is what a crawl.log line says became of its URL: fetched (an HTTP
// response, whatever its status), or why not.
type Kind string

// The kinds Entry.Kind returns.
const (
	KindFetched     Kind = "fetched"
	KindDNS         Kind = "dns"          // the lookup failed for now
	KindNoSuchHost  Kind = "no-such-host" // the name does not exist
	KindRefused     Kind = "refused"      // no connection could be made
	KindTLS         Kind = "tls"          // the TLS handshake failed
	KindReset       Kind = "reset"        // the connection was dropped
	KindTimeout     Kind = "timeout"
	KindOther       Kind = "other" // unparsable response, failed write, ...
	KindBadURL      Kind = "bad-url"
	KindHostGivenUp Kind = "host-given-up" // queued for a host that kept failing
	KindBlocked     Kind = "blocked"       // a private address
	KindRobots      Kind = "robots"
	KindOutOfScope  Kind = "out-of-scope"
	KindExcluded    Kind = "excluded"    // matched --exclude
	KindTrap        Kind = "trap"        // a trap rule or too many redirects
	KindHostBudget  Kind = "host-budget" // --max-pages-per-host was spent
)

// Kinds lists every kind, fetched first, then failures to fetch, then
// URLs the crawl chose not to fetch.
func Kinds() []Kind {
	return []Kind{KindFetched, KindDNS, KindNoSuchHost, KindRefused, KindTLS, KindReset, KindTimeout, KindOther,
		KindBadURL, KindHostGivenUp, KindBlocked, KindRobots, KindOutOfScope, KindExcluded, KindTrap, KindHostBudget}
}

// Annotation words the crawler writes and Kind reads.
const (
	NoteExcluded         = "excluded"
	NoteOutOfScope       = "out-of-scope"
	NoteRobotsDenied     = "robots-denied"
	NoteMalformedURL     = "malformed-url"
	NoteUnsupported      = "unsupported-scheme"
	NoteTooManyRedirects = "too-many-redirects"
	NoteTrapPrefix       = "trap:"
	NoteHostBudget       = "max-pages-per-host"
	NoteRetryPrefix      = "retry:"
	NoteHostGivenUp      = "host-given-up"
	NoteRevisit          = "duplicate:digest" // Heritrix's note for a revisit
	// NoteTLSUnverified marks an HTTPS fetch whose certificate would not
	// verify: the transport accepts it, and the archive says so.
	NoteTLSUnverified = "tls-unverified"
)

// Kind reads what became of e's URL from its status and annotations.
func (e Entry) Kind() Kind {
	switch e.Status {
	case StatusDNS:
		if e.has(string(KindNoSuchHost)) {
			return KindNoSuchHost
		}
		return KindDNS
	case StatusConnect:
		if e.has(string(KindTLS)) {
			return KindTLS
		}
		return KindRefused
	case StatusReset:
		return KindReset
	case StatusTimeout:
		return KindTimeout
	case StatusOther:
		return KindOther
	case StatusUnsupported:
		return KindBadURL
	case StatusRetriesExhausted:
		return KindHostGivenUp
	case StatusBlocked:
		return KindBlocked
	case StatusRobots:
		return KindRobots
	case StatusOutOfScope:
		switch {
		case e.has(NoteExcluded):
			return KindExcluded
		case e.has(NoteHostBudget):
			return KindHostBudget
		case e.has(NoteTooManyRedirects), e.hasPrefix(NoteTrapPrefix):
			return KindTrap
		}
		return KindOutOfScope
	}
	if e.Status > 0 {
		return KindFetched
	}
	return KindOther
}

// Retried says that the URL was queued again after this attempt failed:
// the line is not its final outcome.
func (e Entry) Retried() bool { return e.hasPrefix(NoteRetryPrefix) }

// Revisit says that the fetch was stored as a revisit record.
func (e Entry) Revisit() bool { return e.has(NoteRevisit) }

// GaveUpHost says that this fetch made its host be given up.
func (e Entry) GaveUpHost() bool { return e.Status != StatusRetriesExhausted && e.has(NoteHostGivenUp) }

func (e Entry) has(note string) bool {
	for _, a := range e.Annotations {
		if a == note {
			return true
		}
	}
	return false
}

func (e Entry) hasPrefix(prefix string) bool {
	for _, a := range e.Annotations {
		if strings.HasPrefix(a, prefix) {
			return true
		}
	}
	return false
}

// ByRule says whether the URL was left out by the crawl's own rules
// (robots.txt, scope, exclude, a trap, a budget) or is no fetchable URL at
// all, rather than failing to be fetched.
func (k Kind) ByRule() bool {
	switch k {
	case KindRobots, KindOutOfScope, KindExcluded, KindTrap, KindHostBudget, KindBadURL:
		return true
	}
	return false
}
