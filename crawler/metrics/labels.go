package metrics

import (
	"slices"
	"strconv"
	"strings"

	"arkisto/crawler/capture"
	"arkisto/crawler/robots"
)

// other is the label value for anything outside a bounded set.
const other = "other"

// Each label takes its values from one of these sets, so a misbehaving site
// or a new caller cannot grow the number of series. They are also the
// series created at zero by New, so rate() and the dashboard see them from
// the first scrape.
var (
	commonCodes = []int{200, 204, 206, 301, 302, 303, 304, 307, 308, 400, 401, 403, 404, 410, 429, 500, 502, 503, 504}

	// sources name how a fetched URL was discovered.
	sources = []string{"seed", "link", "embed", "redirect", "sitemap", "feed", "robots", other}

	recordTypes = []string{"warcinfo", "request", "response", "revisit", "resource", "metadata", "conversion", "continuation", other}

	refusalReasons = []string{"out-of-scope", "excluded", "robots-denied", "trap", "unsupported-scheme", "malformed-url", "blocked", "max-depth", "too-many-redirects", "host-budget", "host-given-up", "no-such-host", other}
)

// The kind label of fetch errors and the outcome label of robots.txt
// fetches take their values from the packages that name them, so a value
// added there is a series here, never "other".
func errorKinds() []capture.ErrorKind { return capture.ErrorKinds() } // KindOther included

func robotsOutcomes() []robots.Outcome { return append(robots.Outcomes(), other) }

// bounded returns v if it is one of set, else "other".
func bounded[T ~string](set []T, v T) string {
	if slices.Contains(set, v) {
		return string(v)
	}
	return other
}

// refusalReason folds crawl.log notes such as "trap:calendar" into their
// family, so trap detectors can name their reason in logs without adding
// label values.
func refusalReason(reason string) string {
	family, _, _ := strings.Cut(reason, ":")
	return bounded(refusalReasons, family)
}

// statusLabels returns the code and class labels of an HTTP status: the
// code itself only when it is a common one.
func statusLabels(status int) (code, class string) {
	code, class = other, other
	for _, c := range commonCodes {
		if c == status {
			code = strconv.Itoa(status)
			break
		}
	}
	if status >= 100 && status <= 599 {
		class = strconv.Itoa(status/100) + "xx"
	}
	return code, class
}
