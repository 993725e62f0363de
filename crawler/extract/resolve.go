package extract

import (
	"fmt"
	"net/url"
	"strings"

	whatwg "github.com/nlnwa/whatwg-url/url"
)

// resolver resolves values against one base URL.
type resolver struct {
	parser whatwg.Parser
	base   *whatwg.Url // nil when there is none: only absolute values resolve
	fast   *url.URL    // base in net/url form for fastResolve, or nil
	// lazy is the document URL whose WHATWG parse waits until a value
	// needs it; "" once parsed or when there is nothing to parse.
	lazy string
}

func newResolver(p whatwg.Parser, base *whatwg.Url) *resolver {
	r := &resolver{parser: p, base: base}
	if base != nil {
		href := base.Href(true)
		u, err := url.Parse(href)
		// WHATWG leaves some bytes in a path that net/url escapes when it
		// prints ("|", "^"); net/url would then escape a resolved value
		// differently too.
		if err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.String() == href && fastBase(u) {
			r.fast = u
		}
	}
	return r
}

// fastBase reports whether net/url resolves against u as WHATWG does. An
// empty path segment would need the same care as in values (see
// fastResolve), and net/url's ResolveReference drops an empty query ("?")
// that WHATWG keeps for a fragment-only value.
func fastBase(u *url.URL) bool {
	return !strings.Contains(u.EscapedPath(), "//") && !u.ForceQuery
}

// newDocResolver resolves against the document URL. A document URL that
// fastResolve takes as it is, as every crawled URL is, needs no WHATWG
// parse unless a value on the page is not plain: that parse costs about as
// much as a page's worth of plain values.
func newDocResolver(p whatwg.Parser, doc *url.URL) *resolver {
	if doc == nil {
		return newResolver(p, nil)
	}
	raw := doc.String()
	if u, ok := fastResolve(doc, raw); ok && u.String() == raw && fastBase(u) {
		return &resolver{parser: p, fast: u, lazy: raw}
	}
	// A document URL the browser rules reject leaves only absolute values
	// resolvable; each relative one then reports why.
	base, _ := p.Parse(raw)
	return newResolver(p, base)
}

// resolve resolves raw the way a browser does, through net/url when raw is
// plain and the WHATWG parser otherwise.
func (r *resolver) resolve(raw string) (*url.URL, error) {
	if r.fast != nil {
		if u, ok := fastResolve(r.fast, raw); ok {
			return u, nil
		}
	}
	_, u, err := r.whatwg(raw)
	return u, err
}

// whatwg resolves raw with WHATWG URL parsing (tabs and newlines dropped,
// backslashes as slashes, spaces percent-encoded, hosts IDNA-mapped) and
// returns it both as parsed and as a net/url URL without fragment.
func (r *resolver) whatwg(raw string) (*whatwg.Url, *url.URL, error) {
	if r.lazy != "" {
		// fastResolve took this URL, so WHATWG parses it too.
		r.base, _ = r.parser.Parse(r.lazy)
		r.lazy = ""
	}
	var (
		w   *whatwg.Url
		err error
	)
	if r.base != nil {
		w, err = r.base.Parse(raw)
	} else {
		w, err = r.parser.Parse(raw)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("resolve url %q: %w: %w", raw, ErrMalformedURL, err)
	}
	if s := w.Scheme(); s != "http" && s != "https" {
		return nil, nil, fmt.Errorf("resolve url %q: %w %q", raw, ErrUnsupportedScheme, s)
	}
	u, err := url.Parse(w.Href(true))
	if err != nil {
		return nil, nil, fmt.Errorf("resolve url %q: %w: %w", raw, ErrMalformedURL, err)
	}
	return w, u, nil
}

// trimSpaceControls strips what the URL parser strips from both ends: C0
// controls and space.
func trimSpaceControls(b []byte) []byte {
	for len(b) > 0 && b[0] <= ' ' {
		b = b[1:]
	}
	for len(b) > 0 && b[len(b)-1] <= ' ' {
		b = b[:len(b)-1]
	}
	return b
}
