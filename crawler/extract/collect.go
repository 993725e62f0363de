package extract

import (
	"net/url"

	whatwg "github.com/nlnwa/whatwg-url/url"
)

// found is a value as the page gave it, before resolution. Resolution waits
// for the end of the document because a <base href> anywhere applies to all
// URLs, those before it too.
type found struct {
	raw     string
	kind    Kind
	context string
	// fromDocument resolves against the document URL, not the base: a
	// <base href> itself is relative to the document.
	fromDocument bool
}

// collector keeps the distinct values of one document, up to a limit, so a
// page of a million identical links costs one entry.
type collector struct {
	max   int
	seen  [kindCount]map[string]struct{}
	found []found
	full  bool
}

func newCollector(max int) *collector {
	return &collector{max: max}
}

// add keeps a value to be resolved against the document's base.
func (c *collector) add(raw []byte, kind Kind, context string) {
	c.addFound(raw, kind, context, false)
}

// addFound keeps raw unless it is blank, already kept for this kind, or over
// the limit. Blank values are dropped: an empty href names the page itself
// and an empty src loads nothing.
func (c *collector) addFound(raw []byte, kind Kind, context string, fromDocument bool) {
	raw = trimSpaceControls(raw)
	if len(raw) == 0 {
		return
	}
	// Values resolved against the document skip the raw dedupe: the same
	// text elsewhere resolves against the base and may name another URL.
	var m map[string]struct{}
	if !fromDocument {
		m = c.seen[kind]
		if m == nil {
			m = make(map[string]struct{})
			c.seen[kind] = m
		}
		if _, dup := m[string(raw)]; dup {
			return
		}
	}
	if len(c.found) >= c.max {
		c.full = true
		return
	}
	s := string(raw)
	if m != nil {
		m[s] = struct{}{}
	}
	c.found = append(c.found, found{raw: s, kind: kind, context: context, fromDocument: fromDocument})
}

// resolve turns the kept values into Links against the document URL, or
// against baseHref resolved on it when the page had a usable <base href>.
// Values that differ but resolve to the same URL are reported once per kind.
func (c *collector) resolve(doc *url.URL, baseHref *string) []Link {
	p := whatwg.NewParser(whatwg.WithPercentEncodeSinglePercentSign())
	fromDoc := newDocResolver(p, doc)
	r := fromDoc
	if baseHref != nil {
		// A base that does not resolve to http(s) is ignored, as browsers
		// fall back to the document URL; its own Link reports the error.
		if b, _, err := fromDoc.whatwg(*baseHref); err == nil {
			r = newResolver(p, b)
		}
	}
	links := make([]Link, 0, len(c.found))
	var seen [kindCount]map[string]struct{}
	for _, f := range c.found {
		l := Link{Raw: f.raw, Kind: f.kind, Hop: f.kind.Hop(), Context: f.context}
		if f.fromDocument {
			l.URL, l.Err = fromDoc.resolve(f.raw)
		} else {
			l.URL, l.Err = r.resolve(f.raw)
		}
		if l.Err == nil {
			if seen[f.kind] == nil {
				seen[f.kind] = make(map[string]struct{}, len(c.found))
			}
			key := l.URL.String()
			if _, dup := seen[f.kind][key]; dup {
				continue
			}
			seen[f.kind][key] = struct{}{}
		}
		links = append(links, l)
	}
	return links
}
