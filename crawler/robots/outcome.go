package robots

// Outcome names what a finished robots.txt fetch meant for its host, for
// metrics and logs.
type Outcome string

// The outcomes of a robots.txt fetch, after the fetcher's own retries.
const (
	OutcomeFetched     Outcome = "fetched-2xx"   // its rules apply
	OutcomeAllowAll    Outcome = "4xx-allow-all" // unavailable (4xx, or too many redirects): everything is allowed
	OutcomeDisallowAll Outcome = "5xx-disallow"  // a server error or 429: nothing is allowed for now
	OutcomeUnreachable Outcome = "unreachable"   // no response at all: the host is given up
	OutcomeBlocked     Outcome = "blocked"       // the host's addresses are refused by the dial guard
)

// Outcomes lists every outcome, so that a metric can create its series
// before the first fetch.
func Outcomes() []Outcome {
	return []Outcome{OutcomeFetched, OutcomeAllowAll, OutcomeDisallowAll, OutcomeUnreachable, OutcomeBlocked}
}
