package robots

import (
	"bytes"
	"math"
	"strconv"
	"strings"
	"time"
)

// group is the merged content of every robots.txt group naming one token.
type group struct {
	rules      []rule
	crawlDelay time.Duration
}

// parse reads a robots.txt leniently, as RFC 9309 section 2.2 asks: lines it
// does not understand are skipped, never the whole file.
func parse(body []byte) *Policy {
	p := &Policy{groups: make(map[string]*group)}
	var (
		current []*group // groups the lines being read add to
		inGroup bool     // a user-agent line has been seen
		members bool     // the current group has a rule or delay, so the next user-agent line starts a new group
	)
	seen := make(map[string]bool)
	body = bytes.TrimPrefix(body, []byte("\xef\xbb\xbf"))
	for line := range strings.FieldsFuncSeq(string(body), func(r rune) bool { return r == '\n' || r == '\r' }) {
		key, value, ok := splitLine(line)
		if !ok {
			continue
		}
		switch key {
		case "user-agent":
			if members {
				current, members = nil, false
			}
			inGroup = true
			tok := "*"
			if value != "*" {
				// A value that yields no token names no crawler; its
				// group still exists but nothing selects it.
				tok = productToken(value)
			}
			if tok == "" {
				continue
			}
			g := p.groups[tok]
			if g == nil {
				g = &group{}
				p.groups[tok] = g
			}
			current = append(current, g)
		case "allow", "disallow":
			if !inGroup {
				continue // rules before any user-agent line belong to nobody
			}
			members = true
			if value == "" {
				continue // an empty rule matches nothing
			}
			r := newRule(value, key == "allow")
			for _, g := range current {
				g.rules = append(g.rules, r)
			}
		case "crawl-delay":
			if !inGroup {
				continue
			}
			members = true
			d, ok := parseDelay(value)
			if !ok {
				continue
			}
			for _, g := range current {
				g.crawlDelay = max(g.crawlDelay, d)
			}
		case "sitemap":
			if value != "" && !seen[value] {
				seen[value] = true
				p.sitemaps = append(p.sitemaps, value)
			}
		}
	}
	return p
}

// splitLine returns a line's lower-cased key and its value without comment
// or surrounding blanks. Like Google's parser, it accepts a blank instead of
// the colon ("Disallow /tmp") and a few common misspellings of keys.
func splitLine(line string) (key, value string, ok bool) {
	if i := strings.IndexByte(line, '#'); i >= 0 {
		line = line[:i]
	}
	line = strings.TrimSpace(line)
	key, value, ok = strings.Cut(line, ":")
	if !ok {
		key, value, ok = strings.Cut(line, " ")
		if !ok {
			key, value, ok = strings.Cut(line, "\t")
		}
		if !ok {
			return "", "", false
		}
	}
	key = strings.ToLower(strings.TrimSpace(key))
	switch key {
	case "useragent", "user agent":
		key = "user-agent"
	case "crawldelay":
		key = "crawl-delay"
	case "site-map":
		key = "sitemap"
	}
	return key, strings.TrimSpace(value), true
}

// parseDelay reads a Crawl-delay in seconds, integer or fractional. Values
// too large for a time.Duration saturate rather than wrap.
func parseDelay(v string) (time.Duration, bool) {
	s, err := strconv.ParseFloat(v, 64)
	if err != nil || s < 0 || math.IsNaN(s) || math.IsInf(s, 0) {
		return 0, false
	}
	if s >= float64(math.MaxInt64)/float64(time.Second) {
		return time.Duration(math.MaxInt64), true
	}
	return time.Duration(s * float64(time.Second)), true
}
