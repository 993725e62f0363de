package metrics

import (
	"slices"
	"strconv"
	"strings"

	"arkisto/crawler/capture"
	"arkisto/crawler/crawllog"
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

	sources = []Source{SourceSeed, SourceLink, SourceEmbed, SourceRedirect, SourceSitemap, SourceFeed, SourceRobots, other}

	recordTypes = []string{"warcinfo", "request", "response", "revisit", "resource", "metadata", "conversion", "continuation", other}

	// refusalReasons are the crawl.log notes of refused URLs, a trap's
	// note by its family (refusalReason), and ReasonHostBudget.
	refusalReasons = []string{crawllog.NoteOutOfScope, crawllog.NoteExcluded, crawllog.NoteRobotsDenied, trapFamily,
		crawllog.NoteUnsupported, crawllog.NoteMalformedURL, string(capture.KindBlocked), "max-depth",
		crawllog.NoteTooManyRedirects, ReasonHostBudget, crawllog.NoteHostGivenUp, string(capture.KindNoSuchHost), other}
)

// Source is how a fetched URL was discovered: the source label of the
// fetch metrics.
type Source string

const (
	SourceSeed     Source = "seed"
	SourceLink     Source = "link"
	SourceEmbed    Source = "embed"
	SourceRedirect Source = "redirect"
	SourceSitemap  Source = "sitemap"
	SourceFeed     Source = "feed"
	SourceRobots   Source = "robots"
	SourceOther    Source = other
)

// ReasonHostBudget is the refusal reason of a URL whose host's
// --max-pages-per-host was spent (crawl.log notes crawllog.NoteHostBudget).
const ReasonHostBudget = "host-budget"

// trapFamily is the refusal reason of every trap, whatever its note names.
var trapFamily = strings.TrimSuffix(crawllog.NoteTrapPrefix, ":")

// The kind label of fetch errors (capture.ErrorKinds) and the outcome
// label of robots.txt fetches take their values from the packages that
// name them, so a value added there is a series here, never "other".
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
