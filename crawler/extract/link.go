package extract

import (
	"errors"
	"net/url"
)

// Kind says what a discovered URL is to the page it came from, which decides
// how the crawler treats it.
//
// The constants are not named Link and Embed because Link is the struct.
type Kind uint8

const (
	// Navigation is a link a reader follows; it obeys scope and depth.
	Navigation Kind = iota + 1
	// Embed is a requisite the page needs to render; fetched from any host.
	Embed
	// Refresh is the target of a meta refresh, the HTML form of a redirect.
	Refresh
	// Feed is an RSS, Atom or JSON feed announced with rel=alternate.
	Feed
)

// kindCount sizes arrays indexed by Kind.
const kindCount = int(Feed) + 1

// String names the kind for logs.
func (k Kind) String() string {
	switch k {
	case Navigation:
		return "navigation"
	case Embed:
		return "embed"
	case Refresh:
		return "refresh"
	case Feed:
		return "feed"
	}
	return "unknown"
}

// Hop is the Heritrix hop letter the crawl log records for the kind.
func (k Kind) Hop() byte {
	switch k {
	case Embed:
		return 'E'
	case Refresh:
		return 'R'
	}
	return 'L'
}

// Link is one URL found in a page.
type Link struct {
	// URL is absolute, resolved against the base, without fragment; nil when
	// Err is set.
	URL *url.URL
	// Raw is the value as found, after HTML or CSS unescaping and with
	// surrounding spaces and controls trimmed.
	Raw  string
	Kind Kind
	// Hop is Kind.Hop(), kept as a field for the crawl log.
	Hop byte
	// Context says where the value came from, such as "a/@href",
	// "img/@srcset", "style/url" or "meta/refresh".
	Context string
	// Err is set when the value is not a fetchable URL; it wraps
	// ErrUnsupportedScheme or ErrMalformedURL.
	Err error
}

// Page is what HTML found in one document.
type Page struct {
	// Links are in document order, one per distinct (URL, Kind); the first
	// occurrence gives the Context.
	Links []Link
	// NoFollow and NoIndex come from <meta name=robots>, where "none" sets
	// both. Links are reported either way: honoring them is crawl policy.
	NoFollow bool
	NoIndex  bool
	// Title is the text of the page's <title>, as a browser shows it:
	// white space collapsed, at most MaxTitleBytes; "" when it has none.
	Title string
	// Truncated says a limit cut the work short: the body was longer than
	// Options.MaxBytes, or Options.MaxLinks values were already collected.
	Truncated bool
}

var (
	// ErrUnsupportedScheme marks a URL that is not http or https, such as
	// mailto:, javascript:, data:, tel: or ftp:.
	ErrUnsupportedScheme = errors.New("unsupported url scheme")
	// ErrMalformedURL marks a value no browser could resolve to a URL.
	ErrMalformedURL = errors.New("malformed url")
)
