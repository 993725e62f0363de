package extract

import "net/url"

// Defaults for the zero Options fields.
const (
	// DefaultMaxBytes bounds the bytes read from one body, matching colly's
	// default MaxBodySize so nothing fetched goes unread.
	DefaultMaxBytes = 10 << 20
	// DefaultMaxLinks bounds the distinct values kept from one body.
	DefaultMaxLinks = 10_000
)

// Options bound and tune extraction. A zero field means its default, so the
// zero Options is what HTML and CSS use.
type Options struct {
	// MaxBytes is how much of a body is parsed; the rest is ignored.
	MaxBytes int
	// MaxLinks is how many distinct values are kept per body.
	MaxLinks int
	// IgnoreFormActions skips GET form actions, which Heritrix follows by
	// default and which on news sites mostly lead to empty search pages.
	IgnoreFormActions bool
}

func (o Options) withDefaults() Options {
	if o.MaxBytes <= 0 {
		o.MaxBytes = DefaultMaxBytes
	}
	if o.MaxLinks <= 0 {
		o.MaxLinks = DefaultMaxLinks
	}
	return o
}

// HTML extracts the links of an HTML document fetched from base, with the
// default Options. The body must already be decoded to UTF-8; invalid UTF-8
// and broken markup are tolerated.
func HTML(base *url.URL, body []byte) Page {
	return Options{}.HTML(base, body)
}

// CSS extracts the url() and @import references of a stylesheet fetched
// from base, all as Embed, with the default Options.
func CSS(base *url.URL, css []byte) []Link {
	return Options{}.CSS(base, css)
}

// CSS is the package-level CSS with these Options. Past MaxBytes or
// MaxLinks it stops without saying so; the caller can compare the lengths.
func (o Options) CSS(base *url.URL, css []byte) []Link {
	o = o.withDefaults()
	if len(css) > o.MaxBytes {
		css = css[:o.MaxBytes]
	}
	c := newCollector(o.MaxLinks)
	scanCSS(css, blockContexts(false), c)
	return c.resolve(base, nil)
}
