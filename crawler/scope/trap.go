package scope

import (
	"errors"
	"net/url"
	"slices"
	"strings"
)

// Trap reasons, short tokens without spaces so they fit a crawl.log
// annotation column.
const (
	TrapURLLength        = "url-length"
	TrapPathDepth        = "path-depth"
	TrapRepeatedSegments = "repeated-path-segments"
	TrapQueryParams      = "query-params"
)

type limits struct {
	urlLength, pathDepth, repeats, queryParams int
}

func newLimits(r Rules) (limits, error) {
	l := limits{
		urlLength:   orDefault(r.MaxURLLength, 2048),
		pathDepth:   orDefault(r.MaxPathDepth, 32),
		repeats:     orDefault(r.MaxRepeatedSegments, 3),
		queryParams: orDefault(r.MaxQueryParams, 64),
	}
	if l.repeats == 1 {
		// One occurrence is every path: the limit would refuse the whole crawl.
		return l, errors.New("max repeated segments must be at least 2")
	}
	return l, nil
}

func orDefault(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

// Trap reports whether u looks like a crawler trap (calendars, broken relative
// links that nest forever, faceted search) and, if so, which limit it broke.
func (s *Scope) Trap(u *url.URL) (reason string, ok bool) {
	l := s.limits
	if l.urlLength > 0 && len(Key(u)) > l.urlLength {
		return TrapURLLength, true
	}
	segs := pathSegments(u.EscapedPath())
	if l.pathDepth > 0 && len(segs) > l.pathDepth {
		return TrapPathDepth, true
	}
	if l.repeats > 0 && repeatsRun(segs, l.repeats) {
		return TrapRepeatedSegments, true
	}
	if l.queryParams > 0 && countParams(u.RawQuery) > l.queryParams {
		return TrapQueryParams, true
	}
	return "", false
}

// pathSegments splits a path into its segments; a trailing slash adds none.
func pathSegments(path string) []string {
	path = strings.TrimPrefix(path, "/")
	if path == "" {
		return nil
	}
	segs := strings.Split(path, "/")
	if segs[len(segs)-1] == "" {
		segs = segs[:len(segs)-1]
	}
	return segs
}

// repeatsRun reports whether some run of segments occurs times times in a
// row, as relative links resolved against their own page produce
// (/a/b/a/b/a/b/). The path length limit bounds the quadratic work.
func repeatsRun(segs []string, times int) bool {
	for n := 1; n*times <= len(segs); n++ {
		for start := 0; start+n*times <= len(segs); start++ {
			run := segs[start : start+n]
			same := true
			for k := 1; k < times && same; k++ {
				same = slices.Equal(run, segs[start+k*n:start+(k+1)*n])
			}
			if same {
				return true
			}
		}
	}
	return false
}

func countParams(query string) int {
	n := 0
	for p := range strings.SplitSeq(query, "&") {
		if p != "" {
			n++
		}
	}
	return n
}
