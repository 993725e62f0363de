package metrics

import (
	"strconv"
	"strings"
)

// other is the label value for anything outside a bounded set.
const other = "other"

// Each label takes its values from one of these sets, so a misbehaving site
// or a new caller cannot grow the number of series. They are also the
// series created at zero by New, so rate() and the dashboard see them from
// the first scrape.
var (
	commonCodes = []int{200, 204, 206, 301, 302, 303, 304, 307, 308, 400, 401, 403, 404, 410, 429, 500, 502, 503, 504}

	// errorKinds are capture.ErrorKind's values plus the crawler's own
	// reasons for not fetching a URL it had dequeued.
	errorKinds = []string{"dns", "connect", "tls", "timeout", "reset", "too-large", "header-too-large",
		"robots-denied", "out-of-scope", "blocked", other}

	// sources name how a fetched URL was discovered.
	sources = []string{"seed", "link", "embed", "redirect", "sitemap", "feed", "robots", other}

	recordTypes = []string{"warcinfo", "request", "response", "revisit", "resource", "metadata", "conversion", "continuation", other}

	robotsOutcomes = []string{"fetched-2xx", "4xx-allow-all", "5xx-disallow", "unreachable", other}

	refusalReasons = []string{"out-of-scope", "robots-denied", "trap", "unsupported-scheme", "malformed-url", "blocked", "max-depth", "too-many-redirects", "host-budget", "host-given-up", other}
)

// bounded returns v if it is one of set, else "other".
func bounded(set []string, v string) string {
	for _, s := range set {
		if s == v {
			return v
		}
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
