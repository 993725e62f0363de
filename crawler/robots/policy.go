package robots

import (
	"bytes"
	"net/url"
	"slices"
	"strings"
	"time"
)

// MaxBytes is how much of a robots.txt is parsed. RFC 9309 asks crawlers to
// parse at least 500 KiB; what follows is ignored.
const MaxBytes = 500 << 10

type verdict int

const (
	parsed verdict = iota
	allowAll
	disallowAll
)

// Policy is what one host's robots.txt allows. It never changes after it is
// made, so it is safe for concurrent use.
type Policy struct {
	verdict verdict
	// groups holds the merged rules of each product token ("*" for the
	// default group); a token named in several groups gets all their rules.
	groups   map[string]*group
	sitemaps []string
}

// FromResponse interprets a robots.txt fetch that ended with status and body.
// 2xx: the body's rules (first MaxBytes only). 4xx: the file is unavailable,
// so everything is allowed, except 429, which asks us to slow down and is
// treated as a server error. 5xx: everything is disallowed until the caller
// fetches again. A 3xx only arrives here when the caller stopped following
// redirects (RFC 9309 allows giving up after five), which counts as unavailable.
// Any other status is treated like an unreachable server.
func FromResponse(status int, body []byte) *Policy {
	switch {
	case status >= 200 && status < 300:
		return parse(truncate(body))
	case status == 429:
		return &Policy{verdict: disallowAll}
	case status >= 300 && status < 500:
		return &Policy{verdict: allowAll}
	default:
		return &Policy{verdict: disallowAll}
	}
}

// Unreachable is the policy for a host whose robots.txt could not be fetched
// at all (DNS, connection or TLS failure, timeout): disallow everything until
// the caller tries again.
func Unreachable() *Policy {
	return &Policy{verdict: disallowAll}
}

// Allowed reports whether userAgent may fetch u. The group is chosen by the
// user agent's product token ("arkisto" in "arkisto/0.1 (+https://...)"),
// matched case-insensitively and exactly, falling back to the "*" group.
// Within the group the longest matching rule wins and Allow wins a tie.
func (p *Policy) Allowed(userAgent string, u *url.URL) bool {
	switch p.verdict {
	case allowAll:
		return true
	case disallowAll:
		return false
	}
	if u.EscapedPath() == "/robots.txt" {
		return true // RFC 9309 section 2.2.2: implicitly allowed
	}
	g := p.group(userAgent)
	if g == nil {
		return true
	}
	return g.allows(matchTarget(u))
}

// CrawlDelay is the Crawl-delay of userAgent's group, or 0 when it sets none.
// Crawl-delay is not part of RFC 9309; the scheduler takes the larger of it
// and its own delay.
func (p *Policy) CrawlDelay(userAgent string) time.Duration {
	if g := p.group(userAgent); g != nil {
		return g.crawlDelay
	}
	return 0
}

// Sitemaps lists the Sitemap URLs in file order, without duplicates.
func (p *Policy) Sitemaps() []string {
	return slices.Clone(p.sitemaps)
}

func (p *Policy) group(userAgent string) *group {
	if tok := productToken(userAgent); tok != "" {
		if g, ok := p.groups[tok]; ok {
			return g
		}
	}
	return p.groups["*"]
}

// productToken is the leading run of letters, '_' and '-' (RFC 9309's
// product-token characters), lower-cased: "arkisto/0.1 (+https://…)" gives
// "arkisto", and so does a robots.txt line "User-agent: Arkisto/2".
func productToken(s string) string {
	s = strings.TrimSpace(s)
	end := strings.IndexFunc(s, func(r rune) bool {
		return !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || r == '_' || r == '-')
	})
	if end < 0 {
		end = len(s)
	}
	return strings.ToLower(s[:end])
}

// matchTarget is the part of u that rules match: path and query,
// percent-encoding normalized like the rules.
func matchTarget(u *url.URL) string {
	t := u.EscapedPath()
	if t == "" {
		t = "/"
	}
	if u.RawQuery != "" || u.ForceQuery {
		t += "?" + u.RawQuery
	}
	return normalize(t)
}

// truncate cuts body to MaxBytes, dropping a line cut in two: half a rule
// could allow more than the whole one ("Allow: /a" out of "Allow: /abc").
func truncate(body []byte) []byte {
	if len(body) <= MaxBytes {
		return body
	}
	body = body[:MaxBytes]
	if i := bytes.LastIndexAny(body, "\r\n"); i >= 0 {
		return body[:i+1]
	}
	return nil
}
