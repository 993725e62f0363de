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
}

func newResolver(p whatwg.Parser, base *whatwg.Url) resolver {
	r := resolver{parser: p, base: base}
	if base != nil {
		u, err := url.Parse(base.Href(true))
		// An empty path segment in the base would need the same care as in
		// values (see fastResolve).
		if err == nil && (u.Scheme == "http" || u.Scheme == "https") && !strings.Contains(u.EscapedPath(), "//") {
			r.fast = u
		}
	}
	return r
}

// resolve resolves raw the way a browser does, through net/url when raw is
// plain and the WHATWG parser otherwise.
func (r resolver) resolve(raw string) (*url.URL, error) {
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
func (r resolver) whatwg(raw string) (*whatwg.Url, *url.URL, error) {
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
